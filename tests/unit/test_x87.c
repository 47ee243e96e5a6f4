/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 FPU against the host's own x87 (an x86-64 host: its FPU is the real chip). Each case
 * runs the same instruction bytes twice: in the emulated 486 (real mode, operands from guest
 * memory, then FNSAVE) and natively (a generated stub: FNINIT, FLDCW, two FLD m80, the
 * instruction, FNSAVE). The control word is random: rounding mode, precision control (also the
 * reserved 01) and the exception masks (often all masked, sometimes some unmasked, so the
 * unmasked responses - no result, bias-adjusted results, ES - are compared too). The test
 * compares the whole saved state (control, status with flags/C0-C3/TOP/ES, full tag word, the
 * eight registers) and the memory operand after stores, bit for bit. Transcendental results may
 * differ from the chip by one unit in the last place (the chip is not correctly rounded; ours
 * is): the test requires <= 1 ulp there and prints the share of bit-identical results.
 *
 * Not compared against the host: #MF / FERR# / IGNNE# (the host reports them as SIGFPE), the
 * 16-bit environment layouts, CR0.EM/TS; those have their own emulator-only checks below.
 */
#include <string.h>
#include <sys/mman.h>

#include "../testlib.h"
#include "accel/interp.h"
#include "core/machine.h"
#include "cpu/x86/exec.h"
#include "cpu/x86/fpu.h"

#if defined(__x86_64__)
#define HAVE_HOST_X87 1
#else
#define HAVE_HOST_X87 0
#endif

/* ---- random operands ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef enum Dist {
    D_ANY,   /* everything: specials, denormals, unnormals, extremes */
    D_MID,   /* normal numbers of moderate size */
    D_INT,   /* values near integers of up to 70 bits */
    D_TRIG,  /* |x| up to 2^64, many near multiples of pi/2 */
    D_UNIT,  /* |x| <= 1 */
    D_POS,   /* positive */
    D_SMALL, /* |x| < 0.3 */
    D_SCALE, /* small integers and fractions (FSCALE exponents) */
} Dist;

static X86F80 f80(bool s, uint32_t e, uint64_t sig)
{
    return x86_f80_make(s, e, sig);
}

static X86F80 rand_any(void)
{
    uint64_t sig = rnd();
    uint32_t ex;
    switch (rnd() % 16) {
    case 0: ex = 0; sig >>= rnd() % 64; if (rnd() % 4 == 0) { sig |= 1ull << 63; } break;
    case 1: ex = 0x7FFF; sig |= 1ull << 63; if (rnd() % 2) { sig = 1ull << 63; } break;
    case 2: ex = 0; sig = 0; break;
    case 3: ex = 1 + (uint32_t)(rnd() % 80); sig |= 1ull << 63; break;
    case 4: ex = 0x7FFE - (uint32_t)(rnd() % 80); sig |= 1ull << 63; break;
    case 5: ex = 16383 + (uint32_t)(rnd() % 130) - 65; sig |= 1ull << 63;
        sig &= ~((1ull << (rnd() % 64)) - 1); break;
    case 6: ex = (uint32_t)(rnd() % 0x7FFF); break; /* maybe an unnormal */
    default: ex = 16383 + (uint32_t)(rnd() % 400) - 200; sig |= 1ull << 63; break;
    }
    return f80(rnd() % 2, ex, sig);
}

static X86F80 rand_range(int lo, int hi, bool any_sign)
{
    uint64_t sig = rnd() | 1ull << 63;
    if (rnd() % 4 == 0) {
        sig &= ~((1ull << (rnd() % 64)) - 1);
    }
    uint32_t ex = (uint32_t)(16383 + lo + (int)(rnd() % (uint64_t)(hi - lo + 1)));
    return f80(any_sign && rnd() % 2, ex, sig);
}

static X86F80 rand_dist(Dist d)
{
    if (rnd() % 16 == 0) {
        return rand_any(); /* specials everywhere */
    }
    switch (d) {
    case D_ANY: return rand_any();
    case D_MID: return rand_range(-40, 40, true);
    case D_INT: return rand_range(-3, 70, true);
    case D_TRIG:
        if (rnd() % 3 == 0) {
            /* k * pi/2 (rounded), where the chip's 66-bit pi shows */
            X86F80Env e;
            x86_f80_env(&e, 0x037F);
            X86F80 k = x86_f80_from_int((int64_t)(rnd() % 100000) - 50000);
            X86F80 pi2 = f80(false, 16383, 0xC90FDAA22168C235ull);
            return x86_f80_mul(&e, k, pi2);
        }
        return rand_range(-70, 63, true);
    case D_UNIT: return rand_range(-70, -1, true);
    case D_POS: return rand_range(-100, 100, false);
    case D_SMALL: return rand_range(-70, -3, true);
    default:
        return rnd() % 2 ? x86_f80_from_int((int64_t)(rnd() % 200) - 100) : rand_range(-3, 14, true);
    }
}

static void put80(uint8_t *p, X86F80 v)
{
    memcpy(p, &v.sig, 8);
    memcpy(p + 8, &v.se, 2);
}

