/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 instruction set of the 80387 / 486DX FPU: the ESC opcodes D8-DF and WAIT. Register
 * stack, tag word, status and control words, exception flags with the masked responses (QNaN
 * indefinite, integer and BCD indefinite, stack fault with C1), unmasked exceptions reported at
 * the next waiting instruction (#MF with CR0.NE, else FERR#/IGNNE#; see fpu.h), the instruction
 * and data pointers, and FLDENV/FSTENV/FRSTOR/FSAVE in the 16/32-bit real and protected layouts.
 *
 * Sources: Intel 80387 Programmer's Reference Manual (1987) ch. 3-4 and the instruction pages;
 * Intel486 Microprocessor Family Programmer's Reference Manual (1992) ch. 15-16 and 26; Intel SDM
 * vol. 1 ch. 8 (figures 8-9..8-12: environment layouts) and vol. 2 instruction pages (masked
 * responses, condition codes). Opcode map: 80387 PRM appendix A / SDM vol. 2 table A-7..A-22.
 *
 * Modelled: every 387/486 instruction, including the undocumented aliases the 387 executes
 * (FSTP1 D9 D8+i, FXCH4 DD C8+i, FXCH7 DF C8+i, FCOM2 DC D0+i, FCOMP3 DC D8+i, FCOMP5 DE D0+i,
 * FSTP8 DF D0+i, FSTP9 DF D8+i, FFREEP DF C0+i); FNENI/FNDISI/FNSETPM are no-ops as on the 387.
 * P6 FCMOVcc/FCOMI/FUCOMI(P) run on models of family 6 and later; the MMX register aliasing is
 * here for the decoder's 0F opcodes (FXSAVE/FXRSTOR: fxsave.c). Not modelled: the 8087/287
 * differences (projective infinity, FPREM1/FSIN/FCOS absent,
 * unnormal arithmetic), the 387's separate-chip timing overlap (instructions complete at once:
 * an exception is visible to the very next FPU instruction, as on a 486), and per-instruction
 * cycle counts beyond the decoder's charge for the ESC opcode. Reserved encodings raise #UD.
 */
#include "cpu/x86/fpu.h"

#include "cpu/x86/exec.h"

#define TAG_EMPTY 3u
#define SW_CC (X86_FSW_C0 | X86_FSW_C1 | X86_FSW_C2 | X86_FSW_C3)

/* ---- register stack ---- */

static inline unsigned fpu_top(const X86Fpu *f) { return (f->sw >> 11) & 7; }
static inline unsigned fpu_phys(const X86Fpu *f, unsigned i) { return (fpu_top(f) + i) & 7; }
static inline void fpu_set_top(X86Fpu *f, unsigned t)
{
    f->sw = (uint16_t)((f->sw & ~X86_FSW_TOP) | (t & 7) << 11);
}
static inline bool st_empty(const X86Fpu *f, unsigned i)
{
    return ((f->tag >> (2 * fpu_phys(f, i))) & 3) == TAG_EMPTY;
}
static inline X86F80 st_get(const X86Fpu *f, unsigned i)
{
    unsigned p = fpu_phys(f, i);
    X86F80 v = { f->sig[p], f->se[p] };
    return v;
}
static inline void st_set(X86Fpu *f, unsigned i, X86F80 v)
{
    unsigned p = fpu_phys(f, i);
    f->sig[p] = v.sig;
    f->se[p] = v.se;
    f->tag &= (uint16_t)~(3u << (2 * p));
}
static inline void st_free(X86Fpu *f, unsigned i)
{
    f->tag |= (uint16_t)(TAG_EMPTY << (2 * fpu_phys(f, i)));
}
static inline void st_pop(X86Fpu *f)
{
    st_free(f, 0);
    fpu_set_top(f, fpu_top(f) + 1);
}
static inline void st_push(X86Fpu *f, X86F80 v)
{
    fpu_set_top(f, fpu_top(f) - 1);
    st_set(f, 0, v);
}

/* Reads ST(i) as an operand. An empty register is a stack underflow: IE with SF, C1 = 0, and the
 * operand becomes the indefinite (the masked response's result). */
static bool st_read(X86F80Env *e, const X86Fpu *f, unsigned i, X86F80 *out)
{
    if (st_empty(f, i)) {
        e->exc |= X86_FE_IE | X86_FE_SF;
        e->c1 = false;
        *out = x86_f80_indefinite();
        return false;
    }
    *out = st_get(f, i);
    return true;
}

/* A push needs ST(7) empty; otherwise stack overflow: IE with SF, C1 = 1. */
static bool push_ok(X86F80Env *e, const X86Fpu *f)
{
    if (!st_empty(f, 7)) {
        e->exc |= X86_FE_IE | X86_FE_SF;
        e->c1 = true;
        return false;
    }
    return true;
}

/* An unmasked invalid, denormal or zero-divide exception suppresses the result and any pop. */
static inline bool aborted(const X86F80Env *e)
{
    return (e->exc & ~e->mask & (X86_FE_IE | X86_FE_DE | X86_FE_ZE)) != 0;
}

/* ---- status, exceptions and FERR# ---- */

void x86_fpu_update_es(X86Cpu *cpu)
{
    X86Fpu *f = &cpu->fpu;
    bool es = (f->sw & ~f->cw & 0x3F) != 0;
    if (es) {
        f->sw |= X86_FSW_ES | X86_FSW_B;
    } else {
        f->sw &= (uint16_t)~(X86_FSW_ES | X86_FSW_B);
    }
    if (es != f->ferr) {
        f->ferr = es;
        if (!es) {
            f->ignne = false;
        }
        if (cpu->ferr) {
            cpu->ferr(cpu->ferr_opaque, es);
        }
    }
}

