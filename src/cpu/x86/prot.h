/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the x86 protection files (seg.c, intr.c, task.c, farctl.c, sysinsn.c):
 * descriptor field access, privileged stack building and the helpers they have in common.
 * Not part of the seam the decoder uses (that is cpu.h).
 *
 * Descriptor layout (80386 PRM 5.1.1, figure 5-3): limit 0..15, base 16..39, access byte 40..47
 * (type 40..43, S 44, DPL 45..46, P 47), limit 48..51, AVL 52, D/B 54, G 55, base 56..63.
 * Gates (figure 9-3): offset 0..15 and 48..63, selector 16..31, parameter count 32..36.
 */
#ifndef AMBER_CPU_X86_PROT_H
#define AMBER_CPU_X86_PROT_H

#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"

/* What the model has (models.h feature bits). */
static inline bool cpu_has_pm(const X86Cpu *cpu) { return x86_has(cpu->model, X86_F_PMODE); }
static inline bool cpu_is_386(const X86Cpu *cpu) { return x86_has(cpu->model, X86_F_386); }
/* CR0.WP exists from the 486 on (i486 PRM 4.5.1). */
static inline bool cpu_has_wp(const X86Cpu *cpu) { return cpu->model->family > X86_FAMILY_386; }
/* EFLAGS bits the model implements: 8086/186 0x0FD5, 286 +IOPL NT, 386 +RF VM, 486 +AC,
 * CPUID models +ID, VME models +VIF VIP (Pentium DM vol. 3, 3.3.1). */
static inline uint32_t cpu_flags_mask(const X86Cpu *cpu)
{
    if (cpu->model->family > X86_FAMILY_386) {
        return 0x77FD5u | (x86_has(cpu->model, X86_F_CPUID) ? X86_ID : 0) |
               (x86_has(cpu->model, X86_F_VME) ? X86_VIF | X86_VIP : 0);
    }
    return cpu_is_386(cpu) ? 0x37FD5u : cpu_has_pm(cpu) ? 0x7FD5u : 0x0FD5u;
}

/* System descriptor types (S = 0), 80386 PRM table 6-1. */
enum {
    X86_DT_TSS16_AVAIL = 1,
    X86_DT_LDT = 2,
    X86_DT_TSS16_BUSY = 3,
    X86_DT_CALL16 = 4,
    X86_DT_TASK = 5,
    X86_DT_INT16 = 6,
    X86_DT_TRAP16 = 7,
    X86_DT_TSS32_AVAIL = 9,
    X86_DT_TSS32_BUSY = 11,
    X86_DT_CALL32 = 12,
    X86_DT_INT32 = 14,
    X86_DT_TRAP32 = 15,
};

static inline uint16_t desc_attr(uint64_t d) { return (uint16_t)((d >> 40) & 0xF0FFu); }
static inline unsigned desc_dpl(uint64_t d) { return (unsigned)(d >> 45) & 3u; }
static inline bool desc_present(uint64_t d) { return (d >> 47) & 1u; }
static inline bool desc_s(uint64_t d) { return (d >> 44) & 1u; }
static inline unsigned desc_type(uint64_t d) { return (unsigned)(d >> 40) & 0xFu; }
static inline bool desc_is_code(uint64_t d) { return desc_s(d) && (desc_type(d) & 8u); }
static inline bool desc_is_data(uint64_t d) { return desc_s(d) && !(desc_type(d) & 8u); }
static inline bool desc_conforming(uint64_t d) { return desc_is_code(d) && (desc_type(d) & 4u); }
static inline bool desc_readable(uint64_t d) { return desc_is_data(d) || (desc_type(d) & 2u); }
static inline bool desc_writable_data(uint64_t d) { return desc_is_data(d) && (desc_type(d) & 2u); }
static inline uint32_t desc_base(uint64_t d)
{
    return (uint32_t)(((d >> 16) & 0xFFFFFFu) | ((d >> 32) & 0xFF000000u));
}
static inline uint32_t desc_limit(uint64_t d)
{
    uint32_t l = (uint32_t)((d & 0xFFFFu) | ((d >> 32) & 0xF0000u));
    return (d & (UINT64_C(1) << 55)) ? (l << 12) | 0xFFFu : l;
}
static inline uint16_t gate_selector(uint64_t d) { return (uint16_t)(d >> 16); }
static inline uint32_t gate_offset(uint64_t d)
{
    return (uint32_t)((d & 0xFFFFu) | ((d >> 32) & 0xFFFF0000u));
}
static inline unsigned gate_params(uint64_t d) { return (unsigned)(d >> 32) & 0x1Fu; }
/* 386 gates (types 9..15) move 32-bit quantities; 286 gates 16-bit ones. */
static inline bool type_is_32(unsigned type) { return (type & 8u) != 0; }

