/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtual-8086 mode extensions and protected-mode virtual interrupts (Pentium: CR4.VME, CR4.PVI,
 * EFLAGS.VIF/VIP). With them a V86 task at IOPL < 3 runs CLI/STI/PUSHF/POPF/IRET and INT n
 * without trapping to the monitor: the interrupt flag it sees is the virtual one (VIF), and
 * software interrupts can be redirected to the V86 task's own real-mode vector table.
 *
 * Sources: Pentium Processor Family Developer's Manual vol. 3 (1995), appendix H "advanced
 * features" (published later as Intel SDM vol. 3, 20.3 "interrupt and exception handling in
 * virtual-8086 mode" and 20.4 "protected-mode virtual interrupts"): table 20-2 (INT n handling
 * by VME, IOPL and the redirection bitmap bit), the software interrupt redirection bitmap (32
 * bytes just below the I/O permission bitmap in the TSS), CLI/STI/PUSHF/POPF/IRET pseudo-code
 * (STI or POPF/IRET setting IF while VIP is set: #GP(0); POPF/IRET setting TF: #GP(0); the 32-bit
 * forms keep trapping).
 *
 * Not modelled: nothing of the above is left out; VIP is only ever set by software (a monitor),
 * as on the chip.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/prot.h"

static inline unsigned iopl(const X86Cpu *cpu) { return (cpu->eflags & X86_IOPL) >> 12; }

bool x86_vme_active(const X86Cpu *cpu)
{
    return x86_v86(cpu) && (cpu->cr4 & X86_CR4_VME) && iopl(cpu) < 3;
}

bool x86_vif_mode(const X86Cpu *cpu)
{
    if (x86_vme_active(cpu)) {
        return true;
    }
    return x86_protected(cpu) && !x86_v86(cpu) && cpu->cpl == 3 && iopl(cpu) < 3 &&
           (cpu->cr4 & X86_CR4_PVI);
}

void x86_vif_cli(X86Cpu *cpu)
{
    cpu->eflags &= ~X86_VIF;
}

void x86_vif_sti(X86Cpu *cpu)
{
    if (cpu->eflags & X86_VIP) {
        x86_raise(cpu, X86_EXC_GP, true, 0); /* the monitor has a virtual interrupt to deliver */
    }
    cpu->eflags |= X86_VIF;
}

uint16_t x86_vme_flags_image(X86Cpu *cpu)
{
    uint32_t f = x86_flags_image(cpu) & ~(X86_IF | X86_IOPL);
    return (uint16_t)(f | ((cpu->eflags & X86_VIF) ? X86_IF : 0) | X86_IOPL);
}

void x86_vme_load_flags(X86Cpu *cpu, uint16_t v)
{
    if ((v & X86_TF) || ((cpu->eflags & X86_VIP) && (v & X86_IF))) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    x86_set_flags(cpu, v, (0x0FD5u | X86_NT) & ~X86_IF);
    cpu->eflags = (cpu->eflags & ~X86_VIF) | ((v & X86_IF) ? X86_VIF : 0);
}

/* Bit vec of the TSS's redirection bitmap; 1 (not redirected) when the bitmap is outside the
 * TSS limit, as the I/O check treats missing bits. */
static bool redirect_bit(X86Cpu *cpu, int vec)
{
    const X86Seg *tr = &cpu->seg[X86_TR];
    if (!type_is_32(X86_ATTR_TYPE(tr->attr)) || tr->limit < 0x67u) {
        return true;
    }
    uint32_t map = sys_read16(cpu, tr->base + 0x66);
    uint32_t at = map - 32u + (uint32_t)vec / 8u;
    if (map < 32u || at > tr->limit) {
        return true;
    }
    return (x86_lin_read8(cpu, tr->base + at, false) >> (vec & 7)) & 1u;
}

bool x86_vme_int(X86Cpu *cpu, int vec)
{
    if (!(cpu->cr4 & X86_CR4_VME)) {
        return false;
    }
    if (redirect_bit(cpu, vec)) {
        if (iopl(cpu) < 3) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        return false; /* to the protected-mode handler */
    }
    /* Redirected: the V86 task's own vector table at linear 0, as in real mode. */
    uint32_t ip = x86_lin_read16(cpu, (uint32_t)vec * 4, true);
    uint32_t cs = x86_lin_read16(cpu, (uint32_t)vec * 4 + 2, true);
    uint16_t fl = iopl(cpu) < 3 ? x86_vme_flags_image(cpu) : (uint16_t)x86_flags_image(cpu);
    uint32_t sp = cpu->regs[X86_ESP] & 0xFFFFu;
    x86_write16(cpu, X86_SS, (sp - 2) & 0xFFFFu, fl);
    x86_write16(cpu, X86_SS, (sp - 4) & 0xFFFFu, cpu->seg[X86_CS].sel);
    x86_write16(cpu, X86_SS, (sp - 6) & 0xFFFFu, (uint16_t)cpu->eip);
    x86_set_r16(cpu, X86_ESP, (uint16_t)(sp - 6));
    if (iopl(cpu) < 3) {
        cpu->eflags &= ~X86_VIF;
    } else {
        x86_set_flags(cpu, 0, X86_IF);
    }
    x86_set_flags(cpu, 0, X86_TF | X86_RF);
    x86_load_seg_real(cpu, X86_CS, (uint16_t)cs);
    cpu->eip = ip;
    return true;
}
