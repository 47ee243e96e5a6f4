/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 exceptions and interrupts: raising a fault (siglongjmp to the execution loop), delivering
 * an event through the real-mode IVT or the protected-mode IDT (interrupt, trap and task gates,
 * privilege changes with the TSS stack, interrupts out of V86 mode), double fault and shutdown,
 * and IRET in every mode.
 *
 * Sources: Intel 80386 Programmer's Reference Manual (1986) chapter 9 (9.6 interrupt tasks and
 * procedures, 9.8 error codes, 9.8.8 table 9-4 double-fault classes, 9.9 priorities), 15.3.2
 * (interrupts from V86 mode), 14.1/14.7 (real mode); instruction pages INT and IRET (the
 * pseudo-code's checks and their error codes); 80286 PRM chapter 9.
 *
 * Modelled: all the checks of the INT/IRET pseudo-code with their error codes, the EXT bit,
 * contributory/benign/page-fault classes, shutdown as a warm reset request (a PC's board turns
 * the shutdown cycle into a reset); VME's INT n redirection and IRET through vme.c. Not
 * modelled: debug-register breakpoints.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/prot.h"

#include "core/machine.h"

_Noreturn void x86_raise(X86Cpu *cpu, int vector, bool has_error, uint32_t error_code)
{
    cpu->exc_vector = (uint8_t)vector;
    cpu->exc_has_error = has_error;
    cpu->exc_error = error_code;
    siglongjmp(cpu->exc_jmp, 1);
}

void x86_write_eflags(X86Cpu *cpu, uint32_t value, uint32_t mask)
{
    x86_set_flags(cpu, value, mask & cpu_flags_mask(cpu));
}

/* 80386 PRM table 9-4. */
enum { CLASS_BENIGN, CLASS_CONTRIBUTORY, CLASS_PF };
static int exc_class(int v)
{
    switch (v) {
    case X86_EXC_DE: case 9: case X86_EXC_TS: case X86_EXC_NP: case X86_EXC_SS: case X86_EXC_GP:
        return CLASS_CONTRIBUTORY;
    case X86_EXC_PF:
        return CLASS_PF;
    default:
        return CLASS_BENIGN;
    }
}

static void shutdown(X86Cpu *cpu)
{
    /* The processor stops and signals a shutdown cycle; the PC board resets it (AT: the shutdown
     * decode pulses RESET). */
    if (cpu->machine) {
        amber_log(&cpu->machine->log, LOG_CPU, "x86: shutdown (triple fault), resetting");
        machine_request_reset(cpu->machine, RESET_WARM);
    }
    cpu->halted = true;
    cpu->stop = true;
}

void x86_deliver_pending(X86Cpu *cpu)
{
    int vec = cpu->exc_vector;
    bool has = cpu->exc_has_error;
    uint32_t err = cpu->exc_error;
    cpu->eip = cpu->insn_eip;
    if (cpu->deliver_active) {
        int first = cpu->deliver_vector;
        X86IntKind kind = cpu->deliver_kind;
        cpu->deliver_active = false;
        if (has && vec >= X86_EXC_TS && vec <= X86_EXC_GP &&
            (kind == X86_INT_EXTERNAL || kind == X86_INT_EXCEPTION)) {
            err |= 1; /* EXT: raised while delivering an event outside the program (9.8) */
        }
        if (kind == X86_INT_EXCEPTION) {
            if (first == X86_EXC_DF) {
                shutdown(cpu);
                return;
            }
            int c1 = exc_class(first), c2 = exc_class(vec);
            if ((c1 == CLASS_CONTRIBUTORY && c2 == CLASS_CONTRIBUTORY) ||
                (c1 == CLASS_PF && c2 != CLASS_BENIGN)) {
                vec = X86_EXC_DF;
                has = true;
                err = 0;
            }
        }
    }
    x86_deliver(cpu, vec, X86_INT_EXCEPTION, has, err);
}

static bool is_software(X86IntKind kind)
{
    return kind == X86_INT_SOFTWARE || kind == X86_INT_SOFTWARE_EXC;
}

static void deliver_real(X86Cpu *cpu, int vec)
{
    if (cpu_has_pm(cpu) && (uint32_t)vec * 4 + 3 > cpu->idtr.limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint32_t addr = cpu->idtr.base + (uint32_t)vec * 4;
    uint16_t ip = x86_lin_read16(cpu, addr, false);
    uint16_t cs = x86_lin_read16(cpu, addr + 2, false);
    X86Stack st;
    x86_stack_current(cpu, &st);
    x86_stack_push(cpu, &st, x86_flags_image(cpu), false);
    x86_stack_push(cpu, &st, cpu->seg[X86_CS].sel, false);
    x86_stack_push(cpu, &st, (uint16_t)cpu->eip, false);
    x86_stack_commit_esp(cpu, &st);
    x86_set_flags(cpu, 0, X86_IF | X86_TF | X86_AC | X86_RF);
    x86_load_seg_real(cpu, X86_CS, cs);
    cpu->eip = ip;
}

static void deliver_protected(X86Cpu *cpu, int vec, X86IntKind kind, bool has_error,
                              uint32_t error_code)
{
    bool v86 = (cpu->eflags & X86_VM) != 0;
    if (kind == X86_INT_SOFTWARE && v86 && x86_vme_int(cpu, vec)) {
        return; /* CR4.VME: redirected to the V86 task's own handler (vme.c) */
    }
    if (kind == X86_INT_SOFTWARE && v86 && ((cpu->eflags & X86_IOPL) >> 12) < 3) {
        x86_raise(cpu, X86_EXC_GP, true, 0); /* 15.4: INT n goes to the V86 monitor */
    }
    uint16_t idt_err = (uint16_t)(vec * 8 + 2);
    if ((uint32_t)vec * 8 + 7 > cpu->idtr.limit) {
        x86_raise(cpu, X86_EXC_GP, true, idt_err);
    }
    uint32_t ga = cpu->idtr.base + (uint32_t)vec * 8;
    uint64_t gate = sys_read32(cpu, ga) | ((uint64_t)sys_read32(cpu, ga + 4) << 32);
    unsigned type = desc_type(gate);
    bool type_ok = type == X86_DT_TASK || type == X86_DT_INT16 || type == X86_DT_TRAP16 ||
                   (cpu_is_386(cpu) && (type == X86_DT_INT32 || type == X86_DT_TRAP32));
    if (desc_s(gate) || !type_ok) {
        x86_raise(cpu, X86_EXC_GP, true, idt_err);
    }
    if (is_software(kind) && desc_dpl(gate) < cpu->cpl) {
        x86_raise(cpu, X86_EXC_GP, true, idt_err);
    }
    if (!desc_present(gate)) {
        x86_raise(cpu, X86_EXC_NP, true, idt_err);
    }
    if (type == X86_DT_TASK) {
        /* 80386 PRM INT, TASK-GATE: the TSS selector must be global, in the GDT, an available
         * TSS (#TS(TSS selector)), present (#NP(TSS selector)). */
        uint16_t tss = gate_selector(gate);
        if (tss & 4) {
            x86_raise(cpu, X86_EXC_TS, true, sel_err(tss));
        }
        uint64_t td = x86_read_descriptor(cpu, tss, X86_EXC_TS);
        unsigned tt = desc_type(td);
        if (desc_s(td) || (tt != X86_DT_TSS16_AVAIL && tt != X86_DT_TSS32_AVAIL)) {
            x86_raise(cpu, X86_EXC_TS, true, sel_err(tss));
        }
        if (!desc_present(td)) {
            x86_raise(cpu, X86_EXC_NP, true, sel_err(tss));
        }
        x86_task_switch(cpu, tss, td, X86_TASK_INT, has_error, error_code);
        return;
    }

    bool g32 = type_is_32(type);
    uint16_t cs_sel = gate_selector(gate);
    uint32_t target = g32 ? gate_offset(gate) : (gate_offset(gate) & 0xFFFFu);
    if (sel_null(cs_sel)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint64_t cd = x86_read_descriptor(cpu, cs_sel, X86_EXC_GP);
    if (!desc_is_code(cd) || desc_dpl(cd) > cpu->cpl) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(cs_sel));
    }
    if (!desc_present(cd)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(cs_sel));
    }
    unsigned dpl = desc_dpl(cd);
    uint32_t flags = x86_flags_image(cpu);
    X86Stack st;
    bool inner = false;
    uint16_t new_ss = 0;
    uint64_t ssd = 0;
    if (!desc_conforming(cd) && dpl < cpu->cpl) {
        /* Interrupt to an inner level: the stack for that level comes from the TSS. */
        if (v86 && dpl != 0) {
            x86_raise(cpu, X86_EXC_GP, true, sel_err(cs_sel));
        }
        uint32_t new_esp;
        x86_tss_stack(cpu, dpl, &new_ss, &new_esp);
        ssd = x86_check_stack_seg(cpu, new_ss, dpl, X86_EXC_TS);
        inner = true;
        x86_seg_from_descriptor(&st.seg, new_ss, ssd);
        st.esp = new_esp;
        st.user = false;
        st.err_sel = sel_err(new_ss);
        if (v86) {
            x86_stack_push(cpu, &st, cpu->seg[X86_GS].sel, g32);
            x86_stack_push(cpu, &st, cpu->seg[X86_FS].sel, g32);
            x86_stack_push(cpu, &st, cpu->seg[X86_DS].sel, g32);
            x86_stack_push(cpu, &st, cpu->seg[X86_ES].sel, g32);
        }
        x86_stack_push(cpu, &st, cpu->seg[X86_SS].sel, g32);
        x86_stack_push(cpu, &st, cpu->regs[X86_ESP], g32);
    } else if (desc_conforming(cd) || dpl == cpu->cpl) {
        if (v86) {
            x86_raise(cpu, X86_EXC_GP, true, sel_err(cs_sel));
        }
        dpl = cpu->cpl;
        x86_stack_current(cpu, &st);
    } else {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(cs_sel));
    }
    x86_stack_push(cpu, &st, flags, g32);
    x86_stack_push(cpu, &st, cpu->seg[X86_CS].sel, g32);
    x86_stack_push(cpu, &st, cpu->eip, g32);
    if (has_error) {
        x86_stack_push(cpu, &st, error_code, g32);
    }
    if (target > desc_limit(cd)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    /* Accessed bits before anything is committed, so a fault there restarts cleanly. */
    cd = x86_desc_mark_accessed(cpu, cs_sel, cd);
    if (inner) {
        ssd = x86_desc_mark_accessed(cpu, new_ss, ssd);
    }

    /* Commit. */
    if (inner) {
        x86_load_ss_checked(cpu, new_ss, ssd);
    }
    x86_stack_commit_esp(cpu, &st);
    uint32_t clear = X86_TF | X86_NT | X86_RF | X86_VM;
    if ((type & 7u) == X86_DT_INT16) {
        clear |= X86_IF; /* interrupt gates, not trap gates, clear IF (9.6.1.3) */
    }
    x86_set_flags(cpu, 0, clear);
    if (v86) {
        static const int dregs[] = {X86_ES, X86_DS, X86_FS, X86_GS};
        for (unsigned i = 0; i < 4; i++) {
            X86Seg *s = &cpu->seg[dregs[i]];
            s->sel = 0;
            s->base = 0;
            s->limit = 0;
            s->attr = 0;
        }
    }
    x86_load_cs_checked(cpu, cs_sel, cd, dpl);
    cpu->eip = target;
}

