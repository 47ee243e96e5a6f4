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
 * FXRSTOR loads the control word as FLDCW does (bit 6 one, bits 13-15 zero; host-checked).
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/fpu.h"

static uint32_t at(uint32_t ea, bool addr32, uint32_t off)
{
    uint32_t a = ea + off;
    return addr32 ? a : a & 0xFFFFu;
}

static void fx_checks(X86Cpu *cpu, int sreg, uint32_t ea)
{
    if (cpu->cr0 & X86_CR0_EM) {
        x86_ud(cpu);
    }
    if (cpu->cr0 & X86_CR0_TS) {
        x86_raise(cpu, X86_EXC_NM, false, 0);
    }
    if ((cpu->seg[sreg].base + ea) & 15u) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}

void x86_fpu_fxsave(X86Cpu *cpu, int sreg, uint32_t ea, bool addr32)
{
    fx_checks(cpu, sreg, ea);
    const X86Fpu *f = &cpu->fpu;
    for (uint32_t off = 0; off < 160; off += 4) {
        x86_check_write(cpu, sreg, at(ea, addr32, off), 4);
    }
    unsigned top = (f->sw >> 11) & 7u;
    uint8_t ftw = 0;
    for (unsigned r = 0; r < 8; r++) {
        if (((f->tag >> (2 * r)) & 3u) != 3u) {
            ftw |= (uint8_t)(1u << r);
        }
    }
    x86_write16(cpu, sreg, at(ea, addr32, 0), f->cw);
    x86_write16(cpu, sreg, at(ea, addr32, 2), f->sw);
    x86_write16(cpu, sreg, at(ea, addr32, 4), ftw);
    x86_write16(cpu, sreg, at(ea, addr32, 6), f->fop);
    x86_write32(cpu, sreg, at(ea, addr32, 8), f->fip);
    x86_write32(cpu, sreg, at(ea, addr32, 12), f->fcs);
    x86_write32(cpu, sreg, at(ea, addr32, 16), f->fdp);
    x86_write32(cpu, sreg, at(ea, addr32, 20), f->fds);
    x86_write32(cpu, sreg, at(ea, addr32, 24), 0); /* MXCSR: no SSE */
    x86_write32(cpu, sreg, at(ea, addr32, 28), 0);
    for (unsigned k = 0; k < 8; k++) {
        unsigned r = (top + k) & 7u;
        uint32_t o = 32 + 16 * k;
        x86_write32(cpu, sreg, at(ea, addr32, o), (uint32_t)f->sig[r]);
        x86_write32(cpu, sreg, at(ea, addr32, o + 4), (uint32_t)(f->sig[r] >> 32));
        x86_write16(cpu, sreg, at(ea, addr32, o + 8), f->se[r]);
        x86_write16(cpu, sreg, at(ea, addr32, o + 10), 0);
        x86_write32(cpu, sreg, at(ea, addr32, o + 12), 0);
    }
}

void x86_fpu_fxrstor(X86Cpu *cpu, int sreg, uint32_t ea, bool addr32)
{
    fx_checks(cpu, sreg, ea);
    X86Fpu n = cpu->fpu;
    n.cw = x86_fpu_cw_loaded(x86_read16(cpu, sreg, at(ea, addr32, 0)));
    n.sw = x86_read16(cpu, sreg, at(ea, addr32, 2));
    uint8_t ftw = (uint8_t)x86_read16(cpu, sreg, at(ea, addr32, 4));
    n.fop = x86_read16(cpu, sreg, at(ea, addr32, 6)) & 0x7FFu;
    n.fip = x86_read32(cpu, sreg, at(ea, addr32, 8));
    n.fcs = x86_read16(cpu, sreg, at(ea, addr32, 12));
    n.fdp = x86_read32(cpu, sreg, at(ea, addr32, 16));
    n.fds = x86_read16(cpu, sreg, at(ea, addr32, 20));
    unsigned top = (n.sw >> 11) & 7u;
    for (unsigned k = 0; k < 8; k++) {
        unsigned r = (top + k) & 7u;
        uint32_t o = 32 + 16 * k;
        uint64_t lo = x86_read32(cpu, sreg, at(ea, addr32, o));
        n.sig[r] = lo | (uint64_t)x86_read32(cpu, sreg, at(ea, addr32, o + 4)) << 32;
        n.se[r] = x86_read16(cpu, sreg, at(ea, addr32, o + 8));
    }
    n.tag = 0;
    for (unsigned r = 0; r < 8; r++) {
        if (!(ftw & (1u << r))) {
            n.tag |= (uint16_t)(3u << (2 * r));
        }
    }
    cpu->fpu = n;
    x86_fpu_update_es(cpu);
}

/* 0F AE: /0 FXSAVE, /1 FXRSTOR; the other forms (SSE and later) are #UD on these chips. */
X86_HANDLER(x86_op_grp15)
{
    if (i->reg > 1 || !x86_has(cpu->model, X86_F_FXSR) || i->mod == 3) {
        x86_ud(cpu);
    }
    if (i->reg == 0) {
        x86_fpu_fxsave(cpu, i->seg, i->ea, i->addr32);
    } else {
        x86_fpu_fxrstor(cpu, i->seg, i->ea, i->addr32);
    }
}