/* Merges an operation's exceptions and C1 into the status word. */
static void fpu_finish(X86Cpu *cpu, const X86F80Env *e)
{
    X86Fpu *f = &cpu->fpu;
    f->sw = (uint16_t)((f->sw & ~X86_FSW_C1) | (e->c1 ? X86_FSW_C1 : 0) | (e->exc & 0x7F));
    if (e->exc & ~e->mask & 0x3F) {
        x86_fpu_update_es(cpu);
    }
}

static void fpu_set_cc(X86Fpu *f, unsigned c3, unsigned c2, unsigned c1, unsigned c0)
{
    f->sw = (uint16_t)((f->sw & ~SW_CC) | (c3 ? X86_FSW_C3 : 0) | (c2 ? X86_FSW_C2 : 0) |
                       (c1 ? X86_FSW_C1 : 0) | (c0 ? X86_FSW_C0 : 0));
}

/* A pending unmasked exception at a waiting instruction. Returns false when the CPU freezes
 * (EIP is put back on the instruction, which runs again after the interrupt). */
static bool fpu_check_pending(X86Cpu *cpu)
{
    X86Fpu *f = &cpu->fpu;
    if (!(f->sw & X86_FSW_ES)) {
        return true;
    }
    if (cpu->cr0 & X86_CR0_NE) {
        x86_raise(cpu, X86_EXC_MF, false, 0);
    }
    if (f->ignne || !cpu->ferr) {
        return true;
    }
    cpu->eip = cpu->insn_eip;
    return false;
}

static void fpu_env(const X86Cpu *cpu, X86F80Env *e, bool pc)
{
    x86_f80_env(e, cpu->fpu.cw);
    if (!pc) {
        e->prec = 64;
    }
}

/* FNINIT: as reset, but the data registers keep their contents (they are all tagged empty). */
static void fpu_init(X86Cpu *cpu)
{
    X86Fpu *f = &cpu->fpu;
    f->cw = 0x037F;
    f->sw = 0;
    f->tag = 0xFFFF;
    f->fop = 0;
    f->fcs = f->fds = 0;
    f->fip = f->fdp = 0;
    x86_fpu_update_es(cpu);
}

void x86_fpu_reset(X86Cpu *cpu)
{
    X86Fpu *f = &cpu->fpu;
    for (int k = 0; k < 8; k++) {
        f->sig[k] = 0;
        f->se[k] = 0;
    }
    f->ignne = false;
    fpu_init(cpu);
}

void x86_fpu_set_ignne(X86Cpu *cpu, bool level)
{
    cpu->fpu.ignne = level;
}

static void fpu_load_cw(X86Cpu *cpu, uint16_t v)
{
    cpu->fpu.cw = x86_fpu_cw_loaded(v);
    x86_fpu_update_es(cpu);
}

/* ---- memory operands ---- */

static inline uint32_t ea_at(const X86Insn *i, uint32_t k)
{
    uint32_t o = i->ea + k;
    return i->addr32 ? o : (o & 0xFFFFu);
}

static uint64_t rd64(X86Cpu *cpu, const X86Insn *i, uint32_t k)
{
    uint64_t lo = x86_read32(cpu, i->seg, ea_at(i, k));
    return lo | (uint64_t)x86_read32(cpu, i->seg, ea_at(i, k + 4)) << 32;
}

static X86F80 rd80(X86Cpu *cpu, const X86Insn *i, uint32_t k)
{
    X86F80 v;
    v.sig = rd64(cpu, i, k);
    v.se = x86_read16(cpu, i->seg, ea_at(i, k + 8));
    return v;
}

static void wr16(X86Cpu *cpu, const X86Insn *i, uint32_t k, uint16_t v)
{
    x86_write16(cpu, i->seg, ea_at(i, k), v);
}
static void wr32(X86Cpu *cpu, const X86Insn *i, uint32_t k, uint32_t v)
{
    x86_write32(cpu, i->seg, ea_at(i, k), v);
}
static void wr64(X86Cpu *cpu, const X86Insn *i, uint32_t k, uint64_t v)
{
    wr32(cpu, i, k, (uint32_t)v);
    wr32(cpu, i, k + 4, (uint32_t)(v >> 32));
}
static void wr80(X86Cpu *cpu, const X86Insn *i, uint32_t k, X86F80 v)
{
    wr64(cpu, i, k, v.sig);
    wr16(cpu, i, k + 8, v.se);
}

/* A store of n bytes must fault before anything is written (faults restart the instruction). */
static void check_store(X86Cpu *cpu, const X86Insn *i, unsigned n)
{
    x86_check_write(cpu, i->seg, i->ea, n);
}

/* ---- arithmetic ---- */

/* op: 0 add, 1 mul, 4 d - s, 5 s - d, 6 d / s, 7 s / d; the result goes to ST(di). */
static void fpu_arith(X86Cpu *cpu, X86F80Env *e, unsigned op, unsigned di, X86F80 s, bool s_ok,
                      bool pop)
{
    X86Fpu *f = &cpu->fpu;
    X86F80 d, r;
    bool ok = st_read(e, f, di, &d) && s_ok;
    if (!ok) {
        r = x86_f80_indefinite();
    } else {
        switch (op) {
        case 0: r = x86_f80_add(e, d, s); break;
        case 1: r = x86_f80_mul(e, d, s); break;
        case 4: r = x86_f80_sub(e, d, s); break;
        case 5: r = x86_f80_sub(e, s, d); break;
        case 6: r = x86_f80_div(e, d, s); break;
        default: r = x86_f80_div(e, s, d); break;
        }
    }
    if (!aborted(e)) {
        st_set(f, di, r);
        if (pop) {
            st_pop(f);
        }
    }
    fpu_finish(cpu, e);
}

static void fpu_cc_compare(X86Fpu *f, int c)
{
    switch (c) {
    case X86_CMP_GT: fpu_set_cc(f, 0, 0, 0, 0); break;
    case X86_CMP_LT: fpu_set_cc(f, 0, 0, 0, 1); break;
    case X86_CMP_EQ: fpu_set_cc(f, 1, 0, 0, 0); break;
    default: fpu_set_cc(f, 1, 1, 0, 1); break;
    }
}

