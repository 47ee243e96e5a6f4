/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System instructions: the 0F 00 and 0F 01 groups (SLDT STR LLDT LTR VERR VERW, SGDT SIDT LGDT
 * LIDT SMSW LMSW INVLPG), LAR, LSL, CLTS, ARPL, MOV to/from control and debug registers,
 * INVD/WBINVD.
 * Operand decoding is here; the mode and privilege checks and the work are in sysinsn.c
 * (80286 PRM chapter 10 and appendix B, 80386 PRM chapter 17).
 */
#include "cpu/x86/exec.h"

/* Real mode and V86 mode: these are #UD (80286 PRM: "#UD in real address mode"). */
static void pm_only(X86Cpu *cpu)
{
    if (!x86_protected(cpu) || x86_v86(cpu)) {
        x86_ud(cpu);
    }
}

/* Stores a selector-sized result: 16 bits to memory, the operand size to a register. */
static void store_sel(X86Cpu *cpu, X86Insn *i, uint16_t v)
{
    if (i->mod == 3) {
        x86_set_reg(cpu, i->rm, i->osz, v);
    } else {
        x86_write16(cpu, i->seg, i->ea, v);
    }
}

X86_HANDLER(x86_op_grp6)
{
    switch (i->reg) {
    case 0:
        pm_only(cpu);
        store_sel(cpu, i, x86_sldt(cpu));
        break;
    case 1:
        pm_only(cpu);
        store_sel(cpu, i, x86_str(cpu));
        break;
    case 2:
        pm_only(cpu);
        x86_lldt(cpu, (uint16_t)x86_rm_read(cpu, i, 2));
        break;
    case 3:
        pm_only(cpu);
        x86_ltr(cpu, (uint16_t)x86_rm_read(cpu, i, 2));
        break;
    case 4:
    case 5: {
        pm_only(cpu);
        uint16_t sel = (uint16_t)x86_rm_read(cpu, i, 2);
        bool zf = i->reg == 4 ? x86_verr(cpu, sel) : x86_verw(cpu, sel);
        x86_set_arith(cpu, zf ? X86_ZF : 0, X86_ZF);
        break;
    }
    default:
        x86_ud(cpu);
    }
}

X86_HANDLER(x86_op_grp7)
{
    bool op32 = i->osz == 4;
    switch (i->reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        if (i->mod == 3) {
            x86_ud(cpu);
        }
        if (i->reg == 0) {
            x86_sgdt(cpu, i->seg, i->ea, op32);
        } else if (i->reg == 1) {
            x86_sidt(cpu, i->seg, i->ea, op32);
        } else if (i->reg == 2) {
            x86_lgdt(cpu, i->seg, i->ea, op32);
        } else {
            x86_lidt(cpu, i->seg, i->ea, op32);
        }
        break;
    case 4:
        if (i->mod == 3) {
            x86_set_reg(cpu, i->rm, i->osz, x86_smsw(cpu));
        } else {
            x86_write16(cpu, i->seg, i->ea, (uint16_t)x86_smsw(cpu));
        }
        break;
    case 6:
        x86_lmsw(cpu, (uint16_t)x86_rm_read(cpu, i, 2));
        break;
    case 7: /* INVLPG m (486+): the operand's linear address, no limit check */
        if (i->mod == 3 || cpu->model->family < X86_FAMILY_486) {
            x86_ud(cpu);
        }
        x86_invlpg(cpu, cpu->seg[i->seg].base + i->ea);
        break;
    default:
        x86_ud(cpu);
    }
}

X86_HANDLER(x86_op_lar_lsl)
{
    pm_only(cpu);
    uint16_t sel = (uint16_t)x86_rm_read(cpu, i, 2);
    uint32_t out = 0;
    bool zf = i->op == 0x102 ? x86_lar(cpu, sel, &out) : x86_lsl(cpu, sel, &out);
    if (zf) {
        x86_set_reg(cpu, i->reg, i->osz, out);
    }
    x86_set_arith(cpu, zf ? X86_ZF : 0, X86_ZF);
}

X86_HANDLER(x86_op_clts)
{
    x86_clts(cpu);
}

X86_HANDLER(x86_op_arpl)
{
    pm_only(cpu);
    uint16_t dst = (uint16_t)x86_rm_read(cpu, i, 2);
    bool zf = x86_arpl(cpu, &dst, (uint16_t)x86_reg(cpu, i->reg, 2));
    if (zf) {
        x86_rm_write(cpu, i, 2, dst);
    }
    x86_set_arith(cpu, zf ? X86_ZF : 0, X86_ZF);
}

/* MOV r32, CRn / CRn, r32 / DRn: the ModRM mod field is ignored (always registers). */
X86_HANDLER(x86_op_mov_cr)
{
    unsigned n = i->reg, r = i->modrm & 7;
    switch (i->op & 0xFF) {
    case 0x20:
        cpu->regs[r] = x86_read_cr(cpu, (int)n);
        break;
    case 0x22:
        x86_write_cr(cpu, (int)n, cpu->regs[r]);
        break;
    case 0x21:
        cpu->regs[r] = x86_read_dr(cpu, (int)n);
        break;
    case 0x23:
        x86_write_dr(cpu, (int)n, cpu->regs[r]);
        break;
    default: /* test registers: not modelled */
        x86_ud(cpu);
    }
}

/* INVD/WBINVD: there is no cache model; privileged (486 PRM; firmware runs them on 386 boards,
 * see platform notes, so the 386 model accepts them too). */
X86_HANDLER(x86_op_sys_misc)
{
    if (x86_protected(cpu) && (x86_v86(cpu) || cpu->cpl != 0)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}
