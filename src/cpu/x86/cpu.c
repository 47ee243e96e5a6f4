/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU's life cycle and execution loop: reset state per model, one instruction at a time
 * (decode -> charge cycles -> handler), the exception landing (x86_raise() siglongjmp()s here),
 * interrupts at instruction boundaries with the one-instruction shadow after MOV SS/POP SS/STI,
 * the single-step trap, and HLT.
 *
 * Reset state: iAPX 86/88 User's Manual 2-29 (CS=FFFFh, IP=0); 80286 PRM 10.1 (CS=F000h with
 * base FF0000h, IP=FFF0h, MSW=FFF0h); 80386 PRM 10.1 (CS=F000h base FFFF0000h, EIP=FFF0h,
 * EDX=component id, CR0.ET). Faults restart their instruction: before each instruction the flags
 * and ESP are kept (X86Cpu.snap_*), and a fault puts them back before the exception is delivered
 * (not for handlers that change neither before their last fault: X86Insn.nosnap).
 *
 * Speed: the loop runs the handler from the decode-cache entry (dcache.h), fetches a fall-through
 * or a jump within the page without the host TLB (X86Cpu.seq_*; every path here that delivers
 * an event or lets outside code change the CPU drops that with x86_seq_break()), and tests the
 * four boundary conditions with one load.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/dcache.h"

#include <stddef.h>
#include <string.h>

#include "core/machine.h"

void x86_cpu_init(X86Cpu *cpu, const X86Model *model, Machine *m)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->model = model;
    cpu->machine = m;
    if (m) {
        cpu->mem = m->mem;
        cpu->io = m->io;
    }
    x86_cpu_reset(cpu);
}

void x86_cpu_reset(X86Cpu *cpu)
{
    const X86Model *m = cpu->model;
    memset(cpu->regs, 0, sizeof(cpu->regs));
    cpu->eflags = 0x2;
    cpu->lf_op = X86_LF_NONE;
    cpu->lf_valid = X86_ARITH_FLAGS;
    cpu->lf_res = cpu->lf_src1 = cpu->lf_src2 = 0;
    for (int s = 0; s < X86_NSEG; s++) {
        cpu->seg[s].sel = 0;
        cpu->seg[s].base = 0;
        cpu->seg[s].limit = 0xFFFF;
        cpu->seg[s].attr = X86_ATTR_P | X86_ATTR_S | 0x03u; /* read/write data, accessed */
    }
    cpu->seg[X86_LDTR].attr = X86_ATTR_P | 0x02u;
    cpu->seg[X86_TR].attr = X86_ATTR_P | 0x03u;
    cpu->seg[X86_CS].attr = X86_ATTR_P | X86_ATTR_S | 0x0Bu;
    cpu->gdtr.base = 0;
    cpu->gdtr.limit = 0xFFFF;
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0x3FF;
    cpu->cr2 = cpu->cr3 = cpu->cr4 = 0;
    memset(cpu->dr, 0, sizeof(cpu->dr));
    cpu->cpl = 0;
    if (x86_has(m, X86_F_386)) {
        cpu->seg[X86_CS].sel = 0xF000;
        cpu->seg[X86_CS].base = 0xFFFF0000u;
        cpu->eip = 0xFFF0;
        /* Component id: 386DX D1 0308h (80386 data sheet, table 10-1); later chips their
         * CPUID signature (i486 PRM 10.1, Pentium DM vol. 3 table 16-1). */
        cpu->regs[X86_EDX] = m->signature;
        cpu->cr0 = X86_CR0_ET;
        if (m->family >= X86_FAMILY_486) {
            cpu->cr0 |= X86_CR0_CD | X86_CR0_NW; /* caches disabled at reset (i486 PRM 10.1) */
        }
        cpu->dr[6] = 0xFFFF0FF0u;
        cpu->dr[7] = 0x400;
    } else if (x86_has(m, X86_F_PMODE)) {
        cpu->seg[X86_CS].sel = 0xF000;
        cpu->seg[X86_CS].base = 0xFF0000u;
        cpu->eip = 0xFFF0;
        cpu->cr0 = 0xFFF0; /* MSW: the reserved bits read as ones */
    } else {
        cpu->seg[X86_CS].sel = 0xFFFF;
        cpu->seg[X86_CS].base = 0xFFFF0u;
        cpu->eip = 0;
        cpu->cr0 = 0;
    }
    cpu->halted = false;
    cpu->nmi_pending = false;
    cpu->inhibit_irq = 0;
    cpu->exc_nesting = 0;
    cpu->deliver_active = false;
    cpu->a20_off = false;
    cpu->snap_live = false;
    x86_fpu_reset(cpu);
    x86_msr_reset(cpu);
    x86_tlb_flush(cpu, true);
}

void x86_charge(X86Cpu *cpu, unsigned cycles)
{
    cpu->cycles += cycles;
}

static inline bool irq_wanted(const X86Cpu *cpu)
{
    return cpu->nmi_pending || (cpu->intr_line && (cpu->eflags & X86_IF) && cpu->inta);
}

bool x86_should_yield(X86Cpu *cpu)
{
    if (cpu->in_step) {
        return false;
    }
    return cpu->cycles >= cpu->cycle_deadline || cpu->stop || irq_wanted(cpu);
}

/* The restart state: EFLAGS and the lazy-flag record are six consecutive words, kept as one block
 * in the six consecutive snap_ words (checked below), then ESP. */
_Static_assert(offsetof(X86Cpu, lf_valid) - offsetof(X86Cpu, eflags) == 5 * sizeof(uint32_t) &&
                   offsetof(X86Cpu, snap_lf_valid) - offsetof(X86Cpu, snap_eflags) ==
                       5 * sizeof(uint32_t),
               "X86Cpu: eflags..lf_valid and snap_eflags..snap_lf_valid must be contiguous");

