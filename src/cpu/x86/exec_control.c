/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control transfer: Jcc, JMP, CALL, RET (near and far), LOOP/JCXZ, INT/INTO/INT3, IRET, ENTER,
 * LEAVE, BOUND, HLT, the FE/FF groups, POP CS (8086), and #UD.
 *
 * Far transfers, interrupts and IRET go through farctl.c / intr.c, which handle every mode.
 * Sources: 80386 PRM chapter 17; 80286 PRM appendix B; iAPX 86/88 User's Manual.
 * Model quirks: FF /7 is an alias of PUSH on the 8086 (SingleStepTests metadata), #UD later;
 * FE /2-7 and FF /3,/5 with a register operand are undefined on the 8086 (not modelled: they
 * act as NOP there) and #UD later.
 */
#include "cpu/x86/exec.h"

void x86_jump_near(X86Cpu *cpu, uint32_t target, unsigned osz)
{
    if (osz == 2) {
        target &= 0xFFFFu;
    }
    if (x86_has(cpu->model, X86_F_PMODE) && target > cpu->seg[X86_CS].limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    cpu->eip = target;
}

void x86_int(X86Cpu *cpu, int vector, X86IntKind kind)
{
    x86_deliver(cpu, vector, kind, false, 0);
}

_Noreturn void x86_ud(X86Cpu *cpu)
{
    x86_raise(cpu, X86_EXC_UD, false, 0);
}

X86_HANDLER(x86_op_ud)
{
    if (!x86_has(cpu->model, X86_F_UD)) {
        return; /* the 8086 has no invalid opcodes */
    }
    x86_ud(cpu);
}

X86_HANDLER(x86_op_jcc)
{
    if (x86_cond(cpu, i->op & 0xF)) {
        x86_add_cycles(cpu, cpu->model->timing->jcc_taken);
        x86_jump_near(cpu, cpu->eip + i->imm, i->osz);
    }
}

/* ---- Jcc specialised by condition (decode.c x86_fast_handler): x86_cond() with the tests for
 * the commonest lazy record - the SUB of a CMP - inline. For a subtraction a - b the flags say:
 * CF = a < b, ZF = a == b, SF != OF = a < b signed (80386 PRM appendix C and Jcc). ---- */

/* Whether the lazy record is a SUB/CMP and none of the flags in need is held in eflags. */
static inline bool lazy_sub(const X86Cpu *cpu, uint32_t need)
{
    return !(cpu->lf_valid & need) && (cpu->lf_op >> 2) == X86_LF_SUB;
}

static inline uint32_t lazy_mask(const X86Cpu *cpu)
{
    return x86_size_mask(1u << (cpu->lf_op & 3));
}

/* The record's operands as signed values of their size. */
static inline int32_t lazy_s1(const X86Cpu *cpu)
{
    unsigned sh = 32 - 8 * (1u << (cpu->lf_op & 3));
    return (int32_t)(cpu->lf_src1 << sh);
}

static inline int32_t lazy_s2(const X86Cpu *cpu)
{
    unsigned sh = 32 - 8 * (1u << (cpu->lf_op & 3));
    return (int32_t)(cpu->lf_src2 << sh);
}

static inline bool cond_b(X86Cpu *cpu) { return x86_cf_inline(cpu); }

static inline bool cond_z(X86Cpu *cpu)
{
    if (cpu->lf_valid & X86_ZF) {
        return (cpu->eflags & X86_ZF) != 0;
    }
    return (cpu->lf_res & lazy_mask(cpu)) == 0;
}

static inline bool cond_be(X86Cpu *cpu)
{
    if (lazy_sub(cpu, X86_CF | X86_ZF)) {
        return (cpu->lf_src1 & lazy_mask(cpu)) <= (cpu->lf_src2 & lazy_mask(cpu));
    }
    return x86_cond(cpu, 6);
}

static inline bool cond_l(X86Cpu *cpu)
{
    if (lazy_sub(cpu, X86_SF | X86_OF)) {
        return lazy_s1(cpu) < lazy_s2(cpu);
    }
    return x86_cond(cpu, 12);
}

static inline bool cond_le(X86Cpu *cpu)
{
    if (lazy_sub(cpu, X86_ZF | X86_SF | X86_OF)) {
        return lazy_s1(cpu) <= lazy_s2(cpu);
    }
    return x86_cond(cpu, 14);
}

static inline bool cond_o(X86Cpu *cpu) { return x86_cond(cpu, 0); }
static inline bool cond_s(X86Cpu *cpu) { return x86_cond(cpu, 8); }
static inline bool cond_p(X86Cpu *cpu) { return x86_cond(cpu, 10); }

static inline void jcc_taken(X86Cpu *cpu, const X86Insn *i)
{
    x86_add_cycles(cpu, cpu->model->timing->jcc_taken);
    x86_jump_near(cpu, cpu->eip + i->imm, i->osz);
}

#define FAST_JCC(yes, no, cond)                                                                    \
    X86_HANDLER(x86_fast_jcc_##yes)                                                                \
    {                                                                                              \
        if (cond(cpu)) {                                                                           \
            jcc_taken(cpu, i);                                                                     \
        }                                                                                          \
    }                                                                                              \
    X86_HANDLER(x86_fast_jcc_##no)                                                                 \
    {                                                                                              \
        if (!cond(cpu)) {                                                                          \
            jcc_taken(cpu, i);                                                                     \
        }                                                                                          \
    }
FAST_JCC(o, no, cond_o)
FAST_JCC(b, nb, cond_b)
FAST_JCC(z, nz, cond_z)
FAST_JCC(be, a, cond_be)
FAST_JCC(s, ns, cond_s)
FAST_JCC(p, np, cond_p)
FAST_JCC(l, nl, cond_l)
FAST_JCC(le, g, cond_le)

X86_HANDLER(x86_op_jmp)
{
    uint32_t rel = i->imm;
    if (i->op == 0xE9 && i->osz == 2) {
        rel = (uint32_t)(int32_t)(int16_t)rel;
    }
    x86_jump_near(cpu, cpu->eip + rel, i->osz);
}

X86_HANDLER(x86_op_call)
{
    uint32_t target = cpu->eip + i->imm;
    if (i->osz == 2) {
        target &= 0xFFFFu;
    }
    if (x86_has(cpu->model, X86_F_PMODE) && target > cpu->seg[X86_CS].limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    x86_push(cpu, i->osz, cpu->eip);
    cpu->eip = target;
}

X86_HANDLER(x86_op_ret)
{
    uint32_t target = x86_peek(cpu, i->osz, 0);
    x86_jump_near(cpu, target, i->osz);
    uint32_t add = i->osz + (i->op == 0xC2 ? (uint16_t)i->imm : 0);
    x86_set_sp(cpu, x86_sp(cpu) + add);
}

X86_HANDLER(x86_op_retf)
{
    x86_far_ret(cpu, i->osz == 4, i->op == 0xCA ? (uint16_t)i->imm : 0);
}

X86_HANDLER(x86_op_jmpf)
{
    x86_far_jmp(cpu, (uint16_t)i->imm2, i->imm, i->osz == 4);
}

X86_HANDLER(x86_op_callf)
{
    x86_far_call(cpu, (uint16_t)i->imm2, i->imm, i->osz == 4);
}

X86_HANDLER(x86_op_loop)
{
    uint32_t amask = i->addr32 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t cx = cpu->regs[X86_ECX] & amask;
    bool take;
    if (i->op == 0xE3) {
        take = cx == 0;
    } else {
        cx = (cx - 1) & amask;
        cpu->regs[X86_ECX] = (cpu->regs[X86_ECX] & ~amask) | cx;
        take = cx != 0;
        if (i->op == 0xE0) {
            take = take && !x86_zf(cpu);
        } else if (i->op == 0xE1) {
            take = take && x86_zf(cpu);
        }
    }
    if (take) {
        x86_add_cycles(cpu, cpu->model->timing->jcc_taken);
        x86_jump_near(cpu, cpu->eip + i->imm, i->osz);
    }
}

X86_HANDLER(x86_op_int)
{
    switch (i->op) {
    case 0xCC:
        x86_int(cpu, X86_EXC_BP, X86_INT_SOFTWARE_EXC);
        break;
    case 0xCD:
        x86_int(cpu, (uint8_t)i->imm, X86_INT_SOFTWARE);
        break;
    case 0xCE:
        if (x86_get_flags(cpu) & X86_OF) {
            x86_add_cycles(cpu, cpu->model->timing->jcc_taken);
            x86_int(cpu, X86_EXC_OF, X86_INT_SOFTWARE_EXC);
        }
        break;
    default: /* F1 on the 386: ICEBP, a #DB trap */
        x86_int(cpu, X86_EXC_DB, X86_INT_SOFTWARE_EXC);
        break;
    }
}

X86_HANDLER(x86_op_iret)
{
    x86_iret(cpu, i->osz == 4);
}

/* ENTER (80386 PRM 17, ENTER): the nesting level is taken modulo 32. Every push is written
 * before ESP/EBP change, so a fault restarts cleanly. */
X86_HANDLER(x86_op_enter)
{
    unsigned sz = i->osz;
    unsigned level = i->imm2 & 31;
    bool s32 = x86_stack32(cpu);
    uint32_t smask = s32 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t sp = x86_sp(cpu);
    uint32_t bp = cpu->regs[X86_EBP] & smask;
    sp = (sp - sz) & smask;
    x86_write(cpu, X86_SS, sp, sz, x86_reg(cpu, X86_EBP, sz));
    uint32_t frame = sp;
    if (level > 0) {
        for (unsigned n = 1; n < level; n++) {
            bp = (bp - sz) & smask;
            uint32_t v = x86_read(cpu, X86_SS, bp, sz);
            sp = (sp - sz) & smask;
            x86_write(cpu, X86_SS, sp, sz, v);
        }
        sp = (sp - sz) & smask;
        x86_write(cpu, X86_SS, sp, sz, frame);
    }
    sp = (sp - (uint16_t)i->imm) & smask;
    x86_set_reg(cpu, X86_EBP, sz, frame);
    x86_set_sp(cpu, sp);
    x86_add_cycles(cpu, level * 4u);
}

X86_HANDLER(x86_op_leave)
{
    bool s32 = x86_stack32(cpu);
    uint32_t bp = s32 ? cpu->regs[X86_EBP] : (uint16_t)cpu->regs[X86_EBP];
    uint32_t v = x86_read(cpu, X86_SS, bp, i->osz);
    x86_set_sp(cpu, bp + i->osz);
    x86_set_reg(cpu, X86_EBP, i->osz, v);
}

X86_HANDLER(x86_op_bound)
{
    if (i->mod == 3) {
        x86_ud(cpu);
    }
    unsigned sz = i->osz;
    uint32_t hi_off = i->ea + sz;
    if (!i->addr32) {
        hi_off &= 0xFFFFu;
    }
    int32_t lo, hi, v;
    if (sz == 2) {
        lo = (int16_t)x86_read16(cpu, i->seg, i->ea);
        hi = (int16_t)x86_read16(cpu, i->seg, hi_off);
        v = (int16_t)cpu->regs[i->reg];
    } else {
        lo = (int32_t)x86_read32(cpu, i->seg, i->ea);
        hi = (int32_t)x86_read32(cpu, i->seg, hi_off);
        v = (int32_t)cpu->regs[i->reg];
    }
    if (v < lo || v > hi) {
        x86_raise(cpu, X86_EXC_BR, false, 0);
    }
}

X86_HANDLER(x86_op_hlt)
{
    if (x86_protected(cpu) && cpu->cpl != 0) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    cpu->halted = true;
}

X86_HANDLER(x86_op_pop_cs)
{
    uint16_t sel = (uint16_t)x86_peek(cpu, 2, 0);
    x86_set_sp(cpu, x86_sp(cpu) + 2);
    x86_load_seg_real(cpu, X86_CS, sel);
}

/* FE/FF: INC, DEC, CALL, CALL far, JMP, JMP far, PUSH. */
X86_HANDLER(x86_op_grp45)
{
    bool byte = i->op == 0xFE;
    unsigned sz = byte ? 1 : i->osz;
    bool ud = x86_has(cpu->model, X86_F_UD);
    unsigned reg = i->reg;
    if (byte && reg >= 2) {
        if (ud) {
            x86_ud(cpu);
        }
        return;
    }
    if (reg == 7) {
        if (ud) {
            x86_ud(cpu);
        }
        reg = 6; /* 8086: alias of PUSH */
    }
    uint32_t v, off;
    uint16_t sel;
    switch (reg) {
    case 0:
    case 1:
        v = x86_rm_read(cpu, i, sz);
        x86_rm_write(cpu, i, sz, x86_incdec(cpu, reg == 1, sz, v));
        break;
    case 2:
        v = x86_rm_read(cpu, i, sz);
        if (sz == 2) {
            v &= 0xFFFFu;
        }
        if (x86_has(cpu->model, X86_F_PMODE) && v > cpu->seg[X86_CS].limit) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        x86_push(cpu, sz, cpu->eip);
        cpu->eip = v;
        break;
    case 4:
        x86_jump_near(cpu, x86_rm_read(cpu, i, sz), sz);
        break;
    case 3:
    case 5:
        if (i->mod == 3) {
            if (ud) {
                x86_ud(cpu);
            }
            return;
        }
        off = x86_read(cpu, i->seg, i->ea, sz);
        sel = x86_read16(cpu, i->seg, i->addr32 ? i->ea + sz : (i->ea + sz) & 0xFFFFu);
        if (reg == 3) {
            x86_far_call(cpu, sel, off, sz == 4);
        } else {
            x86_far_jmp(cpu, sel, off, sz == 4);
        }
        break;
    default: /* 6: PUSH */
        if (i->mod == 3 && i->rm == X86_ESP && !x86_has(cpu->model, X86_F_PUSH_SP_OLD)) {
            v = (x86_reg(cpu, X86_ESP, sz) - sz) & x86_size_mask(sz);
        } else {
            v = x86_rm_read(cpu, i, sz);
        }
        x86_push(cpu, sz, v);
        break;
    }
}
