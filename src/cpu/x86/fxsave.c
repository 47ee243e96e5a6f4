/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FXSAVE/FXRSTOR (0F AE /0 /1; Pentium II "Deschutes" and later, CPUID.FXSR): the x87 and MMX
 * state to and from a 512-byte area, in the layout of the Intel SDM vol. 2A FXSAVE table
 * "layout of FXSAVE and FXRSTOR memory region": FCW at 0, FSW at 2, the abridged tag byte at 4
 * (bit i set = physical register i not empty), FOP at 6, FIP/FCS at 8/12, FDP/FDS at 16/20, then
 * ST(0)-ST(7) as 80-bit values in 16-byte slots from offset 32 (ST order, relative to TOP).
 *
 * These chips have no SSE: the MXCSR fields (24, 28) are written as 0 and ignored on restore,
 * and the XMM/reserved area from offset 160 is left alone. Faults: #UD without FXSR or with
 * CR0.EM, #NM with CR0.TS, #GP(0) for an area not aligned on 16 bytes; pending x87 errors are not
 * checked (FXSAVE/FXRSTOR are non-waiting). The whole area is checked for writability before
 * FXSAVE stores, and read completely before FXRSTOR changes anything, so a fault leaves the state.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/fpu.h"

static uint32_t at(const X86Insn *i, uint32_t off)
{
    uint32_t a = i->ea + off;
    return i->addr32 ? a : a & 0xFFFFu;
}

static void fx_checks(X86Cpu *cpu, X86Insn *i)
{
    if (!x86_has(cpu->model, X86_F_FXSR) || (cpu->cr0 & X86_CR0_EM) || i->mod == 3) {
        x86_ud(cpu);
    }
    if (cpu->cr0 & X86_CR0_TS) {
        x86_raise(cpu, X86_EXC_NM, false, 0);
    }
    if ((cpu->seg[i->seg].base + i->ea) & 15u) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}

static void fxsave(X86Cpu *cpu, X86Insn *i)
{
    const X86Fpu *f = &cpu->fpu;
    for (uint32_t off = 0; off < 160; off += 4) {
        x86_check_write(cpu, i->seg, at(i, off), 4);
    }
    unsigned top = (f->sw >> 11) & 7u;
    uint8_t ftw = 0;
    for (unsigned r = 0; r < 8; r++) {
        if (((f->tag >> (2 * r)) & 3u) != 3u) {
            ftw |= (uint8_t)(1u << r);
        }
    }
    x86_write16(cpu, i->seg, at(i, 0), f->cw);
    x86_write16(cpu, i->seg, at(i, 2), f->sw);
    x86_write16(cpu, i->seg, at(i, 4), ftw);
    x86_write16(cpu, i->seg, at(i, 6), f->fop);
    x86_write32(cpu, i->seg, at(i, 8), f->fip);
    x86_write32(cpu, i->seg, at(i, 12), f->fcs);
    x86_write32(cpu, i->seg, at(i, 16), f->fdp);
    x86_write32(cpu, i->seg, at(i, 20), f->fds);
    x86_write32(cpu, i->seg, at(i, 24), 0); /* MXCSR: no SSE */
    x86_write32(cpu, i->seg, at(i, 28), 0);
    for (unsigned k = 0; k < 8; k++) {
        unsigned r = (top + k) & 7u;
        uint32_t o = 32 + 16 * k;
        x86_write32(cpu, i->seg, at(i, o), (uint32_t)f->sig[r]);
        x86_write32(cpu, i->seg, at(i, o + 4), (uint32_t)(f->sig[r] >> 32));
        x86_write16(cpu, i->seg, at(i, o + 8), f->se[r]);
        x86_write16(cpu, i->seg, at(i, o + 10), 0);
        x86_write32(cpu, i->seg, at(i, o + 12), 0);
    }
}

static void fxrstor(X86Cpu *cpu, X86Insn *i)
{
    X86Fpu n = cpu->fpu;
    n.cw = x86_read16(cpu, i->seg, at(i, 0));
    n.sw = x86_read16(cpu, i->seg, at(i, 2));
    uint8_t ftw = (uint8_t)x86_read16(cpu, i->seg, at(i, 4));
    n.fop = x86_read16(cpu, i->seg, at(i, 6)) & 0x7FFu;
    n.fip = x86_read32(cpu, i->seg, at(i, 8));
    n.fcs = x86_read16(cpu, i->seg, at(i, 12));
    n.fdp = x86_read32(cpu, i->seg, at(i, 16));
    n.fds = x86_read16(cpu, i->seg, at(i, 20));
    unsigned top = (n.sw >> 11) & 7u;
    for (unsigned k = 0; k < 8; k++) {
        unsigned r = (top + k) & 7u;
        uint32_t o = 32 + 16 * k;
        uint64_t lo = x86_read32(cpu, i->seg, at(i, o));
        n.sig[r] = lo | (uint64_t)x86_read32(cpu, i->seg, at(i, o + 4)) << 32;
        n.se[r] = x86_read16(cpu, i->seg, at(i, o + 8));
    }
    n.tag = 0;
    for (unsigned r = 0; r < 8; r++) {
        if (!(ftw & (1u << r))) {
            n.tag |= (uint16_t)(3u << (2 * r));
        }
    }
    /* ES and B follow the unmasked exception bits, and FERR# follows ES (fpu.h). */
    bool es = (n.sw & ~n.cw & 0x3Fu) != 0;
    n.sw = es ? (uint16_t)(n.sw | X86_FSW_ES | X86_FSW_B)
              : (uint16_t)(n.sw & ~(X86_FSW_ES | X86_FSW_B));
    bool changed = es != cpu->fpu.ferr;
    n.ferr = es;
    if (!es) {
        n.ignne = false;
    }
    cpu->fpu = n;
    if (changed && cpu->ferr) {
        cpu->ferr(cpu->ferr_opaque, es);
    }
}

/* 0F AE: /0 FXSAVE, /1 FXRSTOR; the other forms (SSE and later) are #UD on these chips. */
X86_HANDLER(x86_op_grp15)
{
    if (i->reg > 1) {
        x86_ud(cpu);
    }
    fx_checks(cpu, i);
    if (i->reg == 0) {
        fxsave(cpu, i);
    } else {
        fxrstor(cpu, i);
    }
}