static inline void snapshot(X86Cpu *cpu)
{
    memcpy(&cpu->snap_eflags, &cpu->eflags, 6 * sizeof(uint32_t));
    cpu->snap_esp = cpu->regs[X86_ESP];
    cpu->snap_live = true;
}

/* The exception landing: put the restart state back (once), then deliver. */
static void land(X86Cpu *cpu)
{
    x86_seq_break(cpu);
    if (cpu->snap_live) {
        cpu->eflags = cpu->snap_eflags;
        cpu->lf_op = cpu->snap_lf_op;
        cpu->lf_res = cpu->snap_lf_res;
        cpu->lf_src1 = cpu->snap_lf_src1;
        cpu->lf_src2 = cpu->snap_lf_src2;
        cpu->lf_valid = cpu->snap_lf_valid;
        cpu->regs[X86_ESP] = cpu->snap_esp;
        cpu->snap_live = false;
    }
    cpu->halted = false;
    x86_add_cycles(cpu, cpu->model->timing->intr);
    x86_deliver_pending(cpu);
    cpu->exc_nesting = 0;
}

/* One instruction. Faults leave through x86_raise() to the caller's sigsetjmp. */
static inline __attribute__((always_inline)) void exec_one(X86Cpu *cpu)
{
    X86Insn buf;
    bool tf = (cpu->eflags & X86_TF) != 0;
    cpu->insn_eip = cpu->eip;
    /* The decode changes neither flags nor ESP, so the snapshot can wait for the handler's kind. */
    X86Insn *i = x86_decode_fast(cpu, &buf);
    if (!i->nosnap) {
        snapshot(cpu);
    }
    i->fn(cpu, i);
    if (!i->seq) {
        x86_seq_break(cpu);
    }
    cpu->snap_live = false;
    cpu->insn_count++;
    if (tf) {
        x86_seq_break(cpu);
        /* Single-step trap after the instruction (80386 PRM 12.3.1.4). */
        x86_add_cycles(cpu, cpu->model->timing->intr);
        cpu->insn_eip = cpu->eip;
        x86_deliver(cpu, X86_EXC_DB, X86_INT_EXCEPTION, false, 0);
    }
}

/* Whether boundary() has anything to do: HLT, a pending NMI, the INTR line or the interrupt shadow.
 * The four are consecutive bytes (checked below), so the common case is one load and a test. */
_Static_assert(offsetof(X86Cpu, nmi_pending) == offsetof(X86Cpu, halted) + 1 &&
                   offsetof(X86Cpu, intr_line) == offsetof(X86Cpu, halted) + 2 &&
                   offsetof(X86Cpu, inhibit_irq) == offsetof(X86Cpu, halted) + 3 &&
                   sizeof(bool) == 1,
               "X86Cpu: halted, nmi_pending, intr_line, inhibit_irq must be consecutive bytes");

static inline bool boundary_pending(const X86Cpu *cpu)
{
    uint32_t any;
    memcpy(&any, &cpu->halted, sizeof any);
    return any != 0;
}

/* An NMI or INTR taken at the boundary: delivered from the current EIP with the restart state
 * kept, so that a fault during the delivery lands as it would for an instruction. */
static void deliver_external(X86Cpu *cpu, int vector)
{
    cpu->insn_eip = cpu->eip;
    snapshot(cpu);
    x86_add_cycles(cpu, cpu->model->timing->intr);
    x86_deliver(cpu, vector, X86_INT_EXTERNAL, false, 0);
    cpu->snap_live = false;
}

/* Interrupts at an instruction boundary. Returns false when the CPU stays halted. */
static bool boundary(X86Cpu *cpu)
{
    if (cpu->inhibit_irq) {
        cpu->inhibit_irq = 0; /* the shadow covers exactly the next instruction */
        return !cpu->halted;
    }
    if (cpu->nmi_pending) {
        x86_seq_break(cpu);
        cpu->nmi_pending = false;
        cpu->halted = false;
        deliver_external(cpu, X86_EXC_NMI);
        return true;
    }
    if (cpu->intr_line && (cpu->eflags & X86_IF) && cpu->inta) {
        x86_seq_break(cpu);
        cpu->halted = false;
        deliver_external(cpu, cpu->inta(cpu->inta_opaque));
        return true;
    }
    return !cpu->halted;
}

/* The loop proper, called from the function that holds the sigsetjmp (so that nothing here has
 * to live in memory across it); a fault lands there and calls it again. */
static __attribute__((noinline)) void run_loop(X86Cpu *cpu)
{
    while (cpu->cycles < cpu->cycle_deadline && !cpu->stop) {
        if (__builtin_expect(boundary_pending(cpu), 0) && !boundary(cpu)) {
            return;
        }
        exec_one(cpu);
    }
}

void x86_cpu_run(X86Cpu *cpu, uint64_t cycle_limit)
{
    cpu->cycle_deadline = cycle_limit;
    cpu->in_step = false;
    x86_seq_break(cpu); /* the state may have been changed from outside since the last run */
    if (sigsetjmp(cpu->exc_jmp, 0)) {
        land(cpu);
    }
    run_loop(cpu);
}

void x86_cpu_step(X86Cpu *cpu)
{
    if (cpu->halted) {
        return;
    }
    cpu->in_step = true;
    x86_seq_break(cpu);
    if (sigsetjmp(cpu->exc_jmp, 0)) {
        land(cpu);
        cpu->in_step = false;
        return;
    }
    exec_one(cpu);
    cpu->in_step = false;
}
