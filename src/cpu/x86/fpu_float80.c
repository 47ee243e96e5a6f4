/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 80-bit arithmetic in portable integer C: classification, rounding (all four modes, 24/53/64
 * bit precision control, denormals, masked and unmasked overflow/underflow), add, subtract,
 * multiply, divide, square root, compare, integer/float/BCD conversions, FRNDINT, FSCALE,
 * FXTRACT, FPREM/FPREM1. See fpu_float80.h for the format and sources.
 *
 * Every rule below that is not spelled out in the manuals was checked against a real x87 (the
 * x86-64 host of tests/unit/test_x87.c): tininess is detected after rounding; a precision-
 * controlled result that underflows is denormalized and rounded at the same significand bit
 * position as a normal one; the masked overflow response depends on the rounding mode; FPREM's
 * incomplete reduction uses N = 32 + (D mod 32) bits per step.
 */
#include "cpu/x86/fpu_float80.h"

#define EXP_INF 0x7FFF
#define EXP_MAXN 0x7FFE
#define BIAS X86_F80_BIAS
/* The unmasked overflow/underflow response re-biases the exponent by this much (387 PRM 3.2.2). */
#define BIAS_ADJUST 24576

#define TOP (1ull << 63)

static inline int clz64(uint64_t v) { return v ? __builtin_clzll(v) : 64; }

/* ---- 128-bit helpers (portable: no __int128) ---- */

static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* Shifts hi:lo right by n, OR-ing every bit shifted out into bit 0 (a "sticky" bit). */
static void shr_jam(uint64_t *hi, uint64_t *lo, int32_t n)
{
    if (n <= 0) {
        return;
    }
    if (n >= 128) {
        *lo = (*hi | *lo) != 0;
        *hi = 0;
    } else if (n >= 64) {
        uint64_t lost = (n == 64 ? 0 : *hi << (128 - n)) | *lo;
        *lo = (n == 64 ? *hi : *hi >> (n - 64)) | (lost != 0);
        *hi = 0;
    } else {
        uint64_t lost = *lo << (64 - n);
        *lo = (*lo >> n) | (*hi << (64 - n)) | (lost != 0);
        *hi >>= n;
    }
}

static void shl128(uint64_t *hi, uint64_t *lo, int n)
{
    if (n <= 0) {
        return;
    }
    if (n >= 64) {
        *hi = *lo << (n - 64);
        *lo = 0;
    } else {
        *hi = (*hi << n) | (*lo >> (64 - n));
        *lo <<= n;
    }
}

static inline int cmp128(uint64_t ah, uint64_t al, uint64_t bh, uint64_t bl)
{
    return ah != bh ? (ah < bh ? -1 : 1) : al != bl ? (al < bl ? -1 : 1) : 0;
}

static inline void sub128(uint64_t *ah, uint64_t *al, uint64_t bh, uint64_t bl)
{
    uint64_t l = *al - bl;
    *ah = *ah - bh - (l > *al);
    *al = l;
}

/* ---- classification and unpacking ---- */

void x86_f80_env(X86F80Env *e, uint16_t cw)
{
    static const uint8_t prec[4] = { 24, 64, 53, 64 };
    e->rc = (cw >> 10) & 3;
    e->prec = prec[(cw >> 8) & 3];
    e->mask = cw & 0x3F;
    e->exc = 0;
    e->c1 = false;
}

X86F80Class x86_f80_class(X86F80 a)
{
    uint32_t ex = x86_f80_exp(a);
    bool j = (a.sig >> 63) != 0;
    if (ex == 0) {
        return a.sig == 0 ? X86_F80_ZERO : X86_F80_DENORMAL;
    }
    if (ex == EXP_INF) {
        if (!j) {
            return X86_F80_UNSUPPORTED;
        }
        if ((a.sig << 1) == 0) {
            return X86_F80_INF;
        }
        return (a.sig >> 62) & 1 ? X86_F80_QNAN : X86_F80_SNAN;
    }
    return j ? X86_F80_NORMAL : X86_F80_UNSUPPORTED;
}


/* A finite non-zero value with a normalized significand and an unbounded biased exponent. */
typedef struct Unp {
    bool sign;
    int32_t exp;
    uint64_t sig;
} Unp;

static Unp unpack(X86F80 a)
{
    Unp u = { x86_f80_sign(a), (int32_t)x86_f80_exp(a), a.sig };
    if (u.exp == 0) {
        /* Denormals and pseudo-denormals have the weight of exponent 1. */
        int s = clz64(u.sig);
        u.exp = 1 - s;
        u.sig <<= s;
    }
    return u;
}


