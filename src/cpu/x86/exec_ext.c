/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Instructions added after the 80386, except MMX (exec_mmx.c) and the x87:
 *  - 486: BSWAP, XADD, CMPXCHG, INVLPG (in exec_system.c's 0F 01 group), INVD/WBINVD;
 *  - Pentium: CPUID (cpuid.c), RDTSC, RDMSR/WRMSR (msr.c), CMPXCHG8B;
 *  - Pentium MMX / Pentium Pro: RDPMC; Pentium Pro: CMOVcc, the 0F 19-1F hint NOPs, UD2 (a
 *    hole in the opcode table: #UD on every 286+); Pentium II: SYSENTER/SYSEXIT (farctl.c).
 * Each handler checks the model's feature bit and raises #UD when the chip lacks it, which is
 * what the real chip does for an opcode it does not know.
 *
 * Sources: Intel486 Microprocessor Family Programmer's Reference Manual (1992), instruction pages
 * (BSWAP: "the result is undefined" for 16-bit operands; Intel chips clear the low word, which
 * is what is modelled; CMPXCHG always writes the destination, the old value when unequal);
 * Pentium Processor Family Developer's Manual vol. 3 (1995), CMPXCHG8B, RDTSC (CR4.TSD: #GP(0)
 * at CPL > 0), RDMSR/WRMSR; Pentium Pro Family Developer's Manual vol. 2 (1996), CMOVcc (the
 * source is read even when the condition is false), RDPMC (ECX > 1: #GP(0); CPL > 0 with CR4.PCE
 * clear: #GP(0)), UD2.
 */
#include "cpu/x86/exec.h"

static inline bool at_cpl0(const X86Cpu *cpu)
{
    return !x86_protected(cpu) || (cpu->cpl == 0 && !x86_v86(cpu));
}

X86_HANDLER(x86_op_bswap)
{
    unsigned n = i->op & 7;
    if (i->osz == 2) {
        x86_set_r16(cpu, n, 0);
        return;
    }
    cpu->regs[n] = __builtin_bswap32(cpu->regs[n]);
}

X86_HANDLER(x86_op_xadd)
{
    unsigned sz = (i->op & 1) ? i->osz : 1;
    uint32_t d = x86_rm_read(cpu, i, sz);
    uint32_t s = x86_reg(cpu, i->reg, sz);
    uint32_t sum = x86_alu(cpu, 0, sz, d, s);
    /* TEMP = SRC + DEST; SRC = DEST; DEST = TEMP: with the same register the sum wins. */
    if (i->mod == 3) {
        x86_set_reg(cpu, i->reg, sz, d);
        x86_set_reg(cpu, i->rm, sz, sum);
    } else {
        x86_rm_write(cpu, i, sz, sum);
        x86_set_reg(cpu, i->reg, sz, d);
    }
}

X86_HANDLER(x86_op_cmpxchg)
{
    unsigned sz = (i->op & 1) ? i->osz : 1;
    uint32_t d = x86_rm_read(cpu, i, sz);
    uint32_t acc = x86_reg(cpu, X86_EAX, sz);
    x86_alu(cpu, 7, sz, acc, d); /* flags of CMP accumulator, destination */
    if (acc == d) {
        x86_rm_write(cpu, i, sz, x86_reg(cpu, i->reg, sz));
    } else {
        x86_rm_write(cpu, i, sz, d); /* the locked cycle writes the old value back */
        x86_set_reg(cpu, X86_EAX, sz, d);
    }
}

/* 0F C7: /1 CMPXCHG8B m64; everything else is #UD on these chips. */
X86_HANDLER(x86_op_grp9)
{
    if (i->reg != 1 || i->mod == 3 || !x86_has(cpu->model, X86_F_CX8)) {
        x86_ud(cpu);
    }
    uint32_t hi_off = i->addr32 ? i->ea + 4 : (i->ea + 4) & 0xFFFFu;
    uint32_t lo = x86_read32(cpu, i->seg, i->ea);
    uint32_t hi = x86_read32(cpu, i->seg, hi_off);
    x86_check_write(cpu, i->seg, i->ea, 4);
    x86_check_write(cpu, i->seg, hi_off, 4);
    if (lo == cpu->regs[X86_EAX] && hi == cpu->regs[X86_EDX]) {
        x86_write32(cpu, i->seg, i->ea, cpu->regs[X86_EBX]);
        x86_write32(cpu, i->seg, hi_off, cpu->regs[X86_ECX]);
        x86_set_arith(cpu, X86_ZF, X86_ZF);
    } else {
        x86_write32(cpu, i->seg, i->ea, lo);
        x86_write32(cpu, i->seg, hi_off, hi);
        cpu->regs[X86_EAX] = lo;
        cpu->regs[X86_EDX] = hi;
        x86_set_arith(cpu, 0, X86_ZF);
    }
}

X86_HANDLER(x86_op_cmov)
{
    if (!x86_has(cpu->model, X86_F_CMOV)) {
        x86_ud(cpu);
    }
    uint32_t v = x86_rm_read(cpu, i, i->osz);
    if (x86_cond(cpu, i->op & 0xF)) {
        x86_set_reg(cpu, i->reg, i->osz, v);
    }
}

/* 0F 19-1F (Pentium Pro on; the decode table gates the family): NOP with a ModRM operand that
 * is decoded but not accessed. */
X86_HANDLER(x86_op_hint_nop)
{
    (void)cpu;
    (void)i;
}

X86_HANDLER(x86_op_cpuid)
{
    if (!x86_has(cpu->model, X86_F_CPUID)) {
        x86_ud(cpu);
    }
    uint32_t out[4];
    x86_cpuid(cpu, cpu->regs[X86_EAX], out);
    cpu->regs[X86_EAX] = out[0];
    cpu->regs[X86_EBX] = out[1];
    cpu->regs[X86_ECX] = out[2];
    cpu->regs[X86_EDX] = out[3];
}

X86_HANDLER(x86_op_rdtsc)
{
    if (!x86_has(cpu->model, X86_F_TSC)) {
        x86_ud(cpu);
    }
    if ((cpu->cr4 & X86_CR4_TSD) && !at_cpl0(cpu)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint64_t t = x86_tsc(cpu);
    cpu->regs[X86_EAX] = (uint32_t)t;
    cpu->regs[X86_EDX] = (uint32_t)(t >> 32);
}

X86_HANDLER(x86_op_msr)
{
    uint32_t idx = cpu->regs[X86_ECX];
    if (i->op == 0x132) {
        uint64_t v = x86_rdmsr(cpu, idx);
        cpu->regs[X86_EAX] = (uint32_t)v;
        cpu->regs[X86_EDX] = (uint32_t)(v >> 32);
    } else {
        x86_wrmsr(cpu, idx, (uint64_t)cpu->regs[X86_EDX] << 32 | cpu->regs[X86_EAX]);
    }
}

X86_HANDLER(x86_op_rdpmc)
{
    if (!x86_has(cpu->model, X86_F_RDPMC)) {
        x86_ud(cpu);
    }
    uint32_t n = cpu->regs[X86_ECX];
    if (n > 1 || (!(cpu->cr4 & X86_CR4_PCE) && !at_cpl0(cpu))) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint64_t v = cpu->perf_ctr[n] & 0xFFFFFFFFFFu;
    cpu->regs[X86_EAX] = (uint32_t)v;
    cpu->regs[X86_EDX] = (uint32_t)(v >> 32);
}

X86_HANDLER(x86_op_sysenter)
{
    if (!x86_has(cpu->model, X86_F_SEP)) {
        x86_ud(cpu);
    }
    if (i->op == 0x134) {
        x86_sysenter(cpu);
    } else {
        x86_sysexit(cpu);
    }
}
