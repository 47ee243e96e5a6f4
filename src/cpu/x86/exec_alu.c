/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arithmetic and logic: the eight ALU operations, INC/DEC, TEST, NOT/NEG, MUL/IMUL/DIV/IDIV,
 * shifts and rotates, SHLD/SHRD, the bit tests and bit scans.
 *
 * Semantics: 80386 PRM chapter 17 (instruction set reference) for what is defined. Model quirks:
 *  - 8086/8088 shift and rotate counts are not masked (a count of 255 shifts 255 times); from the
 *    80186 on the count is masked to 5 bits (80286 PRM appendix C).
 *  - 8086/8088: D0-D3 /6 is SETMO/SETMOC (the operand becomes all ones); later chips: SHL.
 *  - 8086/8088: a REP prefix negates the IDIV quotient and the IMUL product; the 8086's IDIV
 *    quotient range is -127..127 (the 286 admits -128) (SingleStepTests 8086/80286 READMEs).
 *  - Divide error: a trap returning after the DIV on the 8086, a fault on the 286+.
 * Undefined flags follow what the 286/386 produce where cheap; the test vectors mask the rest.
 */
#include "cpu/x86/exec.h"

/* The eight ALU operations; inline so that the specialised handlers below fold op and sz. */
static inline __attribute__((always_inline)) uint32_t alu(X86Cpu *cpu, unsigned op, unsigned sz,
                                                         uint32_t a, uint32_t b)
{
    uint32_t mask = x86_size_mask(sz);
    uint32_t r, c;
    a &= mask;
    b &= mask;
    switch (op) {
    case 0:
        r = (a + b) & mask;
        x86_lazy(cpu, X86_LF_ADD, sz, r, a, b);
        return r;
    case 1:
        r = a | b;
        x86_lazy(cpu, X86_LF_LOGIC, sz, r, a, b);
        return r;
    case 2:
        c = x86_cf(cpu);
        r = (a + b + c) & mask;
        x86_lazy(cpu, X86_LF_ADC, sz, r, a, b);
        return r;
    case 3:
        c = x86_cf(cpu);
        r = (a - b - c) & mask;
        x86_lazy(cpu, X86_LF_SBB, sz, r, a, b);
        return r;
    case 4:
        r = a & b;
        x86_lazy(cpu, X86_LF_LOGIC, sz, r, a, b);
        return r;
    case 5:
    case 7:
        r = (a - b) & mask;
        x86_lazy(cpu, X86_LF_SUB, sz, r, a, b);
        return r;
    default:
        r = a ^ b;
        x86_lazy(cpu, X86_LF_LOGIC, sz, r, a, b);
        return r;
    }
}

uint32_t x86_alu(X86Cpu *cpu, unsigned op, unsigned sz, uint32_t a, uint32_t b)
{
    return alu(cpu, op, sz, a, b);
}

static inline unsigned opsize(const X86Insn *i)
{
    return (i->info->flags & X86_D_BYTE) ? 1 : i->osz;
}

X86_HANDLER(x86_op_alu)
{
    unsigned aop = (i->op >> 3) & 7;
    unsigned sz = opsize(i);
    uint32_t r;
    switch (i->op & 7) {
    case 0:
    case 1:
        r = x86_alu(cpu, aop, sz, x86_rm_read(cpu, i, sz), x86_reg(cpu, i->reg, sz));
        if (aop != 7) {
            x86_rm_write(cpu, i, sz, r);
        }
        break;
    case 2:
    case 3:
        r = x86_alu(cpu, aop, sz, x86_reg(cpu, i->reg, sz), x86_rm_read(cpu, i, sz));
        if (aop != 7) {
            x86_set_reg(cpu, i->reg, sz, r);
        }
        break;
    default:
        r = x86_alu(cpu, aop, sz, x86_reg(cpu, X86_EAX, sz), i->imm);
        if (aop != 7) {
            x86_set_reg(cpu, X86_EAX, sz, r);
        }
        break;
    }
}