/* FCOM/FUCOM family: ST0 against b; pops 0-2. */
static void fpu_compare(X86Cpu *cpu, X86F80Env *e, X86F80 b, bool b_ok, bool quiet, int pops)
{
    X86Fpu *f = &cpu->fpu;
    X86F80 a;
    bool ok = st_read(e, f, 0, &a) && b_ok;
    int c = ok ? x86_f80_compare(e, a, b, quiet) : X86_CMP_UN;
    e->c1 = false;
    /* The condition codes are set even when an unmasked exception suppresses the pops
     * (host-checked). */
    fpu_cc_compare(f, c);
    if (!aborted(e)) {
        for (int k = 0; k < pops; k++) {
            st_pop(f);
        }
    }
    fpu_finish(cpu, e);
}

/* FCOMI/FUCOMI (P6): ZF, PF, CF like an unsigned compare; unordered sets all three. */
static void fpu_comi(X86Cpu *cpu, X86F80Env *e, unsigned si, bool quiet, bool pop)
{
    X86Fpu *f = &cpu->fpu;
    X86F80 a, b;
    bool ok = st_read(e, f, 0, &a);
    ok = st_read(e, f, si, &b) && ok;
    int c = ok ? x86_f80_compare(e, a, b, quiet) : X86_CMP_UN;
    e->c1 = false;
    if (!aborted(e)) {
        uint32_t fl = c == X86_CMP_LT ? X86_CF : c == X86_CMP_EQ ? X86_ZF
                    : c == X86_CMP_UN ? (X86_ZF | X86_PF | X86_CF) : 0;
        x86_set_arith(cpu, fl, X86_ARITH_FLAGS);
        if (pop) {
            st_pop(f);
        }
    }
    fpu_finish(cpu, e);
}

/* Pushes v (a load); a full stack pushes the indefinite under a masked fault. An unmasked
 * denormal exception of a memory operand does not stop the load (host-checked). */
static void fpu_load(X86Cpu *cpu, X86F80Env *e, X86F80 v)
{
    X86Fpu *f = &cpu->fpu;
    if (!push_ok(e, f)) {
        v = x86_f80_indefinite();
    }
    if (!(e->exc & ~e->mask & X86_FE_IE)) {
        st_push(f, v);
    }
    fpu_finish(cpu, e);
}

/* FLD m32/m64: the converted value is pushed, an SNaN quieted (IE). */
static void fpu_load_real(X86Cpu *cpu, X86F80Env *e, X86F80 v)
{
    fpu_load(cpu, e, x86_f80_class(v) == X86_F80_SNAN ? x86_f80_nan1(e, v) : v);
}

/* Pops after a store when asked and when the store went through. */
static void fpu_store_done(X86Cpu *cpu, X86F80Env *e, bool pop)
{
    if (pop && !aborted(e)) {
        st_pop(&cpu->fpu);
    }
    fpu_finish(cpu, e);
}

/* Stores to memory are suppressed by unmasked IE (also overflow/underflow for real formats). */
static inline bool store_blocked(const X86F80Env *e, uint8_t kinds)
{
    return (e->exc & ~e->mask & kinds) != 0;
}

static void fpu_fist(X86Cpu *cpu, X86Insn *i, X86F80Env *e, unsigned bits, bool pop)
{
    X86F80 a;
    check_store(cpu, i, bits / 8);
    st_read(e, &cpu->fpu, 0, &a);
    int64_t v = x86_f80_to_int(e, a, bits);
    if (!store_blocked(e, X86_FE_IE)) {
        if (bits == 16) {
            wr16(cpu, i, 0, (uint16_t)v);
        } else if (bits == 32) {
            wr32(cpu, i, 0, (uint32_t)v);
        } else {
            wr64(cpu, i, 0, (uint64_t)v);
        }
    }
    fpu_store_done(cpu, e, pop);
}

static void fpu_fst_mem(X86Cpu *cpu, X86Insn *i, X86F80Env *e, unsigned bytes, bool pop)
{
    X86F80 a;
    check_store(cpu, i, bytes);
    st_read(e, &cpu->fpu, 0, &a);
    bool blocked;
    if (bytes == 4) {
        uint32_t v = x86_f80_to_f32(e, a);
        blocked = store_blocked(e, X86_FE_IE | X86_FE_OE | X86_FE_UE);
        if (!blocked) {
            wr32(cpu, i, 0, v);
        }
    } else if (bytes == 8) {
        uint64_t v = x86_f80_to_f64(e, a);
        blocked = store_blocked(e, X86_FE_IE | X86_FE_OE | X86_FE_UE);
        if (!blocked) {
            wr64(cpu, i, 0, v);
        }
    } else {
        blocked = store_blocked(e, X86_FE_IE);
        if (!blocked) {
            wr80(cpu, i, 0, a);
        }
    }
    /* A suppressed store does not pop either (host-checked). */
    fpu_store_done(cpu, e, pop && !blocked);
}

/* ---- environment ---- */

/* The full tag word: 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unsupported). */
static uint16_t fpu_full_tag(const X86Fpu *f)
{
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned v;
        if (((f->tag >> (2 * p)) & 3) == TAG_EMPTY) {
            v = 3;
        } else {
            X86F80 x = { f->sig[p], f->se[p] };
            X86F80Class c = x86_f80_class(x);
            v = c == X86_F80_ZERO ? 1 : c == X86_F80_NORMAL ? 0 : 2;
        }
        t |= (uint16_t)(v << (2 * p));
    }
    return t;
}

static bool fpu_pm_layout(const X86Cpu *cpu)
{
    return x86_protected(cpu) && !x86_v86(cpu);
}

/* FNSTENV/FNSAVE layouts: SDM vol. 1 figures 8-9..8-12 (32/16-bit, protected/real). Reserved
 * halves are stored as ones, as Intel processors do. Returns the layout's size. */
