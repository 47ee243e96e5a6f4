/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cycle tables for the x86 models (timing.c). Every instruction form charges a base count from its
 * model's table (register or memory operand form); handlers add the parts that depend on data:
 * taken branches, shift counts, string iterations, the 8086's effective-address calculation.
 */
#ifndef AMBER_CPU_X86_TIMING_H
#define AMBER_CPU_X86_TIMING_H

#include <stdint.h>

/* Base cycles of one instruction form: with a register (or no) operand, and with a memory operand
 * (excluding the 8086's EA calculation, which X86Timing.ea adds). */
typedef struct X86Cyc {
    uint16_t reg, mem;
} X86Cyc;

/* Group opcodes with per-ModRM.reg timings, in this order in X86Timing.grp. */
enum {
    X86_GRP_80, X86_GRP_81, X86_GRP_83, X86_GRP_C0, X86_GRP_C1, X86_GRP_D0, X86_GRP_D1,
    X86_GRP_D2, X86_GRP_D3, X86_GRP_F6, X86_GRP_F7, X86_GRP_FE, X86_GRP_FF,
    X86_GRP_0F00, X86_GRP_0F01, X86_GRP_0FBA, X86_GRP_COUNT
};

typedef struct X86Timing {
    X86Cyc op[256];                 /* one-byte opcodes (groups: see grp) */
    X86Cyc op0f[256];               /* 0F xx */
    X86Cyc grp[X86_GRP_COUNT][8];   /* group opcodes by ModRM.reg */
    /* 8086 effective-address calculation (User's Manual table 2-20), indexed by ModRM rm for
     * mod 0 (rm 6 = direct address), then mod 1/2 (displacement added); 0 on later chips. */
    uint8_t ea_mod0[8], ea_disp[8];
    uint8_t prefix;                 /* per prefix byte (8086: 2 for segment, LOCK, REP) */
    uint8_t word_mem_penalty;       /* 8086: +4 per word transfer at an odd address; 8088: per
                                       word transfer (two bus cycles) */
    uint8_t jcc_taken;              /* added to a conditional jump (or LOOP/JCXZ) when taken */
    uint8_t shift_per_bit;          /* shifts/rotates by CL or imm8: per bit */
    uint8_t rep_base;               /* REP-prefixed string instruction: once */
    uint8_t rep_iter[8];            /* per iteration: MOVS CMPS STOS LODS SCAS INS OUTS (by kind) */
    uint16_t intr;                  /* hardware interrupt / exception delivery (real mode) */
    uint16_t mul8, mul16, mul32;    /* MUL/IMUL/DIV/IDIV are in grp; these are the 386 early-out */
} X86Timing;

extern const X86Timing x86_timing_8086;
extern const X86Timing x86_timing_286;
extern const X86Timing x86_timing_386;
extern const X86Timing x86_timing_486;
extern const X86Timing x86_timing_p5;  /* Pentium, Pentium MMX */
extern const X86Timing x86_timing_p6;  /* Pentium II */

#endif
