/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 far control transfers: JMP, CALL and RET between code segments, through call gates (with
 * the stack switch and parameter copy of an inner-level call), to task gates and TSSs.
 *
 * Sources: Intel 80386 Programmer's Reference Manual (1986) 6.3.4 (control transfers, conforming
 * segments), 6.3.4.1 and figure 6-8 (call gates), 6.3.4.2 (stack switching, parameter count),
 * 6.3.4.3 (returns to an outer level), instruction pages CALL, JMP and RET (every check with its
 * error code); 80286 PRM chapter 7. Real and V86 mode transfers load CS real-style; from the 286 on
 * the new IP is checked against the CS limit (#GP(0)).
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/prot.h"

static bool real_style(const X86Cpu *cpu) { return !x86_protected(cpu) || x86_v86(cpu); }

static void real_jump(X86Cpu *cpu, uint16_t sel, uint32_t offset, bool op32)
{
    if (!op32) {
        offset &= 0xFFFFu;
    }
    /* The new CS limit in real mode is the cached one (64 KiB unless changed in PM). */
    if (cpu_has_pm(cpu) && offset > cpu->seg[X86_CS].limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    x86_load_seg_real(cpu, X86_CS, sel);
    cpu->eip = offset;
}

/* The checks of a direct transfer to a code segment (80386 PRM JMP/CALL, "code segment"). */
static uint64_t check_direct_code(X86Cpu *cpu, uint16_t sel, uint64_t d)
{
    if (desc_conforming(d)) {
        if (desc_dpl(d) > cpu->cpl) {
            x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
        }
    } else if ((sel & 3u) > cpu->cpl || desc_dpl(d) != cpu->cpl) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    return d;
}

/* A task gate or TSS named by JMP/CALL (80386 PRM 7.5: DPL >= CPL and >= RPL, #GP(sel)). */
static void far_to_task(X86Cpu *cpu, uint16_t sel, uint64_t d, X86TaskSource src)
{
    if (desc_dpl(d) < cpu->cpl || desc_dpl(d) < (sel & 3u)) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    uint16_t tss = sel;
    uint64_t td = d;
    if (desc_type(d) == X86_DT_TASK) {
        tss = gate_selector(d);
        if (tss & 4) {
            x86_raise(cpu, X86_EXC_GP, true, sel_err(tss));
        }
        td = x86_read_descriptor(cpu, tss, X86_EXC_GP);
        unsigned tt = desc_type(td);
        if (desc_s(td) || (tt != X86_DT_TSS16_AVAIL && tt != X86_DT_TSS32_AVAIL)) {
            x86_raise(cpu, X86_EXC_GP, true, sel_err(tss));
        }
        if (!desc_present(td)) {
            x86_raise(cpu, X86_EXC_NP, true, sel_err(tss));
        }
    } else if (desc_type(d) == X86_DT_TSS16_BUSY || desc_type(d) == X86_DT_TSS32_BUSY) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    x86_task_switch(cpu, tss, td, src, false, 0);
}

static bool is_tss_or_task(unsigned type)
{
    return type == X86_DT_TASK || type == X86_DT_TSS16_AVAIL || type == X86_DT_TSS32_AVAIL ||
           type == X86_DT_TSS16_BUSY || type == X86_DT_TSS32_BUSY;
}

static bool is_call_gate(const X86Cpu *cpu, unsigned type)
{
    return type == X86_DT_CALL16 || (type == X86_DT_CALL32 && cpu_is_386(cpu));
}

/* JMP/CALL to a system descriptor d (selector sel): a task gate or TSS is switched to here
 * (returns false); otherwise it must be a call gate the caller may use (80386 PRM CALL/JMP,
 * CALL-GATE: gate DPL >= CPL and >= RPL, present; a non-null target selector), and the gate's
 * target selector, offset (16 bits for a 286 gate) and code descriptor are returned (true). The
 * code descriptor's checks differ between JMP and CALL and are the caller's. */
static bool far_gate(X86Cpu *cpu, uint16_t sel, uint64_t d, X86TaskSource src, uint16_t *cs,
                     uint32_t *target, uint64_t *cd)
{
    unsigned type = desc_type(d);
    if (desc_s(d)) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (is_tss_or_task(type)) {
        far_to_task(cpu, sel, d, src);
        return false;
    }
    if (!is_call_gate(cpu, type)) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (desc_dpl(d) < cpu->cpl || desc_dpl(d) < (sel & 3u)) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    *cs = gate_selector(d);
    *target = type_is_32(type) ? gate_offset(d) : (gate_offset(d) & 0xFFFFu);
    if (sel_null(*cs)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    *cd = x86_read_descriptor(cpu, *cs, X86_EXC_GP);
    return true;
}

void x86_far_jmp(X86Cpu *cpu, uint16_t sel, uint32_t offset, bool op32)
{
    if (real_style(cpu)) {
        real_jump(cpu, sel, offset, op32);
        return;
    }
    if (sel_null(sel)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint64_t d = x86_read_descriptor(cpu, sel, X86_EXC_GP);
    if (desc_is_code(d)) {
        d = check_direct_code(cpu, sel, d);
        if (!op32) {
            offset &= 0xFFFFu;
        }
        if (offset > desc_limit(d)) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        d = x86_desc_mark_accessed(cpu, sel, d);
        x86_load_cs_checked(cpu, sel, d, cpu->cpl);
        cpu->eip = offset;
        return;
    }
    uint16_t cs;
    uint32_t target;
    uint64_t cd;
    if (!far_gate(cpu, sel, d, X86_TASK_JMP, &cs, &target, &cd)) {
        return;
    }
    /* JMP through a call gate: no privilege change is possible. */
    if (!desc_is_code(cd) ||
        (desc_conforming(cd) ? desc_dpl(cd) > cpu->cpl : desc_dpl(cd) != cpu->cpl)) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(cs));
    }
    if (!desc_present(cd)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(cs));
    }
    if (target > desc_limit(cd)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    cd = x86_desc_mark_accessed(cpu, cs, cd);
    x86_load_cs_checked(cpu, cs, cd, cpu->cpl);
    cpu->eip = target;
}

void x86_far_call(X86Cpu *cpu, uint16_t sel, uint32_t offset, bool op32)
{
    X86Stack st;
    if (real_style(cpu)) {
        x86_stack_current(cpu, &st);
        x86_stack_push(cpu, &st, cpu->seg[X86_CS].sel, op32);
        x86_stack_push(cpu, &st, cpu->eip, op32);
        if (!op32) {
            offset &= 0xFFFFu;
        }
        if (cpu_has_pm(cpu) && offset > cpu->seg[X86_CS].limit) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        x86_stack_commit_esp(cpu, &st);
        real_jump(cpu, sel, offset, op32);
        return;
    }
    if (sel_null(sel)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint64_t d = x86_read_descriptor(cpu, sel, X86_EXC_GP);
    if (desc_is_code(d)) {
        d = check_direct_code(cpu, sel, d);
        if (!op32) {
            offset &= 0xFFFFu;
        }
        x86_stack_current(cpu, &st);
        x86_stack_push(cpu, &st, cpu->seg[X86_CS].sel, op32);
        x86_stack_push(cpu, &st, cpu->eip, op32);
        if (offset > desc_limit(d)) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        d = x86_desc_mark_accessed(cpu, sel, d);
        x86_stack_commit_esp(cpu, &st);
        x86_load_cs_checked(cpu, sel, d, cpu->cpl);
        cpu->eip = offset;
        return;
    }
    uint16_t cs;
    uint32_t target;
    uint64_t cd;
    if (!far_gate(cpu, sel, d, X86_TASK_CALL, &cs, &target, &cd)) {
        return;
    }
    bool g32 = type_is_32(desc_type(d));
    if (!desc_is_code(cd) || desc_dpl(cd) > cpu->cpl) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(cs));
    }
    if (!desc_present(cd)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(cs));
    }
    unsigned dpl = desc_dpl(cd);
    if (!desc_conforming(cd) && dpl < cpu->cpl) {
        /* MORE-PRIVILEGE: new stack from the TSS, then old SS:ESP, the parameters, CS:EIP. */
        uint16_t new_ss;
        uint32_t new_esp;
        x86_tss_stack(cpu, dpl, &new_ss, &new_esp);
        uint64_t ssd = x86_check_stack_seg(cpu, new_ss, dpl, X86_EXC_TS);
        x86_seg_from_descriptor(&st.seg, new_ss, ssd);
        st.esp = new_esp;
        st.user = false;
        st.err_sel = sel_err(new_ss);
        X86Stack old;
        x86_stack_current(cpu, &old);
        unsigned n = gate_params(d);
        unsigned sz = g32 ? 4 : 2;
        x86_stack_push(cpu, &st, cpu->seg[X86_SS].sel, g32);
        x86_stack_push(cpu, &st, cpu->regs[X86_ESP], g32);
        for (unsigned i = n; i > 0; i--) {
            x86_stack_push(cpu, &st, x86_stack_peek(cpu, &old, (i - 1) * sz, g32), g32);
        }
        x86_stack_push(cpu, &st, cpu->seg[X86_CS].sel, g32);
        x86_stack_push(cpu, &st, cpu->eip, g32);
        if (target > desc_limit(cd)) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        cd = x86_desc_mark_accessed(cpu, cs, cd);
        ssd = x86_desc_mark_accessed(cpu, new_ss, ssd);
        x86_load_ss_checked(cpu, new_ss, ssd);
        x86_stack_commit_esp(cpu, &st);
        x86_load_cs_checked(cpu, cs, cd, dpl);
        cpu->eip = target;
        return;
    }
    /* SAME-PRIVILEGE through the gate: the gate's size decides the pushes. */
    x86_stack_current(cpu, &st);
    x86_stack_push(cpu, &st, cpu->seg[X86_CS].sel, g32);
    x86_stack_push(cpu, &st, cpu->eip, g32);
    if (target > desc_limit(cd)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    cd = x86_desc_mark_accessed(cpu, cs, cd);
    x86_stack_commit_esp(cpu, &st);
    x86_load_cs_checked(cpu, cs, cd, cpu->cpl);
    cpu->eip = target;
}

uint64_t x86_return_cs_desc(X86Cpu *cpu, uint16_t cs)
{
    if (sel_null(cs)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint64_t cd = x86_read_descriptor(cpu, cs, X86_EXC_GP);
    unsigned rpl = cs & 3u;
    if (!desc_is_code(cd) || rpl < cpu->cpl ||
        (desc_conforming(cd) ? desc_dpl(cd) > rpl : desc_dpl(cd) != rpl)) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(cs));
    }
    if (!desc_present(cd)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(cs));
    }
    return cd;
}