void x86_deliver(X86Cpu *cpu, int vector, X86IntKind kind, bool has_error, uint32_t error_code)
{
    cpu->deliver_active = true;
    cpu->deliver_vector = (uint8_t)vector;
    cpu->deliver_kind = kind;
    cpu->halted = false;
    if (!x86_protected(cpu)) {
        deliver_real(cpu, vector); /* real mode pushes no error codes */
    } else {
        deliver_protected(cpu, vector, kind, has_error, error_code);
    }
    cpu->deliver_active = false;
}

/* EFLAGS bits IRET loads (80386 PRM IRET): IOPL only from CPL 0, IF only when CPL <= IOPL. */
static uint32_t iret_mask(X86Cpu *cpu, bool op32)
{
    uint32_t mask = op32 ? (0xFFFFFFFFu & ~X86_VM) : 0xFFFFu;
    if (cpu->cpl > 0) {
        /* SDM IRET, RETURN-TO-SAME/OUTER-PRIVILEGE-LEVEL: IOPL, and for a 32-bit IRET VIF and
         * VIP, are loaded at CPL 0 only. */
        mask &= ~(X86_IOPL | X86_VIF | X86_VIP);
    }
    if (cpu->cpl > ((cpu->eflags & X86_IOPL) >> 12)) {
        mask &= ~X86_IF;
    }
    return mask;
}

