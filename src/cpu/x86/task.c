/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 task switching through 16-bit (286) and 32-bit (386) task state segments, by JMP, CALL,
 * INT (task gates) and IRET with NT set, and the inner-level stack pointers kept in the TSS.
 *
 * Sources: Intel 80386 Programmer's Reference Manual (1986) chapter 7 (7.2 TSS layout, figure 7-1;
 * 7.5 task switching steps; 7.6 task linking: back link, NT and busy bits), 9.8.10 (the
 * conditions that invalidate a TSS while the new task's segments load: #TS/#NP/#SS with the
 * selector; errors after the commit point are delivered in the new task); 80286 PRM chapter 8
 * (16-bit TSS, figure 8-1).
 *
 * Modelled: saving the dynamic state, back link and NT for nesting, busy bits, CR0.TS, CR3 from a
 * 32-bit TSS, the LDT, V86 tasks (VM in the new EFLAGS), every selector check with its error code
 * and the commit point. Not modelled: the T (debug trap) bit, clearing DR7 local enables.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/prot.h"

void x86_tss_stack(X86Cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
    const X86Seg *tr = &cpu->seg[X86_TR];
    if (type_is_32(X86_ATTR_TYPE(tr->attr))) {
        uint32_t off = 4 + dpl * 8;
        if (off + 5 > tr->limit) {
            x86_raise(cpu, X86_EXC_TS, true, sel_err(tr->sel));
        }
        *esp = sys_read32(cpu, tr->base + off);
        *ss = sys_read16(cpu, tr->base + off + 4);
    } else {
        uint32_t off = 2 + dpl * 4;
        if (off + 3 > tr->limit) {
            x86_raise(cpu, X86_EXC_TS, true, sel_err(tr->sel));
        }
        *esp = sys_read16(cpu, tr->base + off);
        *ss = sys_read16(cpu, tr->base + off + 2);
    }
}