static unsigned fpu_store_env(X86Cpu *cpu, X86Insn *i, bool op32)
{
    X86Fpu *f = &cpu->fpu;
    uint16_t tw = fpu_full_tag(f);
    bool pm = fpu_pm_layout(cpu);
    uint32_t ip = f->fip, dp = f->fdp;
    if (!pm) {
        ip += (uint32_t)f->fcs << 4;
        dp += (uint32_t)f->fds << 4;
    }
    if (op32) {
        wr32(cpu, i, 0, 0xFFFF0000u | f->cw);
        wr32(cpu, i, 4, 0xFFFF0000u | f->sw);
        wr32(cpu, i, 8, 0xFFFF0000u | tw);
        if (pm) {
            wr32(cpu, i, 12, ip);
            wr32(cpu, i, 16, (uint32_t)(f->fop & 0x7FF) << 16 | f->fcs);
            wr32(cpu, i, 20, dp);
            wr32(cpu, i, 24, 0xFFFF0000u | f->fds);
        } else {
            wr32(cpu, i, 12, 0xFFFF0000u | (ip & 0xFFFF));
            wr32(cpu, i, 16, (ip >> 16) << 12 | (f->fop & 0x7FF));
            wr32(cpu, i, 20, 0xFFFF0000u | (dp & 0xFFFF));
            wr32(cpu, i, 24, (dp >> 16) << 12);
        }
        return 28;
    }
    wr16(cpu, i, 0, f->cw);
    wr16(cpu, i, 2, f->sw);
    wr16(cpu, i, 4, tw);
    if (pm) {
        wr16(cpu, i, 6, (uint16_t)ip);
        wr16(cpu, i, 8, f->fcs);
        wr16(cpu, i, 10, (uint16_t)dp);
        wr16(cpu, i, 12, f->fds);
    } else {
        wr16(cpu, i, 6, (uint16_t)ip);
        wr16(cpu, i, 8, (uint16_t)((ip >> 16 & 0xF) << 12 | (f->fop & 0x7FF)));
        wr16(cpu, i, 10, (uint16_t)dp);
        wr16(cpu, i, 12, (uint16_t)((dp >> 16 & 0xF) << 12));
    }
    return 14;
}

static unsigned fpu_load_env(X86Cpu *cpu, X86Insn *i, bool op32)
{
    X86Fpu *f = &cpu->fpu;
    bool pm = fpu_pm_layout(cpu);
    uint16_t cw, sw, tw;
    uint32_t ip, dp, w4, w6;
    unsigned n;
    if (op32) {
        cw = (uint16_t)x86_read32(cpu, i->seg, ea_at(i, 0));
        sw = (uint16_t)x86_read32(cpu, i->seg, ea_at(i, 4));
        tw = (uint16_t)x86_read32(cpu, i->seg, ea_at(i, 8));
        ip = x86_read32(cpu, i->seg, ea_at(i, 12));
        w4 = x86_read32(cpu, i->seg, ea_at(i, 16));
        dp = x86_read32(cpu, i->seg, ea_at(i, 20));
        w6 = x86_read32(cpu, i->seg, ea_at(i, 24));
        n = 28;
    } else {
        cw = x86_read16(cpu, i->seg, ea_at(i, 0));
        sw = x86_read16(cpu, i->seg, ea_at(i, 2));
        tw = x86_read16(cpu, i->seg, ea_at(i, 4));
        ip = x86_read16(cpu, i->seg, ea_at(i, 6));
        w4 = x86_read16(cpu, i->seg, ea_at(i, 8));
        dp = x86_read16(cpu, i->seg, ea_at(i, 10));
        w6 = x86_read16(cpu, i->seg, ea_at(i, 12));
        n = 14;
    }
    if (pm) {
        f->fip = ip;
        f->fcs = (uint16_t)w4;
        f->fop = op32 ? (uint16_t)(w4 >> 16 & 0x7FF) : f->fop;
        f->fdp = dp;
        f->fds = (uint16_t)w6;
    } else {
        unsigned hb = op32 ? 16 : 4; /* width of the high part of the linear addresses */
        uint32_t hmask = hb == 16 ? 0xFFFFu : 0xFu;
        f->fip = (ip & 0xFFFF) | ((w4 >> 12) & hmask) << 16;
        f->fop = (uint16_t)(w4 & 0x7FF);
        f->fdp = (dp & 0xFFFF) | ((w6 >> 12) & hmask) << 16;
        f->fcs = f->fds = 0;
    }
    f->cw = x86_fpu_cw_loaded(cw);
    f->sw = sw;
    /* Only "empty" is taken from the loaded tag word; the rest follows the contents. */
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; p++) {
        if (((tw >> (2 * p)) & 3) == TAG_EMPTY) {
            t |= (uint16_t)(TAG_EMPTY << (2 * p));
        }
    }
    f->tag = t;
    x86_fpu_update_es(cpu);
    return n;
}

/* ---- the opcode groups ---- */

static _Noreturn void fpu_ud(X86Cpu *cpu)
{
    x86_raise(cpu, X86_EXC_UD, false, 0);
}

static bool fpu_p6(const X86Cpu *cpu)
{
    return (unsigned)cpu->model->family >= 6;
}