static void iret_real(X86Cpu *cpu, bool op32)
{
    X86Stack st;
    x86_stack_current(cpu, &st);
    uint32_t ip = x86_stack_pop(cpu, &st, op32);
    uint16_t cs = (uint16_t)x86_stack_pop(cpu, &st, op32);
    uint32_t fl = x86_stack_pop(cpu, &st, op32);
    if (!op32) {
        ip &= 0xFFFFu;
    }
    uint32_t mask;
    if (!op32 && x86_vme_active(cpu)) {
        /* CR4.VME: IRET at IOPL < 3 loads VIF instead of IF (vme.c). */
        if (cpu_has_pm(cpu) && ip > cpu->seg[X86_CS].limit) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        x86_vme_load_flags(cpu, (uint16_t)fl);
        x86_stack_commit_esp(cpu, &st);
        x86_load_seg_real(cpu, X86_CS, cs);
        cpu->eip = ip;
        return;
    }
    if (x86_v86(cpu)) {
        if (((cpu->eflags & X86_IOPL) >> 12) < 3) {
            x86_raise(cpu, X86_EXC_GP, true, 0); /* 15.4: IRET is IOPL-sensitive in V86 */
        }
        mask = (op32 ? 0xFFFFFFFFu : 0xFFFFu) & ~(X86_IOPL | X86_VM | X86_VIF | X86_VIP);
    } else if (cpu_is_386(cpu)) {
        /* Real mode keeps VM, VIP, VIF (SDM IRET: tempEFLAGS AND 257FD5H). */
        mask = op32 ? 0x257FD5u : 0x7FD5u;
    } else {
        mask = 0x0FD5u; /* 286 real mode: IOPL and NT stay 0 */
    }
    if (cpu_has_pm(cpu) && ip > cpu->seg[X86_CS].limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    x86_stack_commit_esp(cpu, &st);
    x86_write_eflags(cpu, fl, mask);
    x86_load_seg_real(cpu, X86_CS, cs);
    cpu->eip = ip;
}

static void iret_to_v86(X86Cpu *cpu, X86Stack *st, uint32_t eip, uint16_t cs, uint32_t fl)
{
    /* 80386 PRM IRET, STACK-RETURN-TO-V86: ESP, SS, ES, DS, FS, GS follow as dwords. */
    uint32_t esp = x86_stack_pop(cpu, st, true);
    uint16_t ss = (uint16_t)x86_stack_pop(cpu, st, true);
    uint16_t es = (uint16_t)x86_stack_pop(cpu, st, true);
    uint16_t ds = (uint16_t)x86_stack_pop(cpu, st, true);
    uint16_t fs = (uint16_t)x86_stack_pop(cpu, st, true);
    uint16_t gs = (uint16_t)x86_stack_pop(cpu, st, true);
    x86_write_eflags(cpu, fl, 0xFFFFFFFFu);
    cpu->cpl = 3;
    x86_load_seg_real(cpu, X86_CS, cs);
    x86_load_seg_real(cpu, X86_SS, ss);
    x86_load_seg_real(cpu, X86_ES, es);
    x86_load_seg_real(cpu, X86_DS, ds);
    x86_load_seg_real(cpu, X86_FS, fs);
    x86_load_seg_real(cpu, X86_GS, gs);
    cpu->regs[X86_ESP] = esp;
    cpu->eip = eip & 0xFFFFu;
}

void x86_iret(X86Cpu *cpu, bool op32)
{
    if (!x86_protected(cpu) || x86_v86(cpu)) {
        iret_real(cpu, op32);
        return;
    }
    if (cpu->eflags & X86_NT) {
        /* Return from a nested task through the back link of the current TSS. */
        uint16_t back = sys_read16(cpu, cpu->seg[X86_TR].base);
        if (back & 4) {
            x86_raise(cpu, X86_EXC_TS, true, sel_err(back));
        }
        uint64_t td = x86_read_descriptor(cpu, back, X86_EXC_TS);
        unsigned tt = desc_type(td);
        if (desc_s(td) || (tt != X86_DT_TSS16_BUSY && tt != X86_DT_TSS32_BUSY)) {
            x86_raise(cpu, X86_EXC_TS, true, sel_err(back));
        }
        if (!desc_present(td)) {
            x86_raise(cpu, X86_EXC_NP, true, sel_err(back));
        }
        x86_task_switch(cpu, back, td, X86_TASK_IRET, false, 0);
        return;
    }
    X86Stack st;
    x86_stack_current(cpu, &st);
    uint32_t eip = x86_stack_pop(cpu, &st, op32);
    uint16_t cs = (uint16_t)x86_stack_pop(cpu, &st, op32);
    uint32_t fl = x86_stack_pop(cpu, &st, op32);
    if (op32 && (fl & X86_VM) && cpu->cpl == 0 && cpu_is_386(cpu)) {
        iret_to_v86(cpu, &st, eip, cs, fl);
        return;
    }
    if (!op32) {
        eip &= 0xFFFFu;
    }
    /* The checks of a far RET (80386 PRM IRET, PROTECTED-MODE-RETURN). */
    uint64_t cd = x86_return_cs_desc(cpu, cs);
    unsigned rpl = cs & 3u;
    bool outer = rpl > cpu->cpl;
    uint32_t new_esp = 0;
    uint16_t new_ss = 0;
    uint64_t ssd = 0;
    if (outer) {
        new_esp = x86_stack_pop(cpu, &st, op32);
        new_ss = (uint16_t)x86_stack_pop(cpu, &st, op32);
        ssd = x86_check_stack_seg(cpu, new_ss, rpl, X86_EXC_GP);
    }
    if (eip > desc_limit(cd)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    cd = x86_desc_mark_accessed(cpu, cs, cd);
    if (outer) {
        ssd = x86_desc_mark_accessed(cpu, new_ss, ssd);
    }
    /* Commit; the flag mask depends on the CPL before the return. */
    x86_write_eflags(cpu, fl, iret_mask(cpu, op32));
    x86_load_cs_checked(cpu, cs, cd, rpl);
    cpu->eip = eip;
    if (outer) {
        x86_load_ss_checked(cpu, new_ss, ssd);
        if (cpu->seg[X86_SS].attr & X86_ATTR_DB) {
            cpu->regs[X86_ESP] = new_esp;
        } else {
            x86_set_r16(cpu, X86_ESP, (uint16_t)new_esp);
        }
        x86_null_inaccessible_segs(cpu);
    } else {
        x86_stack_commit_esp(cpu, &st);
    }
}