/* Segment register loads of the new task (80386 PRM 7.5 and 9.8.10: #TS causes). */
static void load_task_code(X86Cpu *cpu, uint16_t sel)
{
    if (sel_null(sel)) {
        x86_raise(cpu, X86_EXC_TS, true, 0);
    }
    uint64_t d = x86_read_descriptor(cpu, sel, X86_EXC_TS);
    unsigned rpl = sel & 3u;
    if (!desc_is_code(d) || (desc_conforming(d) ? desc_dpl(d) > rpl : desc_dpl(d) != rpl)) {
        x86_raise(cpu, X86_EXC_TS, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    x86_load_cs_checked(cpu, sel, d, rpl);
}

static void load_task_ldt(X86Cpu *cpu, uint16_t sel)
{
    X86Seg *l = &cpu->seg[X86_LDTR];
    l->sel = sel;
    l->attr = 0;
    if (sel_null(sel)) {
        return;
    }
    if (sel & 4) {
        x86_raise(cpu, X86_EXC_TS, true, sel_err(sel));
    }
    uint64_t d = x86_read_descriptor(cpu, sel, X86_EXC_TS);
    if (desc_s(d) || desc_type(d) != X86_DT_LDT || !desc_present(d)) {
        x86_raise(cpu, X86_EXC_TS, true, sel_err(sel));
    }
    x86_seg_from_descriptor(l, sel, d);
}

typedef struct TaskState {
    uint32_t cr3, eip, eflags, regs[8];
    uint16_t sregs[6]; /* ES CS SS DS FS GS */
    uint16_t ldt;
} TaskState;

static void read_tss(X86Cpu *cpu, uint32_t base, bool t32, TaskState *ts)
{
    if (t32) {
        /* Figure 7-1: CR3 1Ch, EIP 20h, EFLAGS 24h, EAX..EDI 28h..44h, ES..GS 48h..5Ch, LDT 60h. */
        ts->cr3 = sys_read32(cpu, base + 0x1C);
        ts->eip = sys_read32(cpu, base + 0x20);
        ts->eflags = sys_read32(cpu, base + 0x24);
        for (unsigned i = 0; i < 8; i++) {
            ts->regs[i] = sys_read32(cpu, base + 0x28 + 4 * i);
        }
        for (unsigned i = 0; i < 6; i++) {
            ts->sregs[i] = sys_read16(cpu, base + 0x48 + 4 * i);
        }
        ts->ldt = sys_read16(cpu, base + 0x60);
    } else {
        /* 80286 PRM figure 8-1: IP 0Eh, FLAGS 10h, AX..DI 12h..20h, ES CS SS DS 22h..28h,
         * LDT 2Ah. Upper register halves keep their values. */
        ts->cr3 = cpu->cr3;
        ts->eip = sys_read16(cpu, base + 0x0E);
        ts->eflags = sys_read16(cpu, base + 0x10);
        for (unsigned i = 0; i < 8; i++) {
            ts->regs[i] = (cpu->regs[i] & 0xFFFF0000u) | sys_read16(cpu, base + 0x12 + 2 * i);
        }
        for (unsigned i = 0; i < 4; i++) {
            ts->sregs[i] = sys_read16(cpu, base + 0x22 + 2 * i);
        }
        ts->sregs[4] = 0;
        ts->sregs[5] = 0;
        ts->ldt = sys_read16(cpu, base + 0x2A);
    }
}

static void save_tss(X86Cpu *cpu, uint32_t base, bool t32, uint32_t eflags)
{
    static const int order[6] = {X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS};
    if (t32) {
        x86_lin_write32(cpu, base + 0x20, cpu->eip, false);
        x86_lin_write32(cpu, base + 0x24, eflags, false);
        for (unsigned i = 0; i < 8; i++) {
            x86_lin_write32(cpu, base + 0x28 + 4 * i, cpu->regs[i], false);
        }
        for (unsigned i = 0; i < 6; i++) {
            x86_lin_write16(cpu, base + 0x48 + 4 * i, cpu->seg[order[i]].sel, false);
        }
    } else {
        x86_lin_write16(cpu, base + 0x0E, (uint16_t)cpu->eip, false);
        x86_lin_write16(cpu, base + 0x10, (uint16_t)eflags, false);
        for (unsigned i = 0; i < 8; i++) {
            x86_lin_write16(cpu, base + 0x12 + 2 * i, (uint16_t)cpu->regs[i], false);
        }
        for (unsigned i = 0; i < 4; i++) {
            x86_lin_write16(cpu, base + 0x22 + 2 * i, cpu->seg[order[i]].sel, false);
        }
    }
}

void x86_task_switch(X86Cpu *cpu, uint16_t tss_sel, uint64_t tss_desc, X86TaskSource src,
                     bool has_error, uint32_t error_code)
{
    bool n32 = type_is_32(desc_type(tss_desc));
    uint32_t nbase = desc_base(tss_desc);
    if (!desc_present(tss_desc)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(tss_sel));
    }
    /* 7.5: the new TSS must be at least 103 (32-bit) or 43 (16-bit) bytes. */
    if (desc_limit(tss_desc) < (n32 ? 0x67u : 0x2Bu)) {
        x86_raise(cpu, X86_EXC_TS, true, sel_err(tss_sel));
    }
    X86Seg *tr = &cpu->seg[X86_TR];
    bool o32 = type_is_32(X86_ATTR_TYPE(tr->attr));

    /* Everything that can fault before the commit point: read the new state, then save. */
    TaskState ts;
    read_tss(cpu, nbase, n32, &ts);
    uint32_t flags = x86_flags_image(cpu);
    if (src == X86_TASK_IRET) {
        flags &= ~X86_NT;
    }
    save_tss(cpu, tr->base, o32, flags);
    if (src == X86_TASK_JMP || src == X86_TASK_IRET) {
        x86_desc_clear_bits(cpu, tr->sel, 2); /* old task no longer busy */
    }
    if (src == X86_TASK_CALL || src == X86_TASK_INT) {
        x86_lin_write16(cpu, nbase, tr->sel, false); /* back link */
        ts.eflags |= X86_NT;
    }
    if (src != X86_TASK_IRET) {
        x86_desc_set_bits(cpu, tss_sel, 2);
    }

    /* Commit point: from here on, faults are delivered in the new task (9.8.10), so the
     * loop's restart snapshot of the old task's ESP/EFLAGS must not be put back. */
    cpu->snap_live = false;
    x86_seg_from_descriptor(tr, tss_sel, tss_desc | (UINT64_C(2) << 40));
    cpu->cr0 |= X86_CR0_TS;
    if (n32 && ts.cr3 != cpu->cr3) {
        cpu->cr3 = ts.cr3;
        x86_tlb_flush(cpu, false);
    }
    cpu->eip = n32 ? ts.eip : (ts.eip & 0xFFFFu);
    cpu->insn_eip = cpu->eip;
    for (unsigned i = 0; i < 8; i++) {
        cpu->regs[i] = ts.regs[i];
    }
    x86_write_eflags(cpu, ts.eflags | 0x2u, 0xFFFFFFFFu);
    /* Selectors first with no valid cache, so a fault while loading leaves nothing usable. */
    static const int order[6] = {X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS};
    for (unsigned i = 0; i < 6; i++) {
        cpu->seg[order[i]].sel = ts.sregs[i];
        cpu->seg[order[i]].attr = 0;
    }
    load_task_ldt(cpu, ts.ldt);
    if (ts.eflags & X86_VM) {
        cpu->cpl = 3;
        for (unsigned i = 0; i < 6; i++) {
            x86_load_seg_real(cpu, order[i], ts.sregs[i]);
        }
    } else {
        load_task_code(cpu, ts.sregs[1]);
        uint64_t ssd = x86_check_stack_seg(cpu, ts.sregs[2], cpu->cpl, X86_EXC_TS);
        x86_load_ss_checked(cpu, ts.sregs[2], ssd);
        x86_load_data_seg_checked(cpu, X86_ES, ts.sregs[0], X86_EXC_TS);
        x86_load_data_seg_checked(cpu, X86_DS, ts.sregs[3], X86_EXC_TS);
        x86_load_data_seg_checked(cpu, X86_FS, ts.sregs[4], X86_EXC_TS);
        x86_load_data_seg_checked(cpu, X86_GS, ts.sregs[5], X86_EXC_TS);
    }
    if (has_error) {
        X86Stack st;
        x86_stack_current(cpu, &st);
        x86_stack_push(cpu, &st, error_code, n32);
        x86_stack_commit_esp(cpu, &st);
    }
    if (cpu->eip > cpu->seg[X86_CS].limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}