void x86_far_ret(X86Cpu *cpu, bool op32, uint16_t pop_bytes)
{
    X86Stack st;
    x86_stack_current(cpu, &st);
    uint32_t eip = x86_stack_pop(cpu, &st, op32);
    uint16_t cs = (uint16_t)x86_stack_pop(cpu, &st, op32);
    if (!op32) {
        eip &= 0xFFFFu;
    }
    bool big = (st.seg.attr & X86_ATTR_DB) != 0;
    if (real_style(cpu)) {
        if (cpu_has_pm(cpu) && eip > cpu->seg[X86_CS].limit) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        st.esp = big ? st.esp + pop_bytes
                     : (st.esp & 0xFFFF0000u) | ((st.esp + pop_bytes) & 0xFFFFu);
        x86_stack_commit_esp(cpu, &st);
        x86_load_seg_real(cpu, X86_CS, cs);
        cpu->eip = eip;
        return;
    }
    uint64_t cd = x86_return_cs_desc(cpu, cs);
    unsigned rpl = cs & 3u;
    st.esp = big ? st.esp + pop_bytes : (st.esp & 0xFFFF0000u) | ((st.esp + pop_bytes) & 0xFFFFu);
    if (rpl == cpu->cpl) {
        if (eip > desc_limit(cd)) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        cd = x86_desc_mark_accessed(cpu, cs, cd);
        x86_stack_commit_esp(cpu, &st);
        x86_load_cs_checked(cpu, cs, cd, rpl);
        cpu->eip = eip;
        return;
    }
    /* RETURN-TO-OUTER-LEVEL: the caller's SS:ESP follow the parameters. */
    uint32_t new_esp = x86_stack_pop(cpu, &st, op32);
    uint16_t new_ss = (uint16_t)x86_stack_pop(cpu, &st, op32);
    uint64_t ssd = x86_check_stack_seg(cpu, new_ss, rpl, X86_EXC_GP);
    if (eip > desc_limit(cd)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    cd = x86_desc_mark_accessed(cpu, cs, cd);
    ssd = x86_desc_mark_accessed(cpu, new_ss, ssd);
    x86_load_cs_checked(cpu, cs, cd, rpl);
    cpu->eip = eip;
    x86_load_ss_checked(cpu, new_ss, ssd);
    new_esp += pop_bytes;
    if (cpu->seg[X86_SS].attr & X86_ATTR_DB) {
        cpu->regs[X86_ESP] = new_esp;
    } else {
        x86_set_r16(cpu, X86_ESP, (uint16_t)new_esp);
    }
    x86_null_inaccessible_segs(cpu);
}

/*
 * SYSENTER/SYSEXIT (Pentium II; Pentium Pro Family Developer's Manual vol. 2 update and Intel
 * SDM vol. 2B pseudo-code): fast transfers to ring 0 and back to ring 3 that load CS and SS with
 * fixed flat descriptors (base 0, 4 GiB, 32-bit) derived from IA32_SYSENTER_CS, not from the GDT.
 * #GP(0) in real mode or when SYSENTER_CS is null; SYSEXIT also at CPL > 0.
 */
static void flat_seg(X86Seg *s, uint16_t sel, uint16_t access)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xFFFFFFFFu;
    s->attr = (uint16_t)(access | X86_ATTR_DB | X86_ATTR_G);
}

