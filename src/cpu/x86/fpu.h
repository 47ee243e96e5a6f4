/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 floating-point unit of a 386+387 or a 486DX: its architectural state (X86Fpu, a field
 * of X86Cpu) and the seam to the decoder. fpu_exec.c executes the ESC opcodes D8-DF and WAIT;
 * fpu_float80.c does the 80-bit arithmetic, fpu_transc.c the transcendental instructions,
 * fxsave.c FXSAVE/FXRSTOR.
 *
 * Error reporting, the PC way (Intel486 Programmer's Reference Manual 15.x "numeric exceptions";
 * SDM vol. 1 8.7 "handling x87 FPU exceptions in software"): an unmasked exception sets ES and B
 * in the status word and drives FERR# (cpu->ferr(cpu->ferr_opaque, level)); the board wires that
 * to IRQ 13. At the next waiting FPU instruction (or WAIT) with ES set:
 *   - CR0.NE = 1 (486+): #MF (vector 16) is raised;
 *   - CR0.NE = 0 and IGNNE# asserted (x86_fpu_set_ignne(), the board's OUT to port F0h): the
 *     instruction runs and ignores the pending error;
 *   - CR0.NE = 0 and IGNNE# inactive: the CPU freezes on that instruction until an interrupt
 *     arrives (the IRQ 13 handler writes port F0h, then FNCLEX or the like). With no ferr hook
 *     wired, the freeze is skipped (IGNNE# behaviour), so a CPU without a board cannot hang.
 * FERR# follows ES: it goes inactive when FNCLEX/FNINIT/FLDENV/FRSTOR/FLDCW clear ES, and IGNNE#
 * drops with it (the AT-compatible latch is reset by FERR# going away).
 *
 * "Host-checked" in these files means: verified bit for bit against the x87 of the x86-64 test
 * host (tests/unit/test_x87.c). Intel kept the x87's results compatible from the 387 on, but for
 * what the manuals call undefined (F2XM1/FYL2XP1 outside their domains, FSCALE far out of range)
 * we reproduce the modern chip, which a 387 or 486 may not match exactly (a deviation, by
 * choice: no 387 is at hand to check). The 386 + 387 pair is modelled like a 486DX: no
 * coprocessor-bus overlap, errors visible to the very next FPU instruction.
 */
#ifndef AMBER_CPU_X86_FPU_H
#define AMBER_CPU_X86_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/x86/fpu_float80.h"

/* Status word bits. */
#define X86_FSW_IE 0x0001u
#define X86_FSW_DE 0x0002u
#define X86_FSW_ZE 0x0004u
#define X86_FSW_OE 0x0008u
#define X86_FSW_UE 0x0010u
#define X86_FSW_PE 0x0020u
#define X86_FSW_SF 0x0040u
#define X86_FSW_ES 0x0080u
#define X86_FSW_C0 0x0100u
#define X86_FSW_C1 0x0200u
#define X86_FSW_C2 0x0400u
#define X86_FSW_TOP 0x3800u
#define X86_FSW_C3 0x4000u
#define X86_FSW_B 0x8000u

typedef struct X86Fpu {
    uint64_t sig[8];  /* physical registers R0-R7: significands */
    uint16_t se[8];   /* sign and exponent */
    uint16_t cw;      /* control word */
    uint16_t sw;      /* status word, TOP in bits 11-13 */
    uint16_t tag;     /* 2 bits per physical register; kept as 11 (empty) or 00 (in use): the
                         zero/special classes are computed from the contents when stored */
    uint16_t fop;     /* last non-control instruction: low 11 bits of its opcode */
    uint16_t fcs, fds;  /* selectors of that instruction and of its memory operand */
    uint32_t fip, fdp;  /* their offsets */
    bool ferr;        /* FERR# output level (follows ES) */
    bool ignne;       /* IGNNE# input as the board latched it */
} X86Fpu;

typedef struct X86Cpu X86Cpu;
typedef struct X86Insn X86Insn;

/* The decoder's entry points, for models with X86_F_FPU: an ESC opcode D8-DF (after prefixes and
 * ModRM, i->ea and i->seg set for a memory operand; the handler checks CR0.EM/TS itself), and
 * WAIT (9B). */
void x86_fpu_esc(X86Cpu *cpu, X86Insn *i);
void x86_fpu_wait(X86Cpu *cpu);
/* Hardware reset of the FPU (the FNINIT state: the 387 data sheet's RESET column). */
void x86_fpu_reset(X86Cpu *cpu);
/* IGNNE#: the board asserts it on a write to port F0h (it drops with FERR#). */
void x86_fpu_set_ignne(X86Cpu *cpu, bool level);

/* MMX (Pentium MMX, Pentium II): the eight MMX registers are the significands of the physical
 * registers R0-R7 (SDM vol. 1 9.5). x86_fpu_mmx_enter() is what every MMX instruction but EMMS
 * does first (TOP = 0, all tags valid); a write also sets the sign/exponent field to all ones. */
void x86_fpu_mmx_enter(X86Cpu *cpu);
uint64_t x86_fpu_mmx_get(const X86Cpu *cpu, unsigned n);
void x86_fpu_mmx_set(X86Cpu *cpu, unsigned n, uint64_t v);
void x86_fpu_emms(X86Cpu *cpu); /* every tag empty */
/* FXSAVE / FXRSTOR (Pentium II; fxsave.c): the 512-byte area at sreg:ea (offsets inside it wrap
 * at 64 KiB unless addr32). CR0.EM -> #UD, CR0.TS -> #NM, an area not 16-byte aligned -> #GP(0);
 * the decoder's 0F AE handler checks CPUID.FXSR and the register form before calling these. */
void x86_fpu_fxsave(X86Cpu *cpu, int sreg, uint32_t ea, bool addr32);
void x86_fpu_fxrstor(X86Cpu *cpu, int sreg, uint32_t ea, bool addr32);

/* Sets ES and B from the unmasked exception flags and makes FERR# follow ES (calling cpu->ferr on
 * a change; IGNNE# drops when FERR# does). For every write of the status or control word. */
void x86_fpu_update_es(X86Cpu *cpu);
/* The control word as FLDCW, FLDENV, FRSTOR and FXRSTOR load it: bit 6 reads as one and bits
 * 13-15 as zero on the 387 and later (host-checked, FXRSTOR included). */
static inline uint16_t x86_fpu_cw_loaded(uint16_t v) { return (uint16_t)((v & 0x1F3F) | 0x0040); }

/* State-table entries of the FPU inside X86Cpu (for the CPU section's table in cpu_state.c):
 * X86_FPU_STATE_FIELDS(v) with v the section version that added them. */
#define X86_FPU_STATE_FIELDS(v)                                                                   \
    STATE_FIELD_NAMED("fpu.sig", X86Cpu, fpu.sig, STATE_U64, 8, STATE_FMT_HEX, v),                \
        STATE_FIELD_NAMED("fpu.se", X86Cpu, fpu.se, STATE_U16, 8, STATE_FMT_HEX, v),              \
        STATE_FIELD_NAMED("fpu.cw", X86Cpu, fpu.cw, STATE_U16, 1, STATE_FMT_HEX, v),              \
        STATE_FIELD_NAMED("fpu.sw", X86Cpu, fpu.sw, STATE_U16, 1, STATE_FMT_HEX, v),              \
        STATE_FIELD_NAMED("fpu.tag", X86Cpu, fpu.tag, STATE_U16, 1, STATE_FMT_HEX, v),            \
        STATE_FIELD_NAMED("fpu.fop", X86Cpu, fpu.fop, STATE_U16, 1, STATE_FMT_HEX, v),            \
        STATE_FIELD_NAMED("fpu.fcs", X86Cpu, fpu.fcs, STATE_U16, 1, STATE_FMT_HEX, v),            \
        STATE_FIELD_NAMED("fpu.fds", X86Cpu, fpu.fds, STATE_U16, 1, STATE_FMT_HEX, v),            \
        STATE_FIELD_NAMED("fpu.fip", X86Cpu, fpu.fip, STATE_U32, 1, STATE_FMT_HEX, v),            \
        STATE_FIELD_NAMED("fpu.fdp", X86Cpu, fpu.fdp, STATE_U32, 1, STATE_FMT_HEX, v),            \
        STATE_FIELD_NAMED("fpu.ferr", X86Cpu, fpu.ferr, STATE_BOOL, 1, STATE_FMT_DEC, v),         \
        STATE_FIELD_NAMED("fpu.ignne", X86Cpu, fpu.ignne, STATE_BOOL, 1, STATE_FMT_DEC, v)

#endif