/* D8/DC/DA/DE with a memory operand: ST0 = ST0 op m. */
static void esc_arith_mem(X86Cpu *cpu, X86Insn *i, unsigned opc)
{
    X86F80Env e;
    fpu_env(cpu, &e, true);
    X86F80 s;
    switch (opc) {
    case 0: s = x86_f80_from_f32(&e, x86_read32(cpu, i->seg, i->ea)); break;
    case 4: s = x86_f80_from_f64(&e, rd64(cpu, i, 0)); break;
    case 2: s = x86_f80_from_int((int32_t)x86_read32(cpu, i->seg, i->ea)); break;
    default: s = x86_f80_from_int((int16_t)x86_read16(cpu, i->seg, i->ea)); break;
    }
    /* A NaN (or unsupported) ST0 takes precedence over the memory operand's denormal. */
    if (!st_empty(&cpu->fpu, 0)) {
        X86F80Class c0 = x86_f80_class(st_get(&cpu->fpu, 0));
        /* So does a division by a zero ST0 (FDIVR m: zero-divide before denormal). */
        if (c0 == X86_F80_QNAN || c0 == X86_F80_SNAN || c0 == X86_F80_UNSUPPORTED ||
            (c0 == X86_F80_ZERO && i->reg == 7)) {
            e.exc &= (uint8_t)~X86_FE_DE;
        }
    }
    if (i->reg == 2 || i->reg == 3) {
        fpu_compare(cpu, &e, s, true, false, i->reg == 3);
        return;
    }
    if (aborted(&e)) { /* an unmasked denormal memory operand */
        fpu_finish(cpu, &e);
        return;
    }
    fpu_arith(cpu, &e, i->reg, 0, s, true, false);
}

/* D8 (ST0 = ST0 op ST(i)), DC (ST(i) = ST(i) op ST0), DE (the same and pop). */
static void esc_arith_reg(X86Cpu *cpu, X86Insn *i, unsigned opc)
{
    X86F80Env e;
    fpu_env(cpu, &e, true);
    X86Fpu *f = &cpu->fpu;
    unsigned reg = i->reg;
    if (reg == 2 || reg == 3) {
        if (opc == 6 && reg == 3 && i->rm != 1) {
            fpu_ud(cpu); /* DE D8-DF: only D9 (FCOMPP) exists */
        }
        X86F80 b;
        bool ok = st_read(&e, f, i->rm, &b);
        int pops = opc == 6 ? (reg == 3 ? 2 : 1) : reg == 3 ? 1 : 0;
        fpu_compare(cpu, &e, b, ok, false, pops);
        return;
    }
    X86F80 s;
    if (opc == 0) {
        bool ok = st_read(&e, f, i->rm, &s);
        fpu_arith(cpu, &e, reg, 0, s, ok, false);
        return;
    }
    /* DC/DE: the destination is ST(i); the encoding swaps the direct and reversed forms. */
    bool ok = st_read(&e, f, 0, &s);
    fpu_arith(cpu, &e, reg >= 4 ? reg ^ 1 : reg, i->rm, s, ok, opc == 6);
}

static void fpu_fxch(X86Cpu *cpu, unsigned n)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    X86F80 a, b;
    bool ok = st_read(&e, f, 0, &a);
    ok = st_read(&e, f, n, &b) && ok;
    e.c1 = false;
    if (!aborted(&e)) {
        st_set(f, 0, b);
        st_set(f, n, a);
    }
    (void)ok;
    fpu_finish(cpu, &e);
}

/* FST/FSTP ST(i). */
static void fpu_fst_reg(X86Cpu *cpu, unsigned n, bool pop)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    X86F80 a;
    st_read(&e, f, 0, &a);
    if (!aborted(&e)) {
        st_set(f, n, a);
        if (pop) {
            st_pop(f);
        }
    }
    fpu_finish(cpu, &e);
}

static void fpu_fxam(X86Cpu *cpu)
{
    X86Fpu *f = &cpu->fpu;
    X86F80 a = st_get(f, 0);
    unsigned c1 = x86_f80_sign(a);
    if (st_empty(f, 0)) {
        fpu_set_cc(f, 1, 0, c1, 1);
        return;
    }
    switch (x86_f80_class(a)) {
    case X86_F80_UNSUPPORTED: fpu_set_cc(f, 0, 0, c1, 0); break;
    case X86_F80_QNAN:
    case X86_F80_SNAN: fpu_set_cc(f, 0, 0, c1, 1); break;
    case X86_F80_NORMAL: fpu_set_cc(f, 0, 1, c1, 0); break;
    case X86_F80_INF: fpu_set_cc(f, 0, 1, c1, 1); break;
    case X86_F80_ZERO: fpu_set_cc(f, 1, 0, c1, 0); break;
    default: fpu_set_cc(f, 1, 1, c1, 0); break;
    }
}

/* One-operand instructions on ST0 (FCHS, FABS, FSQRT, FRNDINT, F2XM1). */
static void fpu_unary(X86Cpu *cpu, unsigned sub)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, sub == 0xFA);
    X86F80 a, r;
    bool ok = st_read(&e, f, 0, &a);
    if (!ok) {
        r = a;
    } else {
        switch (sub) {
        case 0xE0: r = x86_f80_neg(a); break;
        case 0xE1: r = x86_f80_abs(a); break;
        case 0xFA: r = x86_f80_sqrt(&e, a); break;
        case 0xFC: r = x86_f80_round_int(&e, a); break;
        default: r = x86_f80_2xm1(&e, a); break;
        }
    }
    if (!aborted(&e)) {
        st_set(f, 0, r);
    }
    fpu_finish(cpu, &e);
}

/* Two-operand instructions with the result in ST1 and a pop (FYL2X, FYL2XP1, FPATAN), or in ST0
 * (FSCALE). */
static void fpu_binary(X86Cpu *cpu, unsigned sub)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    X86F80 a, b, r;
    bool ok = st_read(&e, f, 0, &a);
    ok = st_read(&e, f, 1, &b) && ok;
    if (!ok) {
        r = x86_f80_indefinite();
    } else {
        switch (sub) {
        case 0xF1: r = x86_f80_yl2x(&e, a, b); break;
        case 0xF3: r = x86_f80_atan2(&e, b, a); break;
        case 0xF9: r = x86_f80_yl2xp1(&e, a, b); break;
        default: r = x86_f80_scale(&e, a, b); break;
        }
    }
    if (!aborted(&e)) {
        if (sub == 0xFD) {
            st_set(f, 0, r);
        } else {
            st_set(f, 1, r);
            st_pop(f);
        }
    }
    fpu_finish(cpu, &e);
}