void x86_sysenter(X86Cpu *cpu)
{
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (!x86_protected(cpu) || sel_null(cs)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    x86_set_flags(cpu, 0, X86_VM | X86_IF | X86_RF);
    flat_seg(&cpu->seg[X86_CS], cs & 0xFFFCu, 0x9B);          /* code, DPL 0, accessed */
    flat_seg(&cpu->seg[X86_SS], (cs + 8) & 0xFFFCu, 0x93);    /* data, DPL 0, accessed */
    cpu->cpl = 0;
    cpu->regs[X86_ESP] = cpu->sysenter_esp;
    cpu->eip = cpu->sysenter_eip;
}

void x86_sysexit(X86Cpu *cpu)
{
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (!x86_protected(cpu) || x86_v86(cpu) || cpu->cpl != 0 || sel_null(cs)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    flat_seg(&cpu->seg[X86_CS], (uint16_t)((cs + 16) | 3u), 0xFB); /* code, DPL 3 */
    flat_seg(&cpu->seg[X86_SS], (uint16_t)((cs + 24) | 3u), 0xF3); /* data, DPL 3 */
    cpu->cpl = 3;
    cpu->regs[X86_ESP] = cpu->regs[X86_ECX];
    cpu->eip = cpu->regs[X86_EDX];
}