X86F80 x86_f80_nan1(X86F80Env *e, X86F80 a)
{
    if (x86_f80_class(a) == X86_F80_SNAN) {
        e->exc |= X86_FE_IE;
    }
    a.sig |= 1ull << 62;
    return a;
}

X86F80 x86_f80_nan2(X86F80Env *e, X86F80 a, X86F80 b)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    if (ca == X86_F80_SNAN || cb == X86_F80_SNAN) {
        e->exc |= X86_FE_IE;
    }
    X86F80 qa = a, qb = b;
    qa.sig |= 1ull << 62;
    qb.sig |= 1ull << 62;
    if (!x86_f80_is_nan(cb)) {
        return qa;
    }
    if (!x86_f80_is_nan(ca)) {
        return qb;
    }
    /* Both NaNs: an SNaN/QNaN pair gives the QNaN; otherwise the larger significand; on a tie
     * the positive one (SDM vol. 1 table 4-7). */
    if (ca == X86_F80_SNAN && cb == X86_F80_QNAN) {
        return qb;
    }
    if (cb == X86_F80_SNAN && ca == X86_F80_QNAN) {
        return qa;
    }
    if (qa.sig != qb.sig) {
        return qa.sig > qb.sig ? qa : qb;
    }
    return qa.se < qb.se ? qa : qb;
}

/* ---- rounding ---- */

/*
 * Rounds hi:lo to the top prec bits of hi by mode rc. Returns true when the rounded value carried
 * out of 64 bits (hi is then 0 and the caller renormalizes).
 */
static bool round_bits(unsigned rc, bool sign, uint64_t *hi, uint64_t lo, unsigned prec,
                       bool *inexact, bool *up)
{
    uint64_t mask, ulp;
    bool rbit, sticky;
    if (prec >= 64) {
        mask = 0;
        ulp = 1;
        rbit = (lo >> 63) != 0;
        sticky = (lo << 1) != 0;
    } else {
        unsigned sh = 64 - prec;
        mask = (1ull << sh) - 1;
        ulp = 1ull << sh;
        rbit = ((*hi >> (sh - 1)) & 1) != 0;
        sticky = ((*hi & (mask >> 1)) | lo) != 0;
    }
    bool lsb = (*hi & ulp) != 0;
    bool inc;
    *inexact = rbit || sticky;
    switch (rc) {
    case X86_RC_NEAR: inc = rbit && (sticky || lsb); break;
    case X86_RC_DOWN: inc = *inexact && sign; break;
    case X86_RC_UP: inc = *inexact && !sign; break;
    default: inc = false; break;
    }
    *up = inc;
    *hi &= ~mask;
    if (inc) {
        *hi += ulp;
        return *hi == 0;
    }
    return false;
}

/* The outcome of rounding into some format: exp is the f80-biased exponent; a significand with
 * bit 63 clear is a denormal (at exponent emin) or zero. */
typedef struct Rnd {
    bool sign, inf;
    int32_t exp;
    uint64_t sig;
} Rnd;

/*
 * The common rounding core for a format with prec significand bits and (f80-biased) normal
 * exponents emin..emax. reg: the destination is an x87 register (the unmasked responses re-bias
 * the exponent); otherwise a memory format (an unmasked overflow/underflow stores nothing).
 */