static void fpu_prem(X86Cpu *cpu, bool ieee)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    X86F80 a, b, r;
    unsigned q = 0;
    bool partial = false;
    bool ok = st_read(&e, f, 0, &a);
    ok = st_read(&e, f, 1, &b) && ok;
    r = ok ? x86_f80_rem(&e, a, b, ieee, &q, &partial) : x86_f80_indefinite();
    if (!aborted(&e)) {
        st_set(f, 0, r);
        if (ok && !(e.exc & X86_FE_IE)) {
            /* C0 = Q2, C3 = Q1, C1 = Q0 when complete; C2 = incomplete. */
            if (partial) {
                f->sw = (uint16_t)((f->sw & ~(X86_FSW_C2 | X86_FSW_C0 | X86_FSW_C3)) | X86_FSW_C2);
                e.c1 = false;
            } else {
                fpu_set_cc(f, q >> 1 & 1, 0, q & 1, q >> 2 & 1);
                e.c1 = (q & 1) != 0;
            }
        } else {
            f->sw &= (uint16_t)~X86_FSW_C2;
        }
    }
    fpu_finish(cpu, &e);
}

/* FSIN, FCOS, FPTAN, FSINCOS: out of range (|x| >= 2^63) sets C2 and changes nothing. */
static void fpu_trig(X86Cpu *cpu, unsigned sub)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    X86F80 a, r1 = x86_f80_indefinite(), r2 = x86_f80_indefinite();
    bool pushes = sub == 0xF2 || sub == 0xFB;
    bool ok = st_read(&e, f, 0, &a);
    if (ok && pushes && !push_ok(&e, f)) {
        ok = false;
    }
    bool in_range = true;
    if (ok) {
        switch (sub) {
        case 0xFE: in_range = x86_f80_sincos(&e, a, &r1, NULL); break;
        case 0xFF: in_range = x86_f80_sincos(&e, a, NULL, &r1); break;
        case 0xFB: in_range = x86_f80_sincos(&e, a, &r1, &r2); break;
        default:
            in_range = x86_f80_tan(&e, a, &r1);
            /* 1.0 is pushed after a tangent; a NaN result (invalid or NaN operand) is pushed
             * twice (host-checked). */
            r2 = x86_f80_class(r1) == X86_F80_QNAN ? r1
                                                   : x86_f80_make(false, X86_F80_BIAS, 1ull << 63);
            break;
        }
    }
    if (!in_range) {
        f->sw |= X86_FSW_C2;
        e.c1 = false;
        fpu_finish(cpu, &e);
        return;
    }
    f->sw &= (uint16_t)~X86_FSW_C2;
    if (!aborted(&e)) {
        st_set(f, 0, r1);
        if (pushes) {
            st_push(f, r2);
        }
    }
    fpu_finish(cpu, &e);
}

static void esc_d9_reg(X86Cpu *cpu, X86Insn *i)
{
    X86Fpu *f = &cpu->fpu;
    unsigned sub = i->modrm;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    switch (i->reg) {
    case 0: { /* FLD ST(i) */
        X86F80 v;
        st_read(&e, f, i->rm, &v);
        fpu_load(cpu, &e, v);
        return;
    }
    case 1:
        fpu_fxch(cpu, i->rm);
        return;
    case 2:
        if (sub != 0xD0) {
            fpu_ud(cpu);
        }
        return; /* FNOP */
    case 3:
        fpu_fst_reg(cpu, i->rm, true); /* FSTP1 (undocumented alias) */
        return;
    default:
        break;
    }
    switch (sub) {
    case 0xE0:
    case 0xE1:
    case 0xFA:
    case 0xFC:
    case 0xF0:
        fpu_unary(cpu, sub);
        return;
    case 0xE4: { /* FTST */
        fpu_compare(cpu, &e, x86_f80_zero(false), true, false, 0);
        return;
    }
    case 0xE5:
        fpu_fxam(cpu);
        return;
    case 0xE8: case 0xE9: case 0xEA: case 0xEB: case 0xEC: case 0xED: case 0xEE: {
        static const int8_t ck[7] = { -1, 0, 1, 2, 3, 4, -2 };
        int k = ck[sub - 0xE8];
        X86F80 v = k == -1 ? x86_f80_make(false, X86_F80_BIAS, 1ull << 63)
                 : k == -2 ? x86_f80_zero(false) : x86_f80_const(&e, (unsigned)k);
        e.exc = 0; /* the constants are loaded without PE (host-checked) */
        e.c1 = false;
        fpu_load(cpu, &e, v);
        return;
    }
    case 0xF1: case 0xF3: case 0xF9: case 0xFD:
        fpu_binary(cpu, sub);
        return;
    case 0xF2: case 0xFB: case 0xFE: case 0xFF:
        fpu_trig(cpu, sub);
        return;
    case 0xF4: { /* FXTRACT */
        X86F80 a, ex = x86_f80_indefinite(), sg = x86_f80_indefinite();
        bool ok = st_read(&e, f, 0, &a);
        if (ok && push_ok(&e, f)) {
            x86_f80_xtract(&e, a, &ex, &sg);
        }
        if (!aborted(&e)) {
            st_set(f, 0, ex);
            st_push(f, sg);
        }
        fpu_finish(cpu, &e);
        return;
    }
    case 0xF5:
    case 0xF8:
        fpu_prem(cpu, sub == 0xF5);
        return;
    case 0xF6:
    case 0xF7:
        fpu_set_top(f, fpu_top(f) + (sub == 0xF7 ? 1 : 7));
        f->sw &= (uint16_t)~X86_FSW_C1;
        return;
    default:
        fpu_ud(cpu);
    }
}

