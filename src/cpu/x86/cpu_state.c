/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU's state table (core/state.h): every architectural register, the descriptor caches,
 * the lazy-flag record, the pending-event state and the cycle count. Decoded caches, the TLB and
 * host pointers are not listed (the TLB is flushed after a load; x86_cpu_post_load).
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/fpu.h"

#include <stddef.h>

#define F(member, kind, count, fmt) STATE_FIELD(X86Cpu, member, kind, count, fmt, 1)
#define F2(member, kind, count, fmt) STATE_FIELD(X86Cpu, member, kind, count, fmt, 2)
#define SEG(name, idx)                                                                       \
    STATE_FIELD_NAMED(name ".sel", X86Cpu, seg[idx].sel, STATE_U16, 1, STATE_FMT_HEX, 1),    \
        STATE_FIELD_NAMED(name ".attr", X86Cpu, seg[idx].attr, STATE_U16, 1, STATE_FMT_HEX, 1), \
        STATE_FIELD_NAMED(name ".base", X86Cpu, seg[idx].base, STATE_U32, 1, STATE_FMT_HEX, 1), \
        STATE_FIELD_NAMED(name ".limit", X86Cpu, seg[idx].limit, STATE_U32, 1, STATE_FMT_HEX, 1)

static const StateField x86_fields[] = {
    F(regs, STATE_U32, 8, STATE_FMT_HEX),
    F(eip, STATE_U32, 1, STATE_FMT_HEX),
    F(eflags, STATE_U32, 1, STATE_FMT_FLAGS),
    F(lf_op, STATE_U32, 1, STATE_FMT_HEX),
    F(lf_res, STATE_U32, 1, STATE_FMT_HEX),
    F(lf_src1, STATE_U32, 1, STATE_FMT_HEX),
    F(lf_src2, STATE_U32, 1, STATE_FMT_HEX),
    F(lf_valid, STATE_U32, 1, STATE_FMT_HEX),
    SEG("es", X86_ES),
    SEG("cs", X86_CS),
    SEG("ss", X86_SS),
    SEG("ds", X86_DS),
    SEG("fs", X86_FS),
    SEG("gs", X86_GS),
    SEG("ldtr", X86_LDTR),
    SEG("tr", X86_TR),
    STATE_FIELD_NAMED("gdtr.base", X86Cpu, gdtr.base, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD_NAMED("gdtr.limit", X86Cpu, gdtr.limit, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD_NAMED("idtr.base", X86Cpu, idtr.base, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD_NAMED("idtr.limit", X86Cpu, idtr.limit, STATE_U16, 1, STATE_FMT_HEX, 1),
    F(cr0, STATE_U32, 1, STATE_FMT_HEX),
    F(cr2, STATE_U32, 1, STATE_FMT_HEX),
    F(cr3, STATE_U32, 1, STATE_FMT_HEX),
    F(cr4, STATE_U32, 1, STATE_FMT_HEX),
    F(dr, STATE_U32, 8, STATE_FMT_HEX),
    F(cpl, STATE_U8, 1, STATE_FMT_DEC),
    F(halted, STATE_BOOL, 1, STATE_FMT_DEC),
    F(nmi_pending, STATE_BOOL, 1, STATE_FMT_DEC),
    F(intr_line, STATE_BOOL, 1, STATE_FMT_DEC),
    F(inhibit_irq, STATE_U8, 1, STATE_FMT_DEC),
    F(cycles, STATE_U64, 1, STATE_FMT_DEC),
    F(tsc_offset, STATE_U64, 1, STATE_FMT_DEC),
    /* Version 2 (x86p6): the MSRs of the Pentium-class models. */
    F2(sysenter_cs, STATE_U32, 1, STATE_FMT_HEX),
    F2(sysenter_esp, STATE_U32, 1, STATE_FMT_HEX),
    F2(sysenter_eip, STATE_U32, 1, STATE_FMT_HEX),
    F2(apic_base, STATE_U64, 1, STATE_FMT_HEX),
    F2(mtrr_def_type, STATE_U64, 1, STATE_FMT_HEX),
    F2(mtrr_fixed, STATE_U64, 11, STATE_FMT_HEX),
    F2(mtrr_var, STATE_U64, 16, STATE_FMT_HEX),
    F2(perf_ctr, STATE_U64, 2, STATE_FMT_HEX),
    F2(perf_sel, STATE_U64, 2, STATE_FMT_HEX),
    /* Version 3: the x87 (fpu.h). */
    X86_FPU_STATE_FIELDS(3),
    STATE_END,
};

const StateField *x86_cpu_state_fields(void)
{
    return x86_fields;
}

bool x86_cpu_post_load(void *base, AmberError *err)
{
    X86Cpu *cpu = base;
    /* Values the CPU never produces and its code relies on: the lazy-flag record's size index
     * (0-2; 3 would shift by 63 in flags.c) and kind, and a privilege level. */
    if ((cpu->lf_op & 3u) == 3u || (cpu->lf_op >> 2) > X86_LF_DEC) {
        return amber_error(err, "lazy-flag record %#x is not valid", cpu->lf_op);
    }
    if (cpu->cpl > 3) {
        return amber_error(err, "CPL %u is not valid", cpu->cpl);
    }
    x86_tlb_flush(cpu, true);
    cpu->snap_live = false;
    return true;
}