static X86F80 get80(const uint8_t *p)
{
    X86F80 v;
    memcpy(&v.sig, p, 8);
    memcpy(&v.se, p + 8, 2);
    return v;
}

/* ---- the operations ---- */

typedef enum OpMem { M_NONE, M_F32, M_F64, M_I16, M_I32, M_I64, M_BCD, M_F80, M_W16 } OpMem;

typedef struct Op {
    const char *name;
    uint8_t b0, b1;  /* register form: the two opcode bytes; memory form: opcode and /reg */
    OpMem mem;     /* memory operand kind (M_NONE: a register form) */
    Dist da, db;     /* ST0 and ST1 distributions */
    bool transc;     /* results may differ by one ulp */
    int reps;        /* register form repeated (stack-overflow tests) */
} Op;

static const Op ops[] = {
    { "fadd st,st1", 0xD8, 0xC1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fmul st,st1", 0xD8, 0xC9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fcom st1", 0xD8, 0xD1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fcomp st1", 0xD8, 0xD9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fsub st,st1", 0xD8, 0xE1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fsubr st,st1", 0xD8, 0xE9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fdiv st,st1", 0xD8, 0xF1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fdivr st,st1", 0xD8, 0xF9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fadd st1,st", 0xDC, 0xC1, M_NONE, D_MID, D_MID, false, 1 },
    { "fsubr st1,st", 0xDC, 0xE1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fsub st1,st", 0xDC, 0xE9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fdivr st1,st", 0xDC, 0xF1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fdiv st1,st", 0xDC, 0xF9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fmulp", 0xDE, 0xC9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fsubp", 0xDE, 0xE9, M_NONE, D_MID, D_MID, false, 1 },
    { "fcompp", 0xDE, 0xD9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fucom st1", 0xDD, 0xE1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fucompp", 0xDA, 0xE9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fxch st1", 0xD9, 0xC9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fld st1", 0xD9, 0xC1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fst st1", 0xDD, 0xD1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fstp st1", 0xDD, 0xD9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fchs", 0xD9, 0xE0, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fabs", 0xD9, 0xE1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "ftst", 0xD9, 0xE4, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fxam", 0xD9, 0xE5, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fsqrt", 0xD9, 0xFA, M_NONE, D_ANY, D_ANY, false, 1 },
    { "frndint", 0xD9, 0xFC, M_NONE, D_INT, D_ANY, false, 1 },
    { "fscale", 0xD9, 0xFD, M_NONE, D_ANY, D_SCALE, false, 1 },
    { "fxtract", 0xD9, 0xF4, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fprem", 0xD9, 0xF8, M_NONE, D_INT, D_MID, false, 1 },
    { "fprem1", 0xD9, 0xF5, M_NONE, D_INT, D_MID, false, 1 },
    { "fdecstp", 0xD9, 0xF6, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fincstp", 0xD9, 0xF7, M_NONE, D_ANY, D_ANY, false, 1 },
    { "ffree st1", 0xDD, 0xC1, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fld1", 0xD9, 0xE8, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fldl2t", 0xD9, 0xE9, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fldl2e", 0xD9, 0xEA, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fldpi", 0xD9, 0xEB, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fldlg2", 0xD9, 0xEC, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fldln2", 0xD9, 0xED, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fldz", 0xD9, 0xEE, M_NONE, D_ANY, D_ANY, false, 1 },
    { "fld1 x7 (stack overflow)", 0xD9, 0xE8, M_NONE, D_ANY, D_ANY, false, 7 },
    { "fadd with empty st1", 0xDD, 0xC1, M_NONE, D_ANY, D_ANY, false, -1 },
    { "fsin", 0xD9, 0xFE, M_NONE, D_TRIG, D_ANY, true, 1 },
    { "fcos", 0xD9, 0xFF, M_NONE, D_TRIG, D_ANY, true, 1 },
    { "fsincos", 0xD9, 0xFB, M_NONE, D_TRIG, D_ANY, true, 1 },
    { "fptan", 0xD9, 0xF2, M_NONE, D_TRIG, D_ANY, true, 1 },
    { "fpatan", 0xD9, 0xF3, M_NONE, D_ANY, D_ANY, true, 1 },
    { "f2xm1", 0xD9, 0xF0, M_NONE, D_UNIT, D_ANY, true, 1 },
    { "fyl2x", 0xD9, 0xF1, M_NONE, D_POS, D_MID, true, 1 },
    { "fyl2xp1", 0xD9, 0xF9, M_NONE, D_SMALL, D_MID, true, 1 },
    { "fadd m32", 0xD8, 0, M_F32, D_ANY, D_ANY, false, 0 },
    { "fmul m32", 0xD8, 1, M_F32, D_ANY, D_ANY, false, 0 },
    { "fcom m32", 0xD8, 2, M_F32, D_ANY, D_ANY, false, 0 },
    { "fdivr m32", 0xD8, 7, M_F32, D_ANY, D_ANY, false, 0 },
    { "fsub m64", 0xDC, 4, M_F64, D_ANY, D_ANY, false, 0 },
    { "fdiv m64", 0xDC, 6, M_F64, D_ANY, D_ANY, false, 0 },
    { "fiadd m32", 0xDA, 0, M_I32, D_ANY, D_ANY, false, 0 },
    { "ficomp m32", 0xDA, 3, M_I32, D_INT, D_ANY, false, 0 },
    { "fidiv m16", 0xDE, 6, M_I16, D_ANY, D_ANY, false, 0 },
    { "fisubr m16", 0xDE, 5, M_I16, D_INT, D_ANY, false, 0 },
    { "fld m32", 0xD9, 0, M_F32, D_ANY, D_ANY, false, 0 },
    { "fld m64", 0xDD, 0, M_F64, D_ANY, D_ANY, false, 0 },
    { "fld m80", 0xDB, 5, M_F80, D_ANY, D_ANY, false, 0 },
    { "fild m16", 0xDF, 0, M_I16, D_ANY, D_ANY, false, 0 },
    { "fild m32", 0xDB, 0, M_I32, D_ANY, D_ANY, false, 0 },
    { "fild m64", 0xDF, 5, M_I64, D_ANY, D_ANY, false, 0 },
    { "fbld", 0xDF, 4, M_BCD, D_ANY, D_ANY, false, 0 },
    { "fst m32", 0xD9, 2, M_F32, D_ANY, D_ANY, false, 0 },
    { "fstp m32", 0xD9, 3, M_F32, D_MID, D_ANY, false, 0 },
    { "fst m64", 0xDD, 2, M_F64, D_ANY, D_ANY, false, 0 },
    { "fstp m80", 0xDB, 7, M_F80, D_ANY, D_ANY, false, 0 },
    { "fist m16", 0xDF, 2, M_I16, D_INT, D_ANY, false, 0 },
    { "fistp m32", 0xDB, 3, M_I32, D_INT, D_ANY, false, 0 },
    { "fistp m64", 0xDF, 7, M_I64, D_INT, D_ANY, false, 0 },
    { "fbstp", 0xDF, 6, M_BCD, D_INT, D_ANY, false, 0 },
    { "fldcw", 0xD9, 5, M_W16, D_ANY, D_ANY, false, 0 },
    { "fnstcw", 0xD9, 7, M_W16, D_ANY, D_ANY, false, 0 },
    { "fnstsw", 0xDD, 7, M_W16, D_ANY, D_ANY, false, 0 },
};

static void rand_mem(OpMem k, uint8_t m[10])
{
    for (int j = 0; j < 10; j++) {
        m[j] = (uint8_t)rnd();
    }
    switch (k) {
    case M_F32: {
        static const uint32_t sp[] = { 0, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
                                       0x7F800001u, 0x00000001u, 0x807FFFFFu, 0x3F800000u };
        uint32_t v = rnd() % 4 == 0 ? sp[rnd() % 9] : (uint32_t)rnd();
        memcpy(m, &v, 4);
        break;
    }
    case M_F64: {
        uint64_t v = rnd();
        if (rnd() % 4 == 0) {
            v &= 0x800FFFFFFFFFFFFFull; /* denormal or zero */
            if (rnd() % 2) {
                v |= 0x7FF0000000000000ull; /* infinity or NaN */
            }
        }
        memcpy(m, &v, 8);
        break;
    }
    case M_I16: case M_I32: case M_I64:
        if (rnd() % 4 == 0) {
            memset(m, 0, 8);
            m[rnd() % 2] = (uint8_t)rnd();
        }
        break;
    case M_BCD:
        for (int j = 0; j < 9; j++) {
            m[j] = (uint8_t)((rnd() % 10) << 4 | rnd() % 10);
        }
        m[9] &= 0x80;
        break;
    case M_F80:
        put80(m, rand_any());
        break;
    case M_W16:
        break;
    default:
        break;
    }
}

/* ---- the host side: a generated stub run on the host x87 ---- */

typedef void (*HostStub)(const uint8_t *cw, const uint8_t *blk, uint8_t *save);

typedef struct Host {
    uint8_t *code;
} Host;

/* Operand block (host and guest alike): a @0, b @10, memory operand @20. */
static size_t emit_body(uint8_t *p, const Op *op, bool host)
{
    size_t n = 0;
    if (op->mem != M_NONE) {
        p[n++] = op->b0;
        if (host) {
            p[n++] = (uint8_t)(0x40 | op->b1 << 3 | 6); /* [rsi+20] */
            p[n++] = 20;
        } else {
            p[n++] = (uint8_t)(op->b1 << 3 | 6); /* [0114h] */
            p[n++] = 0x14;
            p[n++] = 0x01;
        }
        return n;
    }
    if (op->reps < 0) {
        /* empty-register case: free ST1, then add it */
        p[n++] = op->b0;
        p[n++] = op->b1;
        p[n++] = 0xD8;
        p[n++] = 0xC1;
        return n;
    }
    for (int k = 0; k < op->reps; k++) {
        p[n++] = op->b0;
        p[n++] = op->b1;
    }
    return n;
}

static bool host_build(Host *h, const Op *op)
{
    uint8_t *p = h->code;
    size_t n = 0;
    static const uint8_t pre[] = {
        0xDB, 0xE3,             /* fninit */
        0xD9, 0x2F,             /* fldcw [rdi] */
        0xDB, 0x6E, 0x0A,       /* fld tbyte [rsi+10] */
        0xDB, 0x2E,             /* fld tbyte [rsi] */
    };
    memcpy(p, pre, sizeof(pre));
    n = sizeof(pre);
    n += emit_body(p + n, op, true);
    p[n++] = 0xDD;
    p[n++] = 0x32; /* fnsave [rdx] */
    p[n++] = 0xC3; /* ret */
    return true;
}

/* ---- the guest side ---- */

typedef struct Rig {
    Machine *m;
    X86Cpu *cpu;
    uint8_t *ram;
    int ninsn;
    int ferr_calls;
    bool ferr_level;
} Rig;

static bool rig_new(Rig *r)
{
    AmberError err = { 0 };
    const X86Model *md = x86_model_find("80486dx2");
    if (!md) {
        return false;
    }
    r->m = machine_new(md->addr_bits, &err);
    if (!r->m) {
        return false;
    }
    r->ram = membus_map_ram(r->m->mem, "ram", 0, 1u << 20, &err);
    r->cpu = x86_interp_new(r->m, md, &err);
    r->ferr_calls = 0;
    r->ferr_level = false;
    return r->ram && r->cpu;
}

static void rig_free(Rig *r)
{
    x86_interp_free(r->cpu);
    machine_free(r->m);
}

/* Code at 1000:0000; data (DS) at 3000:0000: cw @200h, block @100h, FNSAVE image @300h. */
static void guest_build(Rig *r, const Op *op)
{
    uint8_t *p = r->ram + 0x10000;
    size_t n = 0;
    static const uint8_t pre[] = {
        0xDB, 0xE3,             /* fninit */
        0xD9, 0x2E, 0x00, 0x02, /* fldcw [200h] */
        0xDB, 0x2E, 0x0A, 0x01, /* fld tbyte [10Ah] */
        0xDB, 0x2E, 0x00, 0x01, /* fld tbyte [100h] */
    };
    memcpy(p, pre, sizeof(pre));
    n = sizeof(pre);
    n += emit_body(p + n, op, false);
    p[n++] = 0xDD;
    p[n++] = 0x36;
    p[n++] = 0x00;
    p[n++] = 0x03; /* fnsave [300h] */
    r->ninsn = 5 + (op->mem != M_NONE ? 1 : op->reps < 0 ? 2 : op->reps);
}

static void guest_run(Rig *r, const uint8_t cw[2], const uint8_t blk[30], uint8_t save[94],
                      uint8_t mem_out[10])
{
    uint8_t *d = r->ram + 0x30000;
    memcpy(d + 0x200, cw, 2);
    memcpy(d + 0x100, blk, 30);
    X86Cpu *c = r->cpu;
    x86_load_seg_real(c, X86_CS, 0x1000);
    x86_load_seg_real(c, X86_DS, 0x3000);
    x86_load_seg_real(c, X86_SS, 0x2000);
    c->eip = 0;
    c->regs[X86_ESP] = 0xFFFE;
    for (int k = 0; k < r->ninsn; k++) {
        x86_cpu_step(c);
    }
    memcpy(save, d + 0x300, 94);
    memcpy(mem_out, d + 0x114, 10);
}

/* The comparable state of an FNSAVE image. */
typedef struct Saved {
    uint16_t cw, sw, tw;
    X86F80 st[8];
} Saved;

static Saved parse_save(const uint8_t *p, bool layout32)
{
    Saved s;
    unsigned regs = layout32 ? 28 : 14;
    memcpy(&s.cw, p, 2);
    memcpy(&s.sw, p + (layout32 ? 4 : 2), 2);
    memcpy(&s.tw, p + (layout32 ? 8 : 4), 2);
    for (int k = 0; k < 8; k++) {
        s.st[k] = get80(p + regs + 10 * k);
    }
    return s;
}

static bool within_ulp(X86F80 a, X86F80 b, bool *exact)
{
    *exact = a.sig == b.sig && a.se == b.se;
    if (*exact) {
        return true;
    }
    if ((a.se & 0x8000) != (b.se & 0x8000)) {
        return false;
    }
    /* Adjacent values, possibly across an exponent step. */
    uint64_t ha = a.sig, hb = b.sig;
    if (a.se == b.se) {
        return ha - hb == 1 || hb - ha == 1;
    }
    if ((a.se & 0x7FFF) + 1 == (b.se & 0x7FFF)) {
        return ha == ~0ull && hb == 1ull << 63;
    }
    if ((b.se & 0x7FFF) + 1 == (a.se & 0x7FFF)) {
        return hb == ~0ull && ha == 1ull << 63;
    }
    return false;
}

typedef struct Tally {
    int cases, fails, transc_cases, transc_exact;
} Tally;

static void run_op(TestCtx *t, Rig *r, Host *h, const Op *op, int n, Tally *tally)
{
    host_build(h, op);
    guest_build(r, op);
    HostStub stub = (HostStub)(void *)h->code;
    int fails = 0;
    for (int k = 0; k < n; k++) {
        uint16_t cwv = (uint16_t)((rnd() % 4) << 10 | (rnd() % 4) << 8 | 0x40);
        cwv |= rnd() % 4 ? 0x3F : (uint16_t)(rnd() & 0x3F);
        uint8_t cw[2], blk[30], hsave[108], gsave[94], gmem[10];
        memcpy(cw, &cwv, 2);
        put80(blk, rand_dist(op->da));
        put80(blk + 10, rand_dist(op->db));
        rand_mem(op->mem, blk + 20);
        if (op->mem == M_W16 && op->b1 == 5) {
            blk[20] = (uint8_t)rnd(); /* FLDCW: any value, all bits */
            blk[21] = (uint8_t)rnd();
        }
        uint8_t hblk[30];
        memcpy(hblk, blk, 30);
        stub(cw, hblk, hsave);
        guest_run(r, cw, blk, gsave, gmem);
        Saved hs = parse_save(hsave, true), gs = parse_save(gsave, false);
        bool ok = hs.cw == gs.cw && hs.tw == gs.tw;
        bool all_exact = true;
        for (int j = 0; j < 8 && ok; j++) {
            bool ex;
            if (op->transc) {
                ok = within_ulp(gs.st[j], hs.st[j], &ex);
                all_exact = all_exact && ex;
            } else {
                ok = gs.st[j].sig == hs.st[j].sig && gs.st[j].se == hs.st[j].se;
            }
        }
        /* C1 reports the rounding direction of the chip's internal approximation: for the
         * transcendentals it is not comparable (it differs even when the values agree). */
        uint16_t swmask = op->transc ? (uint16_t)~X86_FSW_C1 : 0xFFFF;
        ok = ok && (hs.sw & swmask) == (gs.sw & swmask);
        ok = ok && memcmp(hblk + 20, gmem, 10) == 0;
        if (op->transc) {
            tally->transc_cases++;
            tally->transc_exact += ok && all_exact;
        }
        tally->cases++;
        if (!ok) {
            fails++;
            if (fails <= 3) {
                X86F80 a = get80(blk), b = get80(blk + 10);
                fprintf(stderr, "%s: cw=%04x a=%04x:%016llx b=%04x:%016llx m=", op->name, cwv,
                        a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig);
                for (int j = 9; j >= 0; j--) {
                    fprintf(stderr, "%02x", blk[20 + j]);
                }
                fprintf(stderr, "\n  host: cw=%04x sw=%04x tw=%04x st0=%04x:%016llx st1=%04x:%016llx mem=",
                        hs.cw, hs.sw, hs.tw, hs.st[0].se, (unsigned long long)hs.st[0].sig,
                        hs.st[1].se, (unsigned long long)hs.st[1].sig);
                for (int j = 9; j >= 0; j--) {
                    fprintf(stderr, "%02x", hblk[20 + j]);
                }
                fprintf(stderr, "\n  emu:  cw=%04x sw=%04x tw=%04x st0=%04x:%016llx st1=%04x:%016llx mem=",
                        gs.cw, gs.sw, gs.tw, gs.st[0].se, (unsigned long long)gs.st[0].sig,
                        gs.st[1].se, (unsigned long long)gs.st[1].sig);
                for (int j = 9; j >= 0; j--) {
                    fprintf(stderr, "%02x", gmem[j]);
                }
                fprintf(stderr, "\n");
            }
        }
    }
    tally->fails += fails;
    T_CHECK(t, fails == 0);
    if (fails) {
        fprintf(stderr, "%s: %d of %d cases differ from the host x87\n", op->name, fails, n);
    }
}

static void test_against_host(TestCtx *t)
{
#if HAVE_HOST_X87
    Host h;
    h.code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    if (h.code == MAP_FAILED) {
        fprintf(stderr, "no executable memory for the host stubs: host comparison not run\n");
        T_CHECK(t, false);
        return;
    }
    Rig r;
    T_CHECK(t, rig_new(&r));
    const char *env = getenv("AMBER_X87_CASES");
    int n = env ? atoi(env) : 10000;
    const char *seed = getenv("AMBER_X87_SEED"); /* for longer explorations; fixed by default */
    if (seed) {
        rng_state = strtoull(seed, NULL, 0) | 1;
    }
    Tally tally = { 0, 0, 0, 0 };
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        run_op(t, &r, &h, &ops[k], ops[k].transc ? n / 2 : n, &tally);
    }
    printf("host x87 comparison: %d cases, %d differ; transcendentals %d of %d bit-identical "
           "(%.2f%%), the rest within 1 ulp\n",
           tally.cases, tally.fails, tally.transc_exact, tally.transc_cases,
           tally.transc_cases ? 100.0 * tally.transc_exact / tally.transc_cases : 0.0);
    rig_free(&r);
    munmap(h.code, 4096);
#else
    (void)t;
#endif
}

/* ---- emulator-only checks ---- */

static void ferr_hook(void *opaque, bool level)
{
    Rig *r = opaque;
    r->ferr_calls++;
    r->ferr_level = level;
}

static void load_code(Rig *r, const uint8_t *code, size_t n)
{
    memcpy(r->ram + 0x10000, code, n);
    x86_load_seg_real(r->cpu, X86_CS, 0x1000);
    x86_load_seg_real(r->cpu, X86_DS, 0x3000);
    x86_load_seg_real(r->cpu, X86_SS, 0x2000);
    r->cpu->eip = 0;
    r->cpu->regs[X86_ESP] = 0xFFFE;
}

/* 1.0 / 0.0 with ZE unmasked: #MF at the next FPU instruction with CR0.NE; FERR# and the
 * freeze / IGNNE# without. */
static void test_error_reporting(TestCtx *t)
{
    static const uint8_t code[] = {
        0xD9, 0x2E, 0x00, 0x02, /* fldcw [200h] (ZM clear) */
        0xD9, 0xEE,             /* fldz */
        0xD9, 0xE8,             /* fld1 */
        0xDE, 0xF1,             /* fdivrp st1, st: 1/0 -> ZE, unmasked: no result */
        0xD9, 0xE8,             /* fld1: waits -> reports the error */
        0xDB, 0xE2,             /* fnclex */
        0xD9, 0xE8,             /* fld1 */
    };
    Rig r;
    T_CHECK(t, rig_new(&r));
    X86Cpu *c = r.cpu;
    uint16_t cw = 0x037B; /* ZM (bit 2) clear */
    memcpy(r.ram + 0x30200, &cw, 2);
    /* IVT entry 16 -> 0000:0500 (an IRET there). */
    uint8_t ivt[4] = { 0x00, 0x05, 0x00, 0x00 };
    memcpy(r.ram + 16 * 4, ivt, 4);
    r.ram[0x500] = 0xCF;

    /* CR0.NE = 1: #MF. */
    load_code(&r, code, sizeof(code));
    c->cr0 |= X86_CR0_NE;
    for (int k = 0; k < 4; k++) {
        x86_cpu_step(c);
    }
    T_CHECK(t, (c->fpu.sw & (X86_FSW_ZE | X86_FSW_ES | X86_FSW_B)) ==
                   (X86_FSW_ZE | X86_FSW_ES | X86_FSW_B));
    T_EQ(t, (c->fpu.sw >> 11) & 7, 6);  /* no pop after the aborted FDIVRP */
    T_EQ(t, c->fpu.fip, 8);             /* the pointers name the faulting instruction */
    T_EQ(t, c->fpu.fop, 0x6F1);
    x86_cpu_step(c); /* fld1 -> #MF delivered */
    T_EQ(t, c->seg[X86_CS].sel, 0);
    T_EQ(t, c->eip, 0x500);
    T_EQ(t, membus_read16(r.m->mem, 0x2FFF8), 10); /* pushed IP: the FLD1 itself */

    /* CR0.NE = 0 with the board's FERR# hook: the CPU freezes on the FLD1 until IGNNE#. */
    x86_cpu_reset(c);
    c->ferr = ferr_hook;
    c->ferr_opaque = &r;
    load_code(&r, code, sizeof(code));
    for (int k = 0; k < 4; k++) {
        x86_cpu_step(c);
    }
    T_EQ(t, r.ferr_calls, 1);
    T_CHECK(t, r.ferr_level);
    x86_cpu_step(c);
    x86_cpu_step(c);
    T_EQ(t, c->eip, 10); /* frozen on the FLD1 */
    T_EQ(t, (c->fpu.sw >> 11) & 7, 6);
    x86_fpu_set_ignne(c, true);
    x86_cpu_step(c);
    T_EQ(t, c->eip, 12);
    T_EQ(t, (c->fpu.sw >> 11) & 7, 5);
    x86_cpu_step(c); /* fnclex: FERR# drops, and IGNNE# with it */
    T_CHECK(t, !r.ferr_level);
    T_EQ(t, r.ferr_calls, 2);
    T_CHECK(t, !c->fpu.ignne);
    T_CHECK(t, !(c->fpu.sw & X86_FSW_ES));
    x86_cpu_step(c);
    T_EQ(t, c->eip, 16);

    /* CR0.EM: #NM (vector 7) for an ESC opcode; CR0.TS|MP: #NM for WAIT. */
    static const uint8_t nm[] = { 0xD9, 0xE8, 0x9B };
    uint8_t ivt7[4] = { 0x00, 0x06, 0x00, 0x00 };
    memcpy(r.ram + 7 * 4, ivt7, 4);
    r.ram[0x600] = 0xCF;
    x86_cpu_reset(c);
    load_code(&r, nm, sizeof(nm));
    c->cr0 |= X86_CR0_EM;
    x86_cpu_step(c);
    T_EQ(t, c->eip, 0x600);
    x86_cpu_reset(c);
    load_code(&r, nm + 2, 1);
    c->cr0 |= X86_CR0_TS | X86_CR0_MP;
    x86_cpu_step(c);
    T_EQ(t, c->eip, 0x600);
    rig_free(&r);
}

/* FSTENV in the 16-bit real-mode layout (linear instruction/data pointers, opcode), FSAVE then
 * FRSTOR round trip, FXAM on empty registers, FNSTSW AX. */
static void test_environment(TestCtx *t)
{
    static const uint8_t code[] = {
        0xDB, 0xE3,             /* 0: fninit */
        0xDD, 0x06, 0x10, 0x00, /* 2: fld qword [10h] */
        0xD9, 0xEB,             /* 6: fldpi */
        0xD9, 0x36, 0x40, 0x00, /* 8: fnstenv [40h] */
        0xDD, 0x36, 0x80, 0x00, /* 12: fnsave [80h] (then FNINIT) */
        0xD9, 0xE5,             /* 16: fxam (empty) */
        0xDF, 0xE0,             /* 18: fnstsw ax */
        0xDD, 0x26, 0x80, 0x00, /* 20: frstor [80h] */
        0xDE, 0xC1,             /* 24: faddp */
        0x66, 0xD9, 0x36, 0x60, 0x00, /* 26: fnstenv [60h], 32-bit real-mode layout */
    };
    Rig r;
    T_CHECK(t, rig_new(&r));
    X86Cpu *c = r.cpu;
    double two = 2.0;
    memcpy(r.ram + 0x30010, &two, 8);
    load_code(&r, code, sizeof(code));
    for (int k = 0; k < 4; k++) {
        x86_cpu_step(c);
    }
    const uint8_t *env = r.ram + 0x30040;
    uint16_t w[7];
    memcpy(w, env, 14);
    T_EQ(t, w[0], 0x037F);            /* control */
    T_EQ(t, w[1], 0x3000);            /* TOP = 6 */
    T_EQ(t, w[2], 0x0FFF);            /* R7 valid (pi), R6 valid (2.0), the rest empty */
    T_EQ(t, w[3], 0x0006);            /* FIP: linear 10006h, low 16 bits */
    T_EQ(t, w[4], 0x1000 | 0x1EB);    /* FIP bits 16-19, opcode D9 EB -> 1EBh */
    T_EQ(t, w[5], 0x0010);            /* FDP: linear 30010h from the FLD m64 */
    T_EQ(t, w[6], 0x3000);
    T_EQ(t, c->fpu.cw, 0x037F);       /* already masked */
    for (int k = 0; k < 3; k++) {
        x86_cpu_step(c);
    }
    T_EQ(t, c->regs[X86_EAX] & 0xFFFF, 0x4100 | 0x0000); /* empty: C3 C0; TOP 0 after FNINIT */
    T_EQ(t, c->fpu.tag, 0xFFFF);
    x86_cpu_step(c);
    x86_cpu_step(c);
    /* 2 + pi = 5.14159265358979323851 */
    X86F80 st0 = { c->fpu.sig[7], c->fpu.se[7] };
    T_EQ(t, st0.se, 0x4001);
    T_EQ(t, st0.sig, 0xA487ED5110B4611Aull);
    T_EQ(t, (c->fpu.sw >> 11) & 7, 7);
    T_EQ(t, c->fpu.sw & X86_FSW_PE, X86_FSW_PE);
    x86_cpu_step(c);
    uint32_t d[7];
    memcpy(d, r.ram + 0x30060, 28);
    T_EQ(t, d[0], 0xFFFF037Fu);
    T_EQ(t, d[1], 0xFFFF0000u | c->fpu.sw);
    T_EQ(t, d[2], 0xFFFF3FFFu);                /* R7 valid, the rest empty */
    T_EQ(t, d[3], 0xFFFF0018u);                /* FIP 10018h: the FADDP */
    T_EQ(t, d[4], 0x1000u | 0x6C1u);           /* FIP bits 16-31, opcode DE C1 */
    T_EQ(t, d[5], 0xFFFF0010u);                /* FDP 30010h as restored (FRSTOR is a control
                                                  instruction; FADDP has no memory operand) */
    T_EQ(t, d[6], 0x3000u);
    rig_free(&r);
}

/* The arithmetic core on its own, for cases the random mix rarely meets. */
static void test_float80_edges(TestCtx *t)
{
    X86F80Env e;
    /* Tininess after rounding: a sum that rounds up to the smallest normal raises no UE. */
    x86_f80_env(&e, 0x007F); /* PC=24, nearest, all masked */
    X86F80 a = f80(false, 0, 0x7FFFFFC000000000ull), b = f80(false, 0, 0x0000000000000001ull);
    X86F80 r = x86_f80_add(&e, a, b);
    T_EQ(t, r.se, 1);
    T_EQ(t, r.sig, 1ull << 63);
    T_EQ(t, e.exc, X86_FE_DE | X86_FE_PE);
    /* Unmasked overflow: the exponent is re-biased by 24576. */
    x86_f80_env(&e, 0x0377);
    X86F80 big = f80(false, 0x7FFE, 1ull << 63);
    r = x86_f80_mul(&e, big, big);
    T_EQ(t, r.se, 0xBFFD - 24576); /* 2^32766: biased 0xBFFD, re-biased */
    T_EQ(t, e.exc, X86_FE_OE);
    /* Masked overflow toward zero gives the largest finite at the precision: */
    x86_f80_env(&e, 0x0E7F); /* chop, PC=53 */
    r = x86_f80_mul(&e, big, big);
    T_EQ(t, r.se, 0x7FFE);
    T_EQ(t, r.sig, 0xFFFFFFFFFFFFF800ull);
    /* Pseudo-denormals are denormal operands; unnormals are invalid. */
    x86_f80_env(&e, 0x037F);
    r = x86_f80_add(&e, f80(false, 0, 1ull << 63), x86_f80_zero(false));
    T_EQ(t, r.se, 1);
    T_EQ(t, e.exc, X86_FE_DE);
    x86_f80_env(&e, 0x037F);
    r = x86_f80_add(&e, f80(false, 0x4000, 1ull << 62), x86_f80_zero(false));
    T_EQ(t, r.se, 0xFFFF);
    T_EQ(t, r.sig, 0xC000000000000000ull);
    T_EQ(t, e.exc, X86_FE_IE);
    /* BCD indefinite for a value beyond 18 digits. */
    uint8_t bcd[10];
    x86_f80_env(&e, 0x037F);
    x86_f80_to_bcd(&e, x86_f80_from_int(1000000000000000000ll), bcd);
    T_EQ(t, bcd[9], 0xFF);
    T_EQ(t, bcd[8], 0xFF);
    T_EQ(t, bcd[7], 0xC0);
    T_EQ(t, e.exc, X86_FE_IE);
    /* FSIN of the f80 pi/2 follows the chip's 66-bit pi: -2^-65 for the cosine. */
    X86F80 pi2 = f80(false, 16383, 0xC90FDAA22168C235ull), s, co;
    x86_f80_env(&e, 0x037F);
    T_CHECK(t, x86_f80_sincos(&e, pi2, &s, &co));
    T_EQ(t, co.se, 0x8000 | (16383 - 65));
    T_EQ(t, co.sig, 1ull << 63);
    /* Out of range: |x| >= 2^63. */
    T_CHECK(t, !x86_f80_sincos(&e, f80(false, 16383 + 63, 1ull << 63), &s, &co));
}

/* FXSAVE/FXRSTOR round trip and the MMX view of the registers (API level: the decoder's 0F AE
 * and MMX opcodes belong to x86p6). */
static void test_fxsr_mmx(TestCtx *t)
{
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0xEB, 0xD9, 0xE8, 0xDB, 0xE3 };
    Rig r;
    T_CHECK(t, rig_new(&r));
    X86Cpu *c = r.cpu;
    load_code(&r, code, sizeof(code));
    for (int k = 0; k < 3; k++) {
        x86_cpu_step(c); /* fninit, fldpi, fld1 */
    }
    X86Fpu before = c->fpu;
    x86_fpu_fxsave(c, X86_DS, 0x400, true);
    const uint8_t *a = r.ram + 0x30400;
    T_EQ(t, a[0] | a[1] << 8, 0x037F);
    T_EQ(t, a[2] | a[3] << 8, 0x3000);          /* TOP 6 */
    T_EQ(t, a[4], 0xC0);                        /* R6, R7 in use */
    T_EQ(t, get80(a + 32).sig, 1ull << 63);     /* ST0 = 1.0 */
    T_EQ(t, get80(a + 48).sig, 0xC90FDAA22168C235ull);
    T_EQ(t, a[8] | a[9] << 8, 4);               /* FIP of the FLD1 */
    x86_cpu_step(c);                            /* fninit */
    T_EQ(t, c->fpu.tag, 0xFFFF);
    x86_fpu_fxrstor(c, X86_DS, 0x400, true);
    T_CHECK(t, memcmp(before.sig, c->fpu.sig, sizeof(before.sig)) == 0);
    T_EQ(t, c->fpu.sw, before.sw);
    T_EQ(t, c->fpu.tag, before.tag);
    T_EQ(t, c->fpu.fip, before.fip);
    /* FXRSTOR loads the control word as FLDCW does (host-checked: FFBF reads back as 1F7F). */
    r.ram[0x30400] = 0xBF;
    r.ram[0x30401] = 0xFF;
    x86_fpu_fxrstor(c, X86_DS, 0x400, true);
    T_EQ(t, c->fpu.cw, 0x1F7F);
    x86_fpu_mmx_enter(c);
    x86_fpu_mmx_set(c, 3, 0x0123456789ABCDEFull);
    T_EQ(t, x86_fpu_mmx_get(c, 3), 0x0123456789ABCDEFull);
    T_EQ(t, c->fpu.se[3], 0xFFFF);
    T_EQ(t, c->fpu.tag, 0);
    T_EQ(t, (c->fpu.sw >> 11) & 7, 0);
    x86_fpu_emms(c);
    T_EQ(t, c->fpu.tag, 0xFFFF);
    rig_free(&r);
}

static void test_state_table(TestCtx *t)
{
    static const StateField fields[] = { X86_FPU_STATE_FIELDS(1), STATE_END };
    AmberError err = { 0 };
    T_CHECK(t, state_table_validate(fields, sizeof(X86Cpu), "x87", &err));
    if (err.set) {
        fprintf(stderr, "%s\n", err.msg);
    }
}

int main(void)
{
    TestCtx t = { 0, 0 };
    T_RUN(&t, test_float80_edges);
    T_RUN(&t, test_state_table);
    T_RUN(&t, test_error_reporting);
    T_RUN(&t, test_environment);
    T_RUN(&t, test_fxsr_mmx);
    T_RUN(&t, test_against_host);
    return t_finish(&t);
}