static void esc_d9_mem(X86Cpu *cpu, X86Insn *i)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    switch (i->reg) {
    case 0:
        fpu_load_real(cpu, &e, x86_f80_from_f32(&e, x86_read32(cpu, i->seg, i->ea)));
        return;
    case 2:
    case 3:
        fpu_fst_mem(cpu, i, &e, 4, i->reg == 3);
        return;
    case 4:
        fpu_load_env(cpu, i, i->osz == 4);
        return;
    case 5:
        fpu_load_cw(cpu, x86_read16(cpu, i->seg, i->ea));
        return;
    case 6:
        check_store(cpu, i, i->osz == 4 ? 28 : 14);
        fpu_store_env(cpu, i, i->osz == 4);
        f->cw |= 0x3F; /* FSTENV then masks every exception */
        x86_fpu_update_es(cpu);
        return;
    case 7:
        x86_write16(cpu, i->seg, i->ea, f->cw);
        return;
    default:
        fpu_ud(cpu);
    }
}

static void fpu_fcmov(X86Cpu *cpu, X86Insn *i, bool cond)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    X86F80 a;
    bool ok = st_read(&e, f, i->rm, &a);
    e.c1 = false;
    if (!ok) {
        if (!aborted(&e)) {
            st_set(f, 0, a);
        }
    } else if (cond) {
        st_set(f, 0, a);
    }
    fpu_finish(cpu, &e);
}

static void esc_da(X86Cpu *cpu, X86Insn *i)
{
    if (i->mod != 3) {
        esc_arith_mem(cpu, i, 2);
        return;
    }
    if (i->modrm == 0xE9) {
        X86F80Env e;
        fpu_env(cpu, &e, false);
        X86F80 b;
        bool ok = st_read(&e, &cpu->fpu, 1, &b);
        fpu_compare(cpu, &e, b, ok, true, 2); /* FUCOMPP */
        return;
    }
    if (i->reg < 4 && fpu_p6(cpu)) {
        static const uint8_t cc[4] = { 2, 4, 6, 10 }; /* B, E, BE, U (Jcc condition numbers) */
        fpu_fcmov(cpu, i, x86_cond(cpu, cc[i->reg]));
        return;
    }
    fpu_ud(cpu);
}

static void esc_db(X86Cpu *cpu, X86Insn *i)
{
    X86F80Env e;
    fpu_env(cpu, &e, false);
    if (i->mod != 3) {
        switch (i->reg) {
        case 0:
            fpu_load(cpu, &e, x86_f80_from_int((int32_t)x86_read32(cpu, i->seg, i->ea)));
            return;
        case 2:
        case 3:
            fpu_fist(cpu, i, &e, 32, i->reg == 3);
            return;
        case 5:
            fpu_load(cpu, &e, rd80(cpu, i, 0));
            return;
        case 7:
            fpu_fst_mem(cpu, i, &e, 10, true);
            return;
        default:
            fpu_ud(cpu);
        }
    }
    switch (i->modrm) {
    case 0xE0: case 0xE1: case 0xE4: /* FNENI, FNDISI, FNSETPM: no-ops on the 387 */
        return;
    case 0xE2: /* FNCLEX */
        cpu->fpu.sw &= (uint16_t)~(0x7F | X86_FSW_ES | X86_FSW_B);
        x86_fpu_update_es(cpu);
        return;
    case 0xE3:
        fpu_init(cpu);
        return;
    default:
        break;
    }
    if (fpu_p6(cpu)) {
        if (i->reg < 4) {
            static const uint8_t cc[4] = { 3, 5, 7, 11 }; /* NB, NE, NBE, NU */
            fpu_fcmov(cpu, i, x86_cond(cpu, cc[i->reg]));
            return;
        }
        if (i->reg == 5 || i->reg == 6) {
            fpu_comi(cpu, &e, i->rm, i->reg == 5, false);
            return;
        }
    }
    fpu_ud(cpu);
}

static void esc_dd(X86Cpu *cpu, X86Insn *i)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    if (i->mod != 3) {
        switch (i->reg) {
        case 0:
            fpu_load_real(cpu, &e, x86_f80_from_f64(&e, rd64(cpu, i, 0)));
            return;
        case 2:
        case 3:
            fpu_fst_mem(cpu, i, &e, 8, i->reg == 3);
            return;
        case 4: { /* FRSTOR */
            X86F80 r[8];
            unsigned n = i->osz == 4 ? 28 : 14;
            for (unsigned k = 0; k < 8; k++) {
                r[k] = rd80(cpu, i, n + 10 * k);
            }
            fpu_load_env(cpu, i, i->osz == 4);
            for (unsigned k = 0; k < 8; k++) {
                unsigned p = fpu_phys(f, k);
                f->sig[p] = r[k].sig;
                f->se[p] = r[k].se;
            }
            return;
        }
        case 6: { /* FNSAVE */
            unsigned n = i->osz == 4 ? 28 : 14;
            check_store(cpu, i, n + 80);
            fpu_store_env(cpu, i, i->osz == 4);
            for (unsigned k = 0; k < 8; k++) {
                wr80(cpu, i, n + 10 * k, st_get(f, k));
            }
            fpu_init(cpu);
            return;
        }
        case 7:
            x86_write16(cpu, i->seg, i->ea, f->sw);
            return;
        default:
            fpu_ud(cpu);
        }
    }
    switch (i->reg) {
    case 0: /* FFREE */
        st_free(f, i->rm);
        return;
    case 1:
        fpu_fxch(cpu, i->rm); /* FXCH4 */
        return;
    case 2:
    case 3:
        fpu_fst_reg(cpu, i->rm, i->reg == 3);
        return;
    case 4:
    case 5: {
        X86F80 b;
        bool ok = st_read(&e, f, i->rm, &b);
        fpu_compare(cpu, &e, b, ok, true, i->reg == 5);
        return;
    }
    default:
        fpu_ud(cpu);
    }
}