static inline uint16_t sel_err(uint16_t sel) { return sel & 0xFFFCu; }
static inline bool sel_null(uint16_t sel) { return (sel & 0xFFFCu) == 0; }

/* Supervisor-level reads/writes of system structures (descriptor tables, TSS). */
static inline uint32_t sys_read32(X86Cpu *cpu, uint32_t lin)
{
    return x86_lin_read32(cpu, lin, false);
}
static inline uint16_t sys_read16(X86Cpu *cpu, uint32_t lin)
{
    return x86_lin_read16(cpu, lin, false);
}

/* seg.c */
bool x86_seg_limit_ok(const X86Seg *s, uint32_t offset, unsigned len);
/* ORs bits into the access byte of the descriptor sel names (accessed bit, TSS busy bit). */
void x86_desc_set_bits(X86Cpu *cpu, uint16_t sel, uint8_t bits);
void x86_desc_clear_bits(X86Cpu *cpu, uint16_t sel, uint8_t bits);
/* The accessed bit (bit 40 of a descriptor): set in the table when desc lacks it; returns desc with
 * it set. */
#define X86_DESC_ACCESSED (UINT64_C(1) << 40)
uint64_t x86_desc_mark_accessed(X86Cpu *cpu, uint16_t sel, uint64_t desc);
/* Loads CS from an already-checked code descriptor, with RPL = cpl, and sets CPL. */
void x86_load_cs_checked(X86Cpu *cpu, uint16_t sel, uint64_t desc, unsigned cpl);
/* Loads ES, DS, FS or GS in protected mode with every check (80386 PRM MOV/POP and 7.5 step
 * "load the segment registers"): a null selector loads; otherwise a data or readable code segment
 * whose DPL is >= CPL and >= RPL unless conforming code, else vector (#GP for MOV/POP, #TS in a
 * task switch) with the selector; #NP when not present. Sets the accessed bit. */
void x86_load_data_seg_checked(X86Cpu *cpu, int sreg, uint16_t sel, int vector);
/* Loads SS from an already-checked descriptor. */
void x86_load_ss_checked(X86Cpu *cpu, uint16_t sel, uint64_t desc);
/* After a return to an outer level: data segment registers the new CPL may not use become null
 * (80386 PRM RET/IRET "check ES, DS, FS, GS"). */
void x86_null_inaccessible_segs(X86Cpu *cpu);

/* farctl.c: the return selector's checks of a far RET and a protected-mode IRET to the same task
 * (80386 PRM RET and IRET): #GP(0) when null; #GP(cs) unless a code segment with RPL >= CPL and
 * DPL == RPL (conforming: DPL <= RPL); #NP(cs) when not present. Returns its descriptor. */
uint64_t x86_return_cs_desc(X86Cpu *cpu, uint16_t cs);
/* Checks a selector as a stack segment for privilege level dpl; raises vector(sel) on a bad
 * descriptor and #SS(sel) when not present. Returns the descriptor. */
uint64_t x86_check_stack_seg(X86Cpu *cpu, uint16_t sel, unsigned dpl, int vector);

/*
 * A stack being built (a new inner stack, or the current one) that is committed only when every
 * push succeeded, so faults restart the instruction with the old SS:ESP.
 */
typedef struct X86Stack {
    X86Seg seg;
    uint32_t esp;
    bool user; /* CPL of the stack's owner is 3: accesses are user-level for paging */
    uint16_t err_sel; /* #SS error code on overflow (0 for the current stack) */
} X86Stack;
void x86_stack_current(X86Cpu *cpu, X86Stack *st);
void x86_stack_push(X86Cpu *cpu, X86Stack *st, uint32_t v, bool op32);
uint32_t x86_stack_pop(X86Cpu *cpu, X86Stack *st, bool op32);
/* Reads the value at offset `at` bytes above the stack pointer without popping. */
uint32_t x86_stack_peek(X86Cpu *cpu, X86Stack *st, uint32_t at, bool op32);
/* Writes back ESP (only the low 16 bits for a 16-bit stack segment). */
void x86_stack_commit_esp(X86Cpu *cpu, const X86Stack *st);

/* task.c */
/* Inner-level stack pointer for privilege dpl from the current TSS; #TS(TR) beyond its limit. */
void x86_tss_stack(X86Cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp);

/* intr.c */
/* Loads EFLAGS bits under mask through flags.c, limited to what the model implements. */
void x86_write_eflags(X86Cpu *cpu, uint32_t value, uint32_t mask);

#endif
