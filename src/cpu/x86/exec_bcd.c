/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decimal adjust (DAA DAS AAA AAS AAM AAD) and SALC.
 *
 * iAPX 86/88 User's Manual 2-36..2-38 and 80386 PRM chapter 17 for the defined behaviour. AAM and
 * AAD take any base (the immediate), as all Intel chips do; AAM with base 0 is a divide error.
 * AAA/AAS: the 8086 adjusts AL and AH separately (no carry from AL into AH); from the 286 on AX is
 * adjusted as one word (80386 PRM: "AL <- AL + 6" with the carry reaching AH).
 * SALC (D6, undocumented, every Intel chip from the 8086): AL = CF ? FFh : 00h, flags unchanged.
 */
#include "cpu/x86/exec.h"

static void set_al(X86Cpu *cpu, uint32_t v) { x86_set_r8(cpu, 0, (uint8_t)v); }

X86_HANDLER(x86_op_daa)
{
    uint32_t f = x86_get_flags(cpu);
    uint8_t al = (uint8_t)cpu->regs[X86_EAX], old = al;
    bool cf = f & X86_CF, af = f & X86_AF;
    uint32_t nf = 0;
    if ((al & 0x0F) > 9 || af) {
        /* 286+: the carry out of this step reaches CF (80386 PRM, DAA); the 8086 drops it. */
        if (al > 0xF9 && x86_has(cpu->model, X86_F_PMODE)) {
            nf |= X86_CF;
        }
        al = (uint8_t)(al + 6);
        nf |= X86_AF;
    }
    if (old > (af && !x86_has(cpu->model, X86_F_PMODE) ? 0x9F : 0x99) || cf) {
        al = (uint8_t)(al + 0x60);
        nf |= X86_CF;
    }
    set_al(cpu, al);
    uint32_t of = ((old ^ al) & al & 0x80) ? X86_OF : 0; /* undefined; as an ADD would set it */
    x86_set_arith(cpu, nf | x86_szp(al, 1) | of, X86_ARITH_FLAGS);
}

X86_HANDLER(x86_op_das)
{
    uint32_t f = x86_get_flags(cpu);
    uint8_t al = (uint8_t)cpu->regs[X86_EAX], old = al;
    bool cf = f & X86_CF, af = f & X86_AF;
    uint32_t nf = 0;
    if ((al & 0x0F) > 9 || af) {
        if (al < 6 && x86_has(cpu->model, X86_F_PMODE)) {
            nf |= X86_CF; /* the borrow of this step (80386 PRM, DAS) */
        }
        al = (uint8_t)(al - 6);
        nf |= X86_AF;
    }
    if (old > (af && !x86_has(cpu->model, X86_F_PMODE) ? 0x9F : 0x99) || cf) {
        al = (uint8_t)(al - 0x60);
        nf |= X86_CF;
    }
    set_al(cpu, al);
    uint32_t of = ((old ^ al) & old & 0x80) ? X86_OF : 0;
    x86_set_arith(cpu, nf | x86_szp(al, 1) | of, X86_ARITH_FLAGS);
}

static void ascii_adjust(X86Cpu *cpu, bool sub)
{
    uint32_t f = x86_get_flags(cpu);
    uint16_t ax = (uint16_t)cpu->regs[X86_EAX];
    uint8_t al = (uint8_t)ax, ah = (uint8_t)(ax >> 8);
    uint32_t nf = 0;
    if ((al & 0x0F) > 9 || (f & X86_AF)) {
        if (x86_has(cpu->model, X86_F_PMODE)) {
            ax = (uint16_t)(sub ? ax - 6 : ax + 6);
            ah = (uint8_t)((ax >> 8) + (sub ? -1 : 1));
            al = (uint8_t)ax;
        } else {
            al = (uint8_t)(sub ? al - 6 : al + 6);
            ah = (uint8_t)(sub ? ah - 1 : ah + 1);
        }
        nf = X86_AF | X86_CF;
    }
    uint8_t res = al;
    al &= 0x0F;
    x86_set_r16(cpu, X86_EAX, (uint16_t)(ah << 8 | al));
    x86_set_arith(cpu, nf | x86_szp(res, 1), X86_ARITH_FLAGS);
}

X86_HANDLER(x86_op_aaa) { ascii_adjust(cpu, false); }
X86_HANDLER(x86_op_aas) { ascii_adjust(cpu, true); }

X86_HANDLER(x86_op_aam)
{
    uint8_t base = (uint8_t)i->imm;
    uint8_t al = (uint8_t)cpu->regs[X86_EAX];
    if (base == 0) {
        /* The 8086 microcode has already set SF/ZF/PF as for a zero result when it detects the
         * zero divisor (SingleStepTests 8086, D4). */
        if (!x86_has(cpu->model, X86_F_DIV_FAULT)) {
            x86_set_arith(cpu, X86_ZF | X86_PF, X86_SF | X86_ZF | X86_PF);
        }
        x86_divide_error(cpu);
        return;
    }
    uint8_t q = al / base, r = al % base;
    x86_set_r16(cpu, X86_EAX, (uint16_t)(q << 8 | r));
    x86_set_arith(cpu, x86_szp(r, 1), X86_ARITH_FLAGS);
}

X86_HANDLER(x86_op_aad)
{
    uint8_t base = (uint8_t)i->imm;
    uint16_t ax = (uint16_t)cpu->regs[X86_EAX];
    uint8_t al = (uint8_t)ax, ah = (uint8_t)(ax >> 8);
    uint8_t prod = (uint8_t)(ah * base);
    uint8_t r = (uint8_t)(al + prod);
    x86_set_r16(cpu, X86_EAX, r);
    /* Flags as the ADD of AL and AH*base that the microcode performs. */
    uint32_t f = x86_szp(r, 1) | (r < al ? X86_CF : 0) | ((al ^ prod ^ r) & X86_AF) |
                 (((al ^ r) & (prod ^ r) & 0x80) ? X86_OF : 0);
    x86_set_arith(cpu, f, X86_ARITH_FLAGS);
}

X86_HANDLER(x86_op_salc)
{
    set_al(cpu, x86_cf(cpu) ? 0xFF : 0x00);
}