static void esc_df(X86Cpu *cpu, X86Insn *i)
{
    X86Fpu *f = &cpu->fpu;
    X86F80Env e;
    fpu_env(cpu, &e, false);
    if (i->mod != 3) {
        switch (i->reg) {
        case 0:
            fpu_load(cpu, &e, x86_f80_from_int((int16_t)x86_read16(cpu, i->seg, i->ea)));
            return;
        case 2:
        case 3:
            fpu_fist(cpu, i, &e, 16, i->reg == 3);
            return;
        case 4: { /* FBLD */
            uint8_t b[10];
            for (unsigned k = 0; k < 10; k++) {
                b[k] = x86_read8(cpu, i->seg, ea_at(i, k));
            }
            fpu_load(cpu, &e, x86_f80_from_bcd(b));
            return;
        }
        case 5:
            fpu_load(cpu, &e, x86_f80_from_int((int64_t)rd64(cpu, i, 0)));
            return;
        case 6: { /* FBSTP */
            uint8_t b[10];
            X86F80 a;
            check_store(cpu, i, 10);
            st_read(&e, f, 0, &a);
            x86_f80_to_bcd(&e, a, b);
            if (!store_blocked(&e, X86_FE_IE)) {
                for (unsigned k = 0; k < 10; k++) {
                    x86_write8(cpu, i->seg, ea_at(i, k), b[k]);
                }
            }
            fpu_store_done(cpu, &e, true);
            return;
        }
        case 7:
            fpu_fist(cpu, i, &e, 64, true);
            return;
        default:
            fpu_ud(cpu);
        }
    }
    switch (i->reg) {
    case 0: /* FFREEP (undocumented): free ST(i), then pop */
        st_free(f, i->rm);
        st_pop(f);
        return;
    case 1:
        fpu_fxch(cpu, i->rm); /* FXCH7 */
        return;
    case 2:
    case 3:
        fpu_fst_reg(cpu, i->rm, true); /* FSTP8, FSTP9 */
        return;
    case 4:
        if (i->modrm == 0xE0) {
            x86_set_r16(cpu, X86_EAX, f->sw); /* FNSTSW AX */
            return;
        }
        break;
    case 5:
    case 6:
        if (fpu_p6(cpu)) {
            fpu_comi(cpu, &e, i->rm, i->reg == 5, true);
            return;
        }
        break;
    default:
        break;
    }
    fpu_ud(cpu);
}

/* The instructions that neither wait for pending exceptions nor update the FPU instruction and
 * data pointers ("control instructions"; FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE are
 * also non-waiting; FLDCW, FLDENV, FRSTOR wait). */
static bool is_control(const X86Insn *i, bool *waits)
{
    unsigned opc = i->op & 7;
    *waits = true;
    if (i->mod != 3) {
        if ((opc == 1 && i->reg >= 4) || (opc == 5 && (i->reg == 4 || i->reg >= 6))) {
            *waits = !((opc == 1 && (i->reg == 6 || i->reg == 7)) || (opc == 5 && i->reg >= 6));
            return true;
        }
        return false;
    }
    if ((opc == 3 && (i->modrm >= 0xE0 && i->modrm <= 0xE4)) || (opc == 7 && i->modrm == 0xE0)) {
        *waits = false;
        return true;
    }
    return false;
}

void x86_fpu_esc(X86Cpu *cpu, X86Insn *i)
{
    /* CR0.EM or CR0.TS: #NM before anything else (80387 PRM 3.3, Intel486 PRM table 26-x). */
    if (cpu->cr0 & (X86_CR0_EM | X86_CR0_TS)) {
        x86_raise(cpu, X86_EXC_NM, false, 0);
    }
    bool waits;
    bool control = is_control(i, &waits);
    if (waits && !fpu_check_pending(cpu)) {
        return;
    }
    X86Fpu *f = &cpu->fpu;
    unsigned opc = i->op & 7;
    if (!control) {
        f->fip = cpu->insn_eip;
        f->fcs = cpu->seg[X86_CS].sel;
        f->fop = (uint16_t)(opc << 8 | i->modrm);
        if (i->mod != 3) {
            f->fdp = i->ea;
            f->fds = cpu->seg[i->seg].sel;
        }
    }
    switch (opc) {
    case 0:
    case 4:
        if (i->mod != 3) {
            esc_arith_mem(cpu, i, opc);
        } else {
            esc_arith_reg(cpu, i, opc);
        }
        return;
    case 1:
        if (i->mod != 3) {
            esc_d9_mem(cpu, i);
        } else {
            esc_d9_reg(cpu, i);
        }
        return;
    case 2:
        esc_da(cpu, i);
        return;
    case 3:
        esc_db(cpu, i);
        return;
    case 5:
        esc_dd(cpu, i);
        return;
    case 6:
        if (i->mod != 3) {
            esc_arith_mem(cpu, i, 6);
        } else {
            esc_arith_reg(cpu, i, 6);
        }
        return;
    default:
        esc_df(cpu, i);
        return;
    }
}

void x86_fpu_wait(X86Cpu *cpu)
{
    if ((cpu->cr0 & (X86_CR0_MP | X86_CR0_TS)) == (X86_CR0_MP | X86_CR0_TS)) {
        x86_raise(cpu, X86_EXC_NM, false, 0);
    }
    fpu_check_pending(cpu);
}

/* ---- MMX aliasing (FXSAVE/FXRSTOR: fxsave.c) ---- */

void x86_fpu_mmx_enter(X86Cpu *cpu)
{
    fpu_set_top(&cpu->fpu, 0);
    cpu->fpu.tag = 0;
}

uint64_t x86_fpu_mmx_get(const X86Cpu *cpu, unsigned n)
{
    return cpu->fpu.sig[n & 7];
}

void x86_fpu_mmx_set(X86Cpu *cpu, unsigned n, uint64_t v)
{
    cpu->fpu.sig[n & 7] = v;
    cpu->fpu.se[n & 7] = 0xFFFF;
    cpu->fpu.tag &= (uint16_t)~(3u << (2 * (n & 7)));
}

void x86_fpu_emms(X86Cpu *cpu)
{
    cpu->fpu.tag = 0xFFFF;
}