static Rnd round_fmt(X86F80Env *e, bool sign, int32_t exp, uint64_t hi, uint64_t lo, unsigned prec,
                     int32_t emin, int32_t emax, bool reg)
{
    Rnd r = { sign, false, exp, 0 };
    bool inexact, up;
    if (exp < emin) {
        /* Below the normal range. The x87 detects tininess after rounding: a value that rounds
         * (with unbounded exponent, at the precision-control width) up to the smallest normal is
         * not tiny (host-checked). */
        uint64_t th = hi;
        bool tiny = !(round_bits(e->rc, sign, &th, lo, prec, &inexact, &up) && exp + 1 >= emin);
        if (!(e->mask & X86_FE_UE) && !reg) {
            e->exc |= X86_FE_UE; /* a memory destination is left alone: no PE, no C1 */
            return r;
        }
        if (!(e->mask & X86_FE_UE) && exp + BIAS_ADJUST >= emin) {
            e->exc |= X86_FE_UE;
            if (round_bits(e->rc, sign, &hi, lo, prec, &inexact, &up)) {
                hi = TOP;
                exp++;
            }
            if (inexact) {
                e->exc |= X86_FE_PE;
            }
            e->c1 = up;
            r.exp = exp + BIAS_ADJUST;
            r.sig = hi;
            return r;
        }
        if (!(e->mask & X86_FE_UE)) {
            /* Too tiny even for the re-biased range (FSCALE): a signed zero whatever the
             * rounding mode (host-checked). */
            e->exc |= X86_FE_UE | X86_FE_PE;
            e->c1 = false;
            r.exp = emin;
            r.sig = 0;
            return r;
        }
        shr_jam(&hi, &lo, emin - exp);
        round_bits(e->rc, sign, &hi, lo, prec, &inexact, &up);
        if (inexact) {
            e->exc |= tiny ? X86_FE_PE | X86_FE_UE : X86_FE_PE;
        }
        e->c1 = up;
        r.exp = emin;
        r.sig = hi;
        return r;
    }
    if (round_bits(e->rc, sign, &hi, lo, prec, &inexact, &up)) {
        hi = TOP;
        exp++;
    }
    if (exp > emax) {
        e->exc |= X86_FE_OE;
        if (!(e->mask & X86_FE_OE) && !reg) {
            return r; /* a memory destination is left alone: no PE, no C1 */
        }
        if (!(e->mask & X86_FE_OE) && exp - BIAS_ADJUST <= emax) {
            if (inexact) {
                e->exc |= X86_FE_PE;
            }
            e->c1 = up;
            r.exp = exp - BIAS_ADJUST;
            r.sig = hi;
            return r;
        }
        e->exc |= X86_FE_PE;
        if (!(e->mask & X86_FE_OE)) {
            /* Too large even for the re-biased range (FSCALE): infinity whatever the rounding
             * mode (host-checked). */
            e->c1 = true;
            r.inf = true;
            r.exp = EXP_INF;
            r.sig = TOP;
            return r;
        }
        bool to_inf = e->rc == X86_RC_NEAR || (e->rc == X86_RC_UP && !sign) ||
                      (e->rc == X86_RC_DOWN && sign);
        e->c1 = to_inf;
        if (to_inf) {
            r.inf = true;
            r.exp = EXP_INF;
            r.sig = TOP;
        } else {
            r.exp = emax;
            r.sig = prec >= 64 ? ~0ull : ~0ull << (64 - prec);
        }
        return r;
    }
    if (inexact) {
        e->exc |= X86_FE_PE;
    }
    e->c1 = up;
    r.exp = exp;
    r.sig = hi;
    return r;
}

static X86F80 round_pack_prec(X86F80Env *e, bool sign, int32_t exp, uint64_t hi, uint64_t lo,
                              unsigned prec)
{
    Rnd r = round_fmt(e, sign, exp, hi, lo, prec, 1, EXP_MAXN, true);
    if (r.inf) {
        return x86_f80_inf(sign);
    }
    if (!(r.sig >> 63)) {
        return x86_f80_make(sign, 0, r.sig); /* denormal or zero */
    }
    return x86_f80_make(sign, (uint32_t)r.exp, r.sig);
}

X86F80 x86_f80_round_pack(X86F80Env *e, bool sign, int32_t exp, uint64_t hi, uint64_t lo)
{
    return round_pack_prec(e, sign, exp, hi, lo, e->prec);
}

X86F80 x86_f80_round_pack64(X86F80Env *e, bool sign, int32_t exp, uint64_t hi, uint64_t lo)
{
    return round_pack_prec(e, sign, exp, hi, lo, 64);
}

static X86F80 pack_unp(X86F80Env *e, Unp u)
{
    return x86_f80_round_pack(e, u.sign, u.exp, u.sig, 0);
}

static X86F80 pack_unp64(X86F80Env *e, Unp u)
{
    return x86_f80_round_pack64(e, u.sign, u.exp, u.sig, 0);
}

/* ---- add / subtract ---- */

static X86F80 add_mag(X86F80Env *e, Unp a, Unp b)
{
    if (a.exp < b.exp) {
        Unp t = a;
        a = b;
        b = t;
    }
    uint64_t bh = b.sig, bl = 0;
    shr_jam(&bh, &bl, a.exp - b.exp);
    uint64_t hi = a.sig + bh, lo = bl;
    int32_t exp = a.exp;
    if (hi < a.sig) {
        shr_jam(&hi, &lo, 1);
        hi |= TOP;
        exp++;
    }
    return x86_f80_round_pack(e, a.sign, exp, hi, lo);
}