X86_HANDLER(x86_op_grp1)
{
    unsigned sz = opsize(i);
    uint32_t r = x86_alu(cpu, i->reg, sz, x86_rm_read(cpu, i, sz), i->imm);
    if (i->reg != 7) {
        x86_rm_write(cpu, i, sz, r);
    }
}

/* ---- specialised register forms (decode.c x86_fast_handler): the generic handlers' work for
 * one form, with the operand size and operation fixed ---- */

/* 00-3B with ModRM.mod 3: the destination is ModRM.rm for opcodes xxxxx0x, ModRM.reg for xxxxx1x. */
#define FAST_ALU_SZ(name, aop, sz)                                                                 \
    X86_HANDLER(x86_fast_##name##_rr##sz)                                                          \
    {                                                                                              \
        bool to_reg = (i->op & 2) != 0;                                                            \
        unsigned d = to_reg ? i->reg : i->rm, s = to_reg ? i->rm : i->reg;                         \
        uint32_t r = alu(cpu, aop, sz, x86_reg(cpu, d, sz), x86_reg(cpu, s, sz));                  \
        if (aop != 7) {                                                                            \
            x86_set_reg(cpu, d, sz, r);                                                            \
        }                                                                                          \
    }                                                                                              \
    X86_HANDLER(x86_fast_##name##_ri##sz)                                                          \
    {                                                                                              \
        uint32_t r = alu(cpu, aop, sz, x86_reg(cpu, i->rm, sz), i->imm);                           \
        if (aop != 7) {                                                                            \
            x86_set_reg(cpu, i->rm, sz, r);                                                        \
        }                                                                                          \
    }                                                                                              \
    X86_HANDLER(x86_fast_##name##_ai##sz)                                                          \
    {                                                                                              \
        uint32_t r = alu(cpu, aop, sz, x86_reg(cpu, X86_EAX, sz), i->imm);                         \
        if (aop != 7) {                                                                            \
            x86_set_reg(cpu, X86_EAX, sz, r);                                                      \
        }                                                                                          \
    }
/* The result of alu() for the operations the specialised forms cover, without the flags. */
static inline uint32_t alu_value(unsigned op, unsigned sz, uint32_t a, uint32_t b)
{
    uint32_t mask = x86_size_mask(sz);
    switch (op) {
    case 0:
        return (a + b) & mask;
    case 1:
        return (a | b) & mask;
    case 4:
        return a & b & mask;
    case 5:
        return (a - b) & mask;
    default:
        return (a ^ b) & mask;
    }
}

/* The same with a memory operand: 00-3B (mN) and 80-83 (miN) with ModRM.mod != 3. A memory
 * destination is written before the flags are, so that a faulting write leaves them as they
 * were without the loop's restart snapshot (X86Insn.nosnap). */
#define FAST_ALU_MEM(name, aop, sz)                                                                \
    X86_HANDLER(x86_fast_##name##_m##sz)                                                           \
    {                                                                                              \
        if (i->op & 2) {                                                                           \
            uint32_t r = alu(cpu, aop, sz, x86_reg(cpu, i->reg, sz),                               \
                             x86_read(cpu, i->seg, i->ea, sz));                                    \
            if (aop != 7) {                                                                        \
                x86_set_reg(cpu, i->reg, sz, r);                                                   \
            }                                                                                      \
        } else {                                                                                   \
            uint32_t a = x86_read(cpu, i->seg, i->ea, sz), b = x86_reg(cpu, i->reg, sz);           \
            if (aop != 7) {                                                                        \
                x86_write(cpu, i->seg, i->ea, sz, alu_value(aop, sz, a, b));                       \
            }                                                                                      \
            alu(cpu, aop, sz, a, b);                                                               \
        }                                                                                          \
    }                                                                                              \
    X86_HANDLER(x86_fast_##name##_mi##sz)                                                          \
    {                                                                                              \
        uint32_t a = x86_read(cpu, i->seg, i->ea, sz);                                             \
        if (aop != 7) {                                                                            \
            x86_write(cpu, i->seg, i->ea, sz, alu_value(aop, sz, a, i->imm));                      \
        }                                                                                          \
        alu(cpu, aop, sz, a, i->imm);                                                              \
    }
#define FAST_ALU(name, aop)                                                                        \
    FAST_ALU_SZ(name, aop, 1) FAST_ALU_SZ(name, aop, 2) FAST_ALU_SZ(name, aop, 4)                  \
    FAST_ALU_MEM(name, aop, 1) FAST_ALU_MEM(name, aop, 2) FAST_ALU_MEM(name, aop, 4)
FAST_ALU(add, 0)
FAST_ALU(or, 1)
FAST_ALU(and, 4)
FAST_ALU(sub, 5)
FAST_ALU(xor, 6)
FAST_ALU(cmp, 7)

/* TEST (84/85 by ModRM.mod, A8/A9): AND for the flags only. */
#define FAST_TEST_SZ(sz)                                                                           \
    X86_HANDLER(x86_fast_test_rr##sz)                                                              \
    {                                                                                              \
        alu(cpu, 4, sz, x86_reg(cpu, i->rm, sz), x86_reg(cpu, i->reg, sz));                        \
    }                                                                                              \
    X86_HANDLER(x86_fast_test_m##sz)                                                               \
    {                                                                                              \
        alu(cpu, 4, sz, x86_read(cpu, i->seg, i->ea, sz), x86_reg(cpu, i->reg, sz));               \
    }                                                                                              \
    X86_HANDLER(x86_fast_test_ai##sz)                                                              \
    {                                                                                              \
        alu(cpu, 4, sz, x86_reg(cpu, X86_EAX, sz), i->imm);                                        \
    }
FAST_TEST_SZ(1)
FAST_TEST_SZ(2)
FAST_TEST_SZ(4)

/* 40-4F: x86_incdec() on a register of the operand size. */
X86_HANDLER(x86_fast_inc_r2)
{
    unsigned n = i->op & 7;
    uint32_t v = (uint16_t)cpu->regs[n];
    uint32_t r = (v + 1) & 0xFFFFu;
    x86_lazy_keep_cf_inline(cpu, X86_LF_INC, 2, r, v);
    x86_set_r16(cpu, n, (uint16_t)r);
}

X86_HANDLER(x86_fast_inc_r4)
{
    unsigned n = i->op & 7;
    uint32_t v = cpu->regs[n];
    x86_lazy_keep_cf_inline(cpu, X86_LF_INC, 4, v + 1, v);
    cpu->regs[n] = v + 1;
}

X86_HANDLER(x86_fast_dec_r2)
{
    unsigned n = i->op & 7;
    uint32_t v = (uint16_t)cpu->regs[n];
    uint32_t r = (v - 1) & 0xFFFFu;
    x86_lazy_keep_cf_inline(cpu, X86_LF_DEC, 2, r, v);
    x86_set_r16(cpu, n, (uint16_t)r);
}

X86_HANDLER(x86_fast_dec_r4)
{
    unsigned n = i->op & 7;
    uint32_t v = cpu->regs[n];
    x86_lazy_keep_cf_inline(cpu, X86_LF_DEC, 4, v - 1, v);
    cpu->regs[n] = v - 1;
}

uint32_t x86_incdec(X86Cpu *cpu, bool dec, unsigned sz, uint32_t v)
{
    uint32_t r = (dec ? v - 1 : v + 1) & x86_size_mask(sz);
    x86_lazy_keep_cf(cpu, dec ? X86_LF_DEC : X86_LF_INC, sz, r, v);
    return r;
}

X86_HANDLER(x86_op_incdec_r)
{
    unsigned n = i->op & 7;
    x86_set_reg(cpu, n, i->osz, x86_incdec(cpu, i->op & 8, i->osz, x86_reg(cpu, n, i->osz)));
}

X86_HANDLER(x86_op_test)
{
    unsigned sz = opsize(i);
    if (i->op == 0x84 || i->op == 0x85) {
        x86_alu(cpu, 4, sz, x86_rm_read(cpu, i, sz), x86_reg(cpu, i->reg, sz));
    } else {
        x86_alu(cpu, 4, sz, x86_reg(cpu, X86_EAX, sz), i->imm);
    }
}

/* ---- shifts and rotates ---- */

/* One shift/rotate of v (size sz) by count >= 1, step by step as the microcode loops; sets the
 * flags. Returns the result. */
static uint32_t shift(X86Cpu *cpu, unsigned op, unsigned sz, uint32_t v, unsigned count)
{
    uint32_t mask = x86_size_mask(sz), sign = x86_sign_bit(sz);
    /* Only RCL/RCR read CF; the others set it at every step (count >= 1). */
    uint32_t cf = (op == 2 || op == 3) && x86_cf(cpu) ? 1 : 0;
    uint32_t prev = v;
    v &= mask;
    unsigned w = sz * 8;
    if (op >= 4 && count < w) {
        /* SHL/SHR/SAR by less than the width: the steps below in closed form. */
        uint32_t of;
        if (op == 5) {
            prev = v >> (count - 1);
            cf = prev & 1;
            v = prev >> 1;
            of = (prev & sign) ? 1 : 0;
        } else if (op == 7) {
            uint32_t sx = (v & sign) ? v | ~mask : v; /* sign-extended to 32 bits */
            cf = (uint32_t)((int32_t)sx >> (count - 1)) & 1;
            v = (uint32_t)((int32_t)sx >> count) & mask;
            of = 0;
        } else {
            cf = (v >> (w - count)) & 1;
            v = (v << count) & mask;
            of = ((v & sign) ? 1 : 0) ^ cf;
        }
        x86_set_arith(cpu, (cf ? X86_CF : 0) | (of ? X86_OF : 0) | x86_szp(v, sz),
                      X86_ARITH_FLAGS);
        return v;
    }
    /* Rotates by multiples of the width leave the value as is: fold big counts. */
    unsigned n = count;
    if (op == 0 || op == 1) {
        n = count % (sz * 8);
        if (n == 0) {
            n = sz * 8;
        }
    } else if (op == 2 || op == 3) {
        n = count % (sz * 8 + 1);
    }
    if (n > 64 && op >= 4) {
        n = 64 + (n & 1); /* beyond the width the result is fixed; keep the parity of steps */
    }
    for (unsigned k = 0; k < n; k++) {
        prev = v;
        switch (op) {
        case 0: /* ROL */
            cf = v & sign ? 1 : 0;
            v = ((v << 1) | cf) & mask;
            break;
        case 1: /* ROR */
            cf = v & 1;
            v = (v >> 1) | (cf ? sign : 0);
            break;
        case 2: { /* RCL */
            uint32_t out = v & sign ? 1 : 0;
            v = ((v << 1) | cf) & mask;
            cf = out;
            break;
        }
        case 3: { /* RCR */
            uint32_t out = v & 1;
            v = (v >> 1) | (cf ? sign : 0);
            cf = out;
            break;
        }
        case 4:
        case 6: /* SHL/SAL */
            cf = v & sign ? 1 : 0;
            v = (v << 1) & mask;
            break;
        case 5: /* SHR */
            cf = v & 1;
            v >>= 1;
            break;
        default: /* SAR */
            cf = v & 1;
            v = (v >> 1) | (v & sign);
            break;
        }
    }
    uint32_t of;
    switch (op) {
    case 0:
    case 2:
    case 4:
    case 6:
        of = ((v & sign) ? 1 : 0) ^ cf;
        break;
    case 1:
    case 3:
        of = ((v ^ (v << 1)) & sign) ? 1 : 0;
        break;
    case 5:
        of = (prev & sign) ? 1 : 0;
        break;
    default:
        of = 0;
        break;
    }
    uint32_t nf = (cf ? X86_CF : 0) | (of ? X86_OF : 0);
    if (op >= 4) {
        nf |= x86_szp(v, sz);
        x86_set_arith(cpu, nf, X86_ARITH_FLAGS);
    } else {
        x86_set_arith(cpu, nf, X86_CF | X86_OF);
    }
    return v;
}

X86_HANDLER(x86_op_grp2)
{
    unsigned sz = opsize(i);
    unsigned count;
    switch (i->op) {
    case 0xD0:
    case 0xD1:
        count = 1;
        break;
    case 0xD2:
    case 0xD3:
        count = (uint8_t)cpu->regs[X86_ECX];
        break;
    default:
        count = (uint8_t)i->imm;
        break;
    }
    if (x86_has(cpu->model, X86_F_SHIFT_MASK)) {
        count &= 31;
    }
    if (i->op != 0xD0 && i->op != 0xD1) {
        x86_add_cycles(cpu, count * cpu->model->timing->shift_per_bit);
    }
    uint32_t v = x86_rm_read(cpu, i, sz);
    if (i->reg == 6 && x86_has(cpu->model, X86_F_SETMO)) {
        /* SETMO / SETMOC: all ones when the count is non-zero; flags as OR with all ones. */
        if (count == 0) {
            return;
        }
        x86_rm_write(cpu, i, sz, x86_size_mask(sz));
        x86_set_arith(cpu, x86_szp(x86_size_mask(sz), sz), X86_ARITH_FLAGS);
        return;
    }
    if (count == 0) {
        return;
    }
    x86_rm_write(cpu, i, sz, shift(cpu, i->reg, sz, v, count));
}

/* x86_set_arith(cpu, v, X86_ARITH_FLAGS) inline (flags.c; keep in sync). */
static inline void set_arith_all(X86Cpu *cpu, uint32_t v)
{
    if ((cpu->lf_valid & X86_ARITH_FLAGS) != X86_ARITH_FLAGS) {
        cpu->eflags = (((cpu->eflags & ~X86_ARITH_FLAGS) | (v & X86_ARITH_FLAGS)) | 0x2u) & ~0x8028u;
        cpu->lf_valid = X86_ARITH_FLAGS;
        cpu->lf_op = X86_LF_NONE;
    } else {
        cpu->eflags = (cpu->eflags & ~X86_ARITH_FLAGS) | (v & X86_ARITH_FLAGS);
    }
}

/* C0/C1/D0-D3 with a register operand (decode.c picks it for ROL ROR SHL SHR SAL SAR, not for
 * the 8086's SETMO): x86_op_grp2 and shift() for a count below the width (rotates: any count),
 * in closed form. Anything else goes to x86_op_grp2 before any side effect. */
static inline __attribute__((always_inline)) void fast_shift(X86Cpu *cpu, X86Insn *i, unsigned sz)
{
    unsigned count;
    if (i->op == 0xD0 || i->op == 0xD1) {
        count = 1;
    } else if (i->op == 0xD2 || i->op == 0xD3) {
        count = (uint8_t)cpu->regs[X86_ECX];
    } else {
        count = (uint8_t)i->imm;
    }
    if (x86_has(cpu->model, X86_F_SHIFT_MASK)) {
        count &= 31;
    }
    unsigned op = i->reg, w = sz * 8;
    if (op >= 4 && count >= w) {
        x86_op_grp2(cpu, i);
        return;
    }
    if (i->op != 0xD0 && i->op != 0xD1) {
        x86_add_cycles(cpu, count * cpu->model->timing->shift_per_bit);
    }
    if (count == 0) {
        return;
    }
    uint32_t mask = x86_size_mask(sz), sign = x86_sign_bit(sz);
    uint32_t v = x86_reg(cpu, i->rm, sz);
    uint32_t cf, of;
    if (op < 4) {
        unsigned n = count % w;
        if (n != 0) {
            v = op == 0 ? ((v << n) | (v >> (w - n))) & mask : ((v >> n) | (v << (w - n))) & mask;
        }
        if (op == 0) {
            cf = v & 1;
            of = ((v & sign) ? 1 : 0) ^ cf;
        } else {
            cf = (v & sign) ? 1 : 0;
            of = ((v ^ (v << 1)) & sign) ? 1 : 0;
        }
        x86_set_reg(cpu, i->rm, sz, v);
        x86_set_arith(cpu, (cf ? X86_CF : 0) | (of ? X86_OF : 0), X86_CF | X86_OF);
        return;
    }
    if (op == 5) {
        uint32_t prev = v >> (count - 1);
        cf = prev & 1;
        v = prev >> 1;
        of = (prev & sign) ? 1 : 0;
    } else if (op == 7) {
        uint32_t sx = (v & sign) ? v | ~mask : v;
        cf = (uint32_t)((int32_t)sx >> (count - 1)) & 1;
        v = (uint32_t)((int32_t)sx >> count) & mask;
        of = 0;
    } else {
        cf = (v >> (w - count)) & 1;
        v = (v << count) & mask;
        of = ((v & sign) ? 1 : 0) ^ cf;
    }
    x86_set_reg(cpu, i->rm, sz, v);
    set_arith_all(cpu, (cf ? X86_CF : 0) | (of ? X86_OF : 0) | x86_szp(v, sz));
}

X86_HANDLER(x86_fast_shift_r1) { fast_shift(cpu, i, 1); }
X86_HANDLER(x86_fast_shift_r2) { fast_shift(cpu, i, 2); }
X86_HANDLER(x86_fast_shift_r4) { fast_shift(cpu, i, 4); }

/* ---- group 3: TEST NOT NEG MUL IMUL DIV IDIV ---- */

void x86_divide_error(X86Cpu *cpu)
{
    if (x86_has(cpu->model, X86_F_DIV_FAULT)) {
        x86_raise(cpu, X86_EXC_DE, false, 0);
    }
    /* 8086/8088: the return address is the next instruction (a type-0 interrupt). */
    x86_int(cpu, X86_EXC_DE, X86_INT_EXCEPTION);
}

static void mul(X86Cpu *cpu, X86Insn *i, unsigned sz, uint32_t src, bool sign)
{
    uint32_t mask = x86_size_mask(sz);
    uint64_t a = x86_reg(cpu, X86_EAX, sz), b = src & mask;
    uint64_t r;
    bool over;
    unsigned bits = sz * 8;
    if (sign) {
        int64_t sa = (int64_t)(a << (64 - bits)) >> (64 - bits);
        int64_t sb = (int64_t)(b << (64 - bits)) >> (64 - bits);
        int64_t sr = sa * sb;
        if (i->rep && x86_has(cpu->model, X86_F_REP_NEG)) {
            sr = -sr;
        }
        r = (uint64_t)sr;
        int64_t lo = (int64_t)(r << (64 - bits)) >> (64 - bits);
        over = lo != sr;
    } else {
        r = a * b;
        over = (r >> bits) != 0;
    }
    uint32_t lo32 = (uint32_t)r & mask, hi32 = (uint32_t)(r >> bits) & mask;
    if (sz == 1) {
        x86_set_r16(cpu, X86_EAX, (uint16_t)r);
    } else {
        x86_set_reg(cpu, X86_EAX, sz, lo32);
        x86_set_reg(cpu, X86_EDX, sz, hi32);
    }
    /* SF/ZF/PF are undefined: the 286/386 derive them from the low half. */
    uint32_t f = (over ? X86_CF | X86_OF : 0) | x86_szp(sz == 1 ? (uint32_t)r >> 8 : hi32, sz);
    x86_set_arith(cpu, f, X86_ARITH_FLAGS);
}

static void divide(X86Cpu *cpu, X86Insn *i, unsigned sz, uint32_t src, bool sign)
{
    unsigned bits = sz * 8;
    uint32_t mask = x86_size_mask(sz);
    uint64_t num;
    if (sz == 1) {
        num = (uint16_t)cpu->regs[X86_EAX];
    } else {
        num = (uint64_t)x86_reg(cpu, X86_EDX, sz) << bits | x86_reg(cpu, X86_EAX, sz);
    }
    uint64_t d = src & mask;
    if (d == 0) {
        x86_divide_error(cpu);
        return;
    }
    uint64_t q, rem;
    if (!sign) {
        q = num / d;
        rem = num % d;
        if (q > mask) {
            x86_divide_error(cpu);
            return;
        }
    } else {
        int64_t sn = (int64_t)(num << (64 - 2 * bits)) >> (64 - 2 * bits);
        int64_t sd = (int64_t)(d << (64 - bits)) >> (64 - bits);
        int64_t sq = sn / sd, sr = sn % sd;
        int64_t max = (int64_t)1 << (bits - 1);
        bool ok = x86_has(cpu->model, X86_F_IDIV_MIN) ? (sq >= -max && sq < max)
                                                      : (sq > -max && sq < max);
        if (!ok) {
            x86_divide_error(cpu);
            return;
        }
        if (i->rep && x86_has(cpu->model, X86_F_REP_NEG)) {
            sq = -sq;
        }
        q = (uint64_t)sq;
        rem = (uint64_t)sr;
    }
    if (sz == 1) {
        x86_set_r16(cpu, X86_EAX, (uint16_t)((q & 0xFF) | (rem & 0xFF) << 8));
    } else {
        x86_set_reg(cpu, X86_EAX, sz, (uint32_t)q);
        x86_set_reg(cpu, X86_EDX, sz, (uint32_t)rem);
    }
}

X86_HANDLER(x86_op_grp3)
{
    unsigned sz = opsize(i);
    uint32_t v = x86_rm_read(cpu, i, sz), r;
    switch (i->reg) {
    case 0:
    case 1:
        x86_alu(cpu, 4, sz, v, i->imm);
        break;
    case 2:
        x86_rm_write(cpu, i, sz, ~v & x86_size_mask(sz));
        break;
    case 3:
        r = (0 - v) & x86_size_mask(sz);
        x86_rm_write(cpu, i, sz, r);
        x86_lazy(cpu, X86_LF_SUB, sz, r, 0, v);
        break;
    case 4:
    case 5:
        mul(cpu, i, sz, v, i->reg == 5);
        break;
    default:
        divide(cpu, i, sz, v, i->reg == 7);
        break;
    }
}

/* IMUL r, r/m, imm (69/6B) and IMUL r, r/m (0F AF): the product truncated to the operand size. */
static void imul2(X86Cpu *cpu, unsigned reg, unsigned sz, uint32_t a, uint32_t b)
{
    unsigned bits = sz * 8;
    int64_t sa = (int64_t)((uint64_t)a << (64 - bits)) >> (64 - bits);
    int64_t sb = (int64_t)((uint64_t)b << (64 - bits)) >> (64 - bits);
    int64_t sr = sa * sb;
    int64_t lo = (int64_t)((uint64_t)sr << (64 - bits)) >> (64 - bits);
    x86_set_reg(cpu, reg, sz, (uint32_t)sr);
    uint32_t f = (lo != sr ? X86_CF | X86_OF : 0) | x86_szp((uint32_t)sr, sz);
    x86_set_arith(cpu, f, X86_ARITH_FLAGS);
}

X86_HANDLER(x86_op_imul_imm)
{
    imul2(cpu, i->reg, i->osz, x86_rm_read(cpu, i, i->osz), i->imm);
}

X86_HANDLER(x86_op_imul_rm)
{
    imul2(cpu, i->reg, i->osz, x86_reg(cpu, i->reg, i->osz), x86_rm_read(cpu, i, i->osz));
}

/* ---- 386: SHLD/SHRD, BT/BTS/BTR/BTC, BSF/BSR ---- */

X86_HANDLER(x86_op_shd)
{
    unsigned sz = i->osz, bits = sz * 8;
    unsigned count = ((i->op & 1) ? (uint8_t)cpu->regs[X86_ECX] : (uint8_t)i->imm) & 31;
    if (count == 0) {
        return;
    }
    uint32_t dst = x86_rm_read(cpu, i, sz), src = x86_reg(cpu, i->reg, sz);
    uint64_t r;
    uint32_t cf, res;
    if (i->op < 0x1A8) { /* SHLD */
        /* 16-bit counts above 16 are undefined; the 386 shifts dst:src:dst. */
        uint64_t wide = bits == 16 ? (uint64_t)dst << 32 | (uint64_t)src << 16 | dst
                                   : (uint64_t)dst << 32 | src;
        unsigned top = bits == 16 ? 48 : 64;
        r = wide << count;
        res = (uint32_t)(r >> (top - bits)) & x86_size_mask(sz);
        cf = (uint32_t)((wide >> (top - count)) & 1);
    } else { /* SHRD */
        uint64_t wide = (uint64_t)src << bits | dst;
        if (bits == 16) {
            wide |= (uint64_t)dst << 32;
        }
        r = wide >> count;
        res = (uint32_t)r & x86_size_mask(sz);
        cf = (uint32_t)((wide >> (count - 1)) & 1);
    }
    uint32_t sign = x86_sign_bit(sz);
    uint32_t of = ((res ^ dst) & sign) ? X86_OF : 0;
    x86_rm_write(cpu, i, sz, res);
    x86_set_arith(cpu, (cf ? X86_CF : 0) | of | x86_szp(res, sz), X86_ARITH_FLAGS);
}

X86_HANDLER(x86_op_bt)
{
    unsigned sz = i->osz, bits = sz * 8;
    unsigned kind; /* 0 BT, 1 BTS, 2 BTR, 3 BTC */
    uint32_t bit;
    if (i->op == 0x1BA) {
        if (i->reg < 4) {
            x86_ud(cpu);
        }
        kind = i->reg - 4;
        bit = i->imm & (bits - 1);
    } else {
        kind = (i->op >> 3) & 3; /* A3 -> 0, AB -> 1, B3 -> 2, BB -> 3 */
        bit = x86_reg(cpu, i->reg, sz);
    }
    uint32_t v;
    uint32_t off = i->ea;
    if (i->mod == 3) {
        bit &= bits - 1;
        v = x86_reg(cpu, i->rm, sz);
    } else {
        if (i->op != 0x1BA) {
            /* The register bit offset is signed and may address outside the operand. */
            int32_t sbit = sz == 2 ? (int16_t)bit : (int32_t)bit;
            off += (uint32_t)((sbit >> (sz == 2 ? 4 : 5)) * (int32_t)sz);
            if (!i->addr32) {
                off &= 0xFFFFu;
            }
            bit = (uint32_t)sbit & (bits - 1);
        }
        v = x86_read(cpu, i->seg, off, sz);
    }
    uint32_t m = 1u << bit;
    uint32_t cf = (v & m) ? X86_CF : 0;
    if (kind) {
        uint32_t nv = kind == 1 ? v | m : kind == 2 ? v & ~m : v ^ m;
        if (i->mod == 3) {
            x86_set_reg(cpu, i->rm, sz, nv);
        } else {
            x86_write(cpu, i->seg, off, sz, nv);
        }
    }
    x86_set_arith(cpu, cf, X86_CF);
}

X86_HANDLER(x86_op_bsf_bsr)
{
    unsigned sz = i->osz;
    uint32_t v = x86_rm_read(cpu, i, sz) & x86_size_mask(sz);
    if (v == 0) {
        x86_set_arith(cpu, X86_ZF, X86_ZF);
        return;
    }
    unsigned n = i->op == 0x1BC ? (unsigned)__builtin_ctz(v) : 31u - (unsigned)__builtin_clz(v);
    x86_set_reg(cpu, i->reg, sz, n);
    x86_set_arith(cpu, 0, X86_ZF);
}