static X86F80 sub_mag(X86F80Env *e, Unp a, Unp b)
{
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        Unp t = a;
        a = b;
        b = t;
    }
    if (a.exp == b.exp && a.sig == b.sig) {
        return x86_f80_zero(e->rc == X86_RC_DOWN);
    }
    uint64_t bh = b.sig, bl = 0, hi = a.sig, lo = 0;
    shr_jam(&bh, &bl, a.exp - b.exp);
    sub128(&hi, &lo, bh, bl);
    int n = hi ? clz64(hi) : 64 + clz64(lo);
    shl128(&hi, &lo, n);
    return x86_f80_round_pack(e, a.sign, a.exp - n, hi, lo);
}

static X86F80 addsub(X86F80Env *e, X86F80 a, X86F80 b, bool negb)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    X86F80 special;
    if (x86_f80_special2(e, a, b, ca, cb, &special)) {
        return special;
    }
    if ((ca == X86_F80_DENORMAL || cb == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    bool sa = x86_f80_sign(a), sb = x86_f80_sign(b) ^ negb;
    if (ca == X86_F80_INF) {
        if (cb == X86_F80_INF && sa != sb) {
            return x86_f80_invalid(e);
        }
        return x86_f80_inf(sa);
    }
    if (cb == X86_F80_INF) {
        return x86_f80_inf(sb);
    }
    if (ca == X86_F80_ZERO && cb == X86_F80_ZERO) {
        return x86_f80_zero(sa == sb ? sa : e->rc == X86_RC_DOWN);
    }
    Unp ub;
    if (ca == X86_F80_ZERO) {
        ub = unpack(b);
        ub.sign = sb;
        return pack_unp(e, ub);
    }
    Unp ua = unpack(a);
    if (cb == X86_F80_ZERO) {
        return pack_unp(e, ua);
    }
    ub = unpack(b);
    ub.sign = sb;
    return ua.sign == ub.sign ? add_mag(e, ua, ub) : sub_mag(e, ua, ub);
}

X86F80 x86_f80_add(X86F80Env *e, X86F80 a, X86F80 b) { return addsub(e, a, b, false); }
X86F80 x86_f80_sub(X86F80Env *e, X86F80 a, X86F80 b) { return addsub(e, a, b, true); }

/* ---- multiply / divide / square root ---- */

X86F80 x86_f80_mul(X86F80Env *e, X86F80 a, X86F80 b)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    X86F80 special;
    if (x86_f80_special2(e, a, b, ca, cb, &special)) {
        return special;
    }
    bool s = x86_f80_sign(a) ^ x86_f80_sign(b);
    if ((ca == X86_F80_INF && cb == X86_F80_ZERO) || (ca == X86_F80_ZERO && cb == X86_F80_INF)) {
        return x86_f80_invalid(e);
    }
    if ((ca == X86_F80_DENORMAL || cb == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    if (ca == X86_F80_INF || cb == X86_F80_INF) {
        return x86_f80_inf(s);
    }
    if (ca == X86_F80_ZERO || cb == X86_F80_ZERO) {
        return x86_f80_zero(s);
    }
    Unp ua = unpack(a), ub = unpack(b);
    uint64_t hi, lo;
    mul64(ua.sig, ub.sig, &hi, &lo);
    int32_t exp = ua.exp + ub.exp - BIAS;
    if (hi >> 63) {
        exp++;
    } else {
        shl128(&hi, &lo, 1);
    }
    return x86_f80_round_pack(e, s, exp, hi, lo);
}

X86F80 x86_f80_div(X86F80Env *e, X86F80 a, X86F80 b)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    X86F80 special;
    if (x86_f80_special2(e, a, b, ca, cb, &special)) {
        return special;
    }
    bool s = x86_f80_sign(a) ^ x86_f80_sign(b);
    if ((ca == X86_F80_INF && cb == X86_F80_INF) || (ca == X86_F80_ZERO && cb == X86_F80_ZERO)) {
        return x86_f80_invalid(e);
    }
    if (cb == X86_F80_ZERO && ca != X86_F80_INF) {
        /* Divide by zero takes precedence: a denormal dividend raises no DE (host-checked). */
        e->exc |= X86_FE_ZE;
        return x86_f80_inf(s);
    }
    if ((ca == X86_F80_DENORMAL || cb == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    if (ca == X86_F80_INF) {
        return x86_f80_inf(s);
    }
    if (cb == X86_F80_INF) {
        return x86_f80_zero(s);
    }
    if (ca == X86_F80_ZERO) {
        return x86_f80_zero(s);
    }
    Unp ua = unpack(a), ub = unpack(b);
    int32_t exp = ua.exp - ub.exp + BIAS;
    uint64_t rh = 0, rl = ua.sig;
    if (ua.sig < ub.sig) {
        shl128(&rh, &rl, 1);
        exp--;
    }
    /* Restoring division: 64 quotient bits, then one round bit and the remainder as sticky. */
    uint64_t q = 0;
    for (int k = 0; k < 64; k++) {
        q <<= 1;
        if (cmp128(rh, rl, 0, ub.sig) >= 0) {
            sub128(&rh, &rl, 0, ub.sig);
            q |= 1;
        }
        shl128(&rh, &rl, 1);
    }
    uint64_t lo = 0;
    if (cmp128(rh, rl, 0, ub.sig) >= 0) {
        sub128(&rh, &rl, 0, ub.sig);
        lo = TOP;
    }
    lo |= (rh | rl) != 0;
    return x86_f80_round_pack(e, s, exp, q, lo);
}

X86F80 x86_f80_sqrt(X86F80Env *e, X86F80 a)
{
    X86F80Class ca = x86_f80_class(a);
    if (ca == X86_F80_UNSUPPORTED) {
        return x86_f80_invalid(e);
    }
    if (x86_f80_is_nan(ca)) {
        return x86_f80_nan1(e, a);
    }
    if (ca == X86_F80_ZERO) {
        return a;
    }
    if (x86_f80_sign(a)) {
        return x86_f80_invalid(e);
    }
    if (ca == X86_F80_INF) {
        return a;
    }
    if (ca == X86_F80_DENORMAL && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    Unp u = unpack(a);
    int32_t ue = u.exp - BIAS;
    uint64_t rh = u.sig, rl = 0; /* radicand: sig << 64 (odd exponent) or sig << 63 (even) */
    int32_t rexp;
    if (ue & 1) {
        rexp = (ue - 1) / 2;
    } else {
        shr_jam(&rh, &rl, 1);
        rexp = ue / 2;
    }
    /* Bit-by-bit integer square root of the 128-bit radicand: 64 root bits and a remainder. */
    uint64_t root = 0, mh = 0, ml = 0;
    for (int k = 63; k >= 0; k--) {
        unsigned two = k >= 32 ? (unsigned)(rh >> (2 * k - 64)) & 3 : (unsigned)(rl >> (2 * k)) & 3;
        shl128(&mh, &ml, 2);
        ml |= two;
        uint64_t th = root >> 62, tl = (root << 2) | 1;
        if (cmp128(mh, ml, th, tl) >= 0) {
            sub128(&mh, &ml, th, tl);
            root = (root << 1) | 1;
        } else {
            root <<= 1;
        }
    }
    /* The remainder decides the rest: more than root means above the half-way point (an exact
     * half is impossible for a square root); non-zero means inexact. */
    uint64_t lo = 0;
    if (mh || ml) {
        lo = cmp128(mh, ml, 0, root) > 0 ? TOP | 1 : 1;
    }
    return x86_f80_round_pack(e, false, rexp + BIAS, root, lo);
}

/* ---- compare ---- */

int x86_f80_compare(X86F80Env *e, X86F80 a, X86F80 b, bool quiet)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    if (ca == X86_F80_UNSUPPORTED || cb == X86_F80_UNSUPPORTED) {
        e->exc |= X86_FE_IE;
        return X86_CMP_UN;
    }
    if (x86_f80_is_nan(ca) || x86_f80_is_nan(cb)) {
        if (!quiet || ca == X86_F80_SNAN || cb == X86_F80_SNAN) {
            e->exc |= X86_FE_IE;
        }
        return X86_CMP_UN;
    }
    if (ca == X86_F80_DENORMAL || cb == X86_F80_DENORMAL) {
        e->exc |= X86_FE_DE;
    }
    bool za = ca == X86_F80_ZERO, zb = cb == X86_F80_ZERO;
    if (za && zb) {
        return X86_CMP_EQ;
    }
    bool sa = x86_f80_sign(a), sb = x86_f80_sign(b);
    if (za) {
        return sb ? X86_CMP_GT : X86_CMP_LT;
    }
    if (zb || sa != sb) {
        return sa ? X86_CMP_LT : X86_CMP_GT;
    }
    Unp ua = ca == X86_F80_INF ? (Unp){ sa, EXP_INF, TOP } : unpack(a);
    Unp ub = cb == X86_F80_INF ? (Unp){ sb, EXP_INF, TOP } : unpack(b);
    int c = ua.exp != ub.exp ? (ua.exp < ub.exp ? -1 : 1)
                             : ua.sig != ub.sig ? (ua.sig < ub.sig ? -1 : 1) : 0;
    if (c == 0) {
        return X86_CMP_EQ;
    }
    if (sa) {
        c = -c;
    }
    return c < 0 ? X86_CMP_LT : X86_CMP_GT;
}

/* ---- integers ---- */

static X86F80 from_u64(bool sign, uint64_t mag)
{
    if (mag == 0) {
        return x86_f80_zero(sign);
    }
    int n = clz64(mag);
    return x86_f80_make(sign, (uint32_t)(BIAS + 63 - n), mag << n);
}

X86F80 x86_f80_from_int(int64_t v)
{
    return from_u64(v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

/* Rounds a finite non-zero value to an integer magnitude by e->rc. *big: it does not fit in 64
 * bits. */
static uint64_t round_to_u64(X86F80Env *e, Unp u, bool *big, bool *inexact, bool *up)
{
    int32_t ue = u.exp - BIAS;
    *big = false;
    *inexact = *up = false;
    if (ue >= 64) {
        *big = true;
        return 0;
    }
    if (ue == 63) {
        return u.sig;
    }
    uint64_t hi = u.sig, lo = 0;
    shr_jam(&hi, &lo, 63 - ue);
    round_bits(e->rc, u.sign, &hi, lo, 64, inexact, up);
    return hi;
}

int64_t x86_f80_to_int(X86F80Env *e, X86F80 a, unsigned bits)
{
    uint64_t limit = 1ull << (bits - 1);
    int64_t indefinite = (int64_t)((uint64_t)0 - limit);
    X86F80Class c = x86_f80_class(a);
    if (c == X86_F80_ZERO) {
        return 0;
    }
    if (c != X86_F80_NORMAL && c != X86_F80_DENORMAL) {
        e->exc |= X86_FE_IE;
        return indefinite;
    }
    Unp u = unpack(a);
    bool big, inexact, up;
    uint64_t m = round_to_u64(e, u, &big, &inexact, &up);
    if (big || m > limit - (u.sign ? 0 : 1)) {
        e->exc |= X86_FE_IE;
        return indefinite;
    }
    if (inexact) {
        e->exc |= X86_FE_PE;
    }
    e->c1 = up;
    return u.sign ? (int64_t)((uint64_t)0 - m) : (int64_t)m;
}

X86F80 x86_f80_round_int(X86F80Env *e, X86F80 a)
{
    X86F80Class c = x86_f80_class(a);
    if (c == X86_F80_UNSUPPORTED) {
        return x86_f80_invalid(e);
    }
    if (x86_f80_is_nan(c)) {
        return x86_f80_nan1(e, a);
    }
    if (c == X86_F80_ZERO || c == X86_F80_INF) {
        return a;
    }
    if (c == X86_F80_DENORMAL && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    Unp u = unpack(a);
    bool big, inexact, up;
    uint64_t m = round_to_u64(e, u, &big, &inexact, &up);
    if (big || u.exp - BIAS >= 63) {
        return a;
    }
    if (inexact) {
        e->exc |= X86_FE_PE;
    }
    e->c1 = up;
    return from_u64(u.sign, m);
}

/* ---- binary floating-point formats ---- */

/* The single (fbits 23, ebits 8) and double (52, 11) formats share one layout: sign, biased
 * exponent, fraction with a hidden integer bit (IEEE 754; SDM vol. 1 4.2.2). */
static X86F80 from_binary(X86F80Env *e, uint64_t v, unsigned fbits, unsigned ebits)
{
    uint32_t emask = (1u << ebits) - 1, fbias = emask >> 1;
    unsigned shift = 63 - fbits; /* fraction bit fbits-1 goes to bit 62 */
    bool s = (v >> (fbits + ebits)) & 1;
    uint32_t ex = (uint32_t)(v >> fbits) & emask;
    uint64_t frac = v & ((1ull << fbits) - 1);
    if (ex == emask) {
        if (frac == 0) {
            return x86_f80_inf(s);
        }
        return x86_f80_make(s, EXP_INF, TOP | frac << shift); /* SNaN stays signalling */
    }
    if (ex == 0) {
        if (frac == 0) {
            return x86_f80_zero(s);
        }
        e->exc |= X86_FE_DE;
        int n = clz64(frac);
        return x86_f80_make(s, (uint32_t)(BIAS + 63 - (int32_t)(fbias - 1 + fbits) - n),
                            frac << n);
    }
    return x86_f80_make(s, ex - fbias + BIAS, TOP | frac << shift);
}

X86F80 x86_f80_from_f32(X86F80Env *e, uint32_t v) { return from_binary(e, v, 23, 8); }
X86F80 x86_f80_from_f64(X86F80Env *e, uint64_t v) { return from_binary(e, v, 52, 11); }

/* Rounds a (not zero, infinite, NaN or unsupported) to prec bits with unbiased exponents
 * emin..emax. */
static Rnd to_fmt(X86F80Env *e, X86F80 a, unsigned prec, int32_t emin, int32_t emax)
{
    Unp u = unpack(a);
    return round_fmt(e, u.sign, u.exp, u.sig, 0, prec, emin + BIAS, emax + BIAS, false);
}

/* The inverse of from_binary: a rounded to the format, or its masked response. */
static uint64_t to_binary(X86F80Env *e, X86F80 a, unsigned fbits, unsigned ebits)
{
    uint32_t emask = (1u << ebits) - 1, fbias = emask >> 1;
    unsigned shift = 63 - fbits;
    uint64_t fmask = (1ull << fbits) - 1, inf = (uint64_t)emask << fbits;
    uint64_t s = x86_f80_sign(a) ? 1ull << (fbits + ebits) : 0;
    switch (x86_f80_class(a)) {
    case X86_F80_UNSUPPORTED:
        e->exc |= X86_FE_IE;
        return 1ull << (fbits + ebits) | inf | 1ull << (fbits - 1); /* the QNaN indefinite */
    case X86_F80_QNAN:
    case X86_F80_SNAN:
        a = x86_f80_nan1(e, a);
        return s | inf | (a.sig >> shift & fmask);
    case X86_F80_INF:
        return s | inf;
    case X86_F80_ZERO:
        return s;
    default:
        break;
    }
    Rnd r = to_fmt(e, a, fbits + 1, 1 - (int32_t)fbias, (int32_t)fbias);
    if (r.inf) {
        return s | inf;
    }
    if (!(r.sig >> 63)) {
        return s | r.sig >> shift;
    }
    return s | (uint64_t)(r.exp - BIAS + (int32_t)fbias) << fbits | (r.sig >> shift & fmask);
}

uint32_t x86_f80_to_f32(X86F80Env *e, X86F80 a) { return (uint32_t)to_binary(e, a, 23, 8); }
uint64_t x86_f80_to_f64(X86F80Env *e, X86F80 a) { return to_binary(e, a, 52, 11); }

/* ---- packed BCD ---- */

X86F80 x86_f80_from_bcd(const uint8_t bcd[10])
{
    /* Digits are taken at face value; invalid nibbles give the chip's "undefined" result. */
    uint64_t v = 0;
    for (int k = 8; k >= 0; k--) {
        v = v * 100 + (uint64_t)(bcd[k] >> 4) * 10 + (bcd[k] & 0x0F);
    }
    return from_u64((bcd[9] & 0x80) != 0, v);
}

void x86_f80_to_bcd(X86F80Env *e, X86F80 a, uint8_t bcd[10])
{
    X86F80Class c = x86_f80_class(a);
    uint64_t m = 0;
    bool ok = true;
    if (c == X86_F80_NORMAL || c == X86_F80_DENORMAL) {
        bool big, inexact, up;
        m = round_to_u64(e, unpack(a), &big, &inexact, &up);
        if (big || m > 999999999999999999ull) {
            ok = false;
        } else {
            if (inexact) {
                e->exc |= X86_FE_PE;
            }
            e->c1 = up;
        }
    } else if (c != X86_F80_ZERO) {
        ok = false;
    }
    if (!ok) {
        /* The packed BCD indefinite: FFFF C000 0000 0000 0000 (387 PRM table 2-6; host-checked). */
        e->exc |= X86_FE_IE;
        for (int k = 0; k < 7; k++) {
            bcd[k] = 0;
        }
        bcd[7] = 0xC0;
        bcd[8] = 0xFF;
        bcd[9] = 0xFF;
        return;
    }
    for (int k = 0; k < 9; k++) {
        unsigned lo = (unsigned)(m % 10);
        m /= 10;
        unsigned hi = (unsigned)(m % 10);
        m /= 10;
        bcd[k] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = x86_f80_sign(a) ? 0x80 : 0;
}

/* ---- FSCALE, FXTRACT, FPREM ---- */

X86F80 x86_f80_scale(X86F80Env *e, X86F80 a, X86F80 b)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    X86F80 special;
    if (x86_f80_special2(e, a, b, ca, cb, &special)) {
        return special;
    }
    if ((ca == X86_F80_DENORMAL || cb == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    bool sa = x86_f80_sign(a);
    if (cb == X86_F80_INF) {
        if (x86_f80_sign(b)) {
            return ca == X86_F80_INF ? x86_f80_invalid(e) : x86_f80_zero(sa);
        }
        return ca == X86_F80_ZERO ? x86_f80_invalid(e) : x86_f80_inf(sa);
    }
    if (ca == X86_F80_INF || ca == X86_F80_ZERO) {
        return a;
    }
    int32_t n = 0;
    if (cb != X86_F80_ZERO) {
        Unp ub = unpack(b);
        int32_t ue = ub.exp - BIAS;
        if (ue >= 20) {
            n = 1 << 20; /* far beyond any finite result: overflows/underflows the same way */
        } else if (ue >= 0) {
            n = (int32_t)(ub.sig >> (63 - ue));
        }
        if (ub.sign) {
            n = -n;
        }
    }
    Unp ua = unpack(a);
    return x86_f80_round_pack64(e, sa, ua.exp + n, ua.sig, 0);
}

void x86_f80_xtract(X86F80Env *e, X86F80 a, X86F80 *exponent, X86F80 *significand)
{
    X86F80Class c = x86_f80_class(a);
    if (c == X86_F80_UNSUPPORTED) {
        *exponent = *significand = x86_f80_invalid(e);
        return;
    }
    if (x86_f80_is_nan(c)) {
        *exponent = *significand = x86_f80_nan1(e, a);
        return;
    }
    if (c == X86_F80_ZERO) {
        e->exc |= X86_FE_ZE;
        *exponent = x86_f80_inf(true);
        *significand = a;
        return;
    }
    if (c == X86_F80_INF) {
        *exponent = x86_f80_inf(false);
        *significand = a;
        return;
    }
    if (c == X86_F80_DENORMAL && x86_f80_denormal_stops(e)) {
        *exponent = *significand = x86_f80_indefinite();
        return;
    }
    Unp u = unpack(a);
    *exponent = x86_f80_from_int(u.exp - BIAS);
    *significand = x86_f80_make(u.sign, BIAS, u.sig);
}

X86F80 x86_f80_rem(X86F80Env *e, X86F80 a, X86F80 b, bool ieee, unsigned *quot, bool *partial)
{
    X86F80Class ca = x86_f80_class(a), cb = x86_f80_class(b);
    *quot = 0;
    *partial = false;
    X86F80 special;
    if (x86_f80_special2(e, a, b, ca, cb, &special)) {
        return special;
    }
    if (ca == X86_F80_INF || cb == X86_F80_ZERO) {
        return x86_f80_invalid(e);
    }
    if ((ca == X86_F80_DENORMAL || cb == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    if (ca == X86_F80_ZERO || cb == X86_F80_INF) {
        return ca == X86_F80_ZERO ? a : pack_unp64(e, unpack(a));
    }
    Unp ua = unpack(a), ub = unpack(b);
    int32_t d = ua.exp - ub.exp;
    bool sign = ua.sign;
    if (d < 0) {
        if (ieee && d == -1 && ua.sig > ub.sig) {
            /* |a| > |b|/2: quotient 1, remainder |a| - |b| (negative). */
            uint64_t rh = 0, rl = ub.sig;
            shl128(&rh, &rl, 1);
            sub128(&rh, &rl, 0, ua.sig);
            int n = clz64(rl);
            *quot = 1;
            return x86_f80_round_pack64(e, !sign, ua.exp - n, rl << n, 0);
        }
        return pack_unp64(e, ua);
    }
    int32_t steps = d, rexp = ub.exp;
    if (d >= 64) {
        /* Incomplete reduction: the 387 takes N = 32 + (D mod 32) quotient bits per execution
         * (SDM FPREM: "N is between 32 and 63"; host-checked). */
        steps = 32 + (d % 32);
        rexp = ub.exp + d - steps;
        *partial = true;
    }
    uint64_t rh = 0, rl = ua.sig, q = 0;
    for (int32_t k = 0; k <= steps; k++) {
        q <<= 1;
        if (cmp128(rh, rl, 0, ub.sig) >= 0) {
            sub128(&rh, &rl, 0, ub.sig);
            q |= 1;
        }
        if (k < steps) {
            shl128(&rh, &rl, 1);
        }
    }
    uint64_t r = rl; /* < ub.sig */
    if (ieee && !*partial) {
        uint64_t half = ub.sig >> 1;
        bool gt = r > half; /* 2r > |b| */
        bool eq = r == half && !(ub.sig & 1);
        if (gt || (eq && (q & 1))) {
            r = ub.sig - r;
            sign = !sign;
            q++;
        }
    }
    *quot = (unsigned)(q & 7);
    if (r == 0) {
        return x86_f80_zero(ua.sign);
    }
    int n = clz64(r);
    return x86_f80_round_pack64(e, sign, rexp - n, r << n, 0);
}
