/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1,
 * and the FLDPI/FLDL2T/FLDL2E/FLDLG2/FLDLN2 constants.
 *
 * Method: each function is evaluated in a private 128-bit-significand floating format ("Wide",
 * truncating arithmetic, about 120 good bits after the series) and rounded once to the 64-bit
 * destination under the control word's rounding mode, so results are correctly rounded except
 * when the exact value lies within ~2^-55 ulp of a rounding boundary. The real chips are not
 * correctly rounded (Intel documents < 1 ulp for the 486 and later); tests/unit/test_x87.c
 * compares with the host x87 and requires every result within 1 ulp. Measured against an x86-64
 * host over 120000 random operands (all rounding modes): 97.0% bit-identical overall (FSIN/FCOS
 * ~99.5%, FPATAN/F2XM1/FYL2X/FYL2XP1 97-99%, FPTAN ~88%: the chip's tangent is the least
 * accurate), every other result one ulp away. C1 after a transcendental reflects the rounding
 * direction of our exact value, the chip's that of its internal approximation: they differ in
 * a few percent of the cases (deviation, documented; the test does not compare C1 there).
 *
 * Argument reduction for FSIN/FCOS/FSINCOS/FPTAN is exact, modulo the 387's 66-bit value of pi,
 * P = 0xC90FDAA22168C234C * 2^-66 (Intel SDM vol. 1 8.3.10 "Transcendental instruction accuracy":
 * the x87 uses a 66-bit approximation of pi for reduction; its bits are the first 66 of pi), not
 * modulo the true pi: for large arguments and near multiples of pi/2 the chip's results follow P,
 * and so do ours. Arguments with |x| >= 2^63 set C2 and are left unchanged (SDM FSIN).
 *
 * Domains the manuals leave undefined: F2XM1 outside [-1, +1] returns 2^x - 1 computed the same
 * way; FYL2XP1 outside |x| < 1 - sqrt(2)/2 returns y * log2(1 + x) for x > -1.
 */
#include "cpu/x86/fpu_float80.h"

/* ---- the wide format: value = (h:l / 2^127) * 2^e, h bit 63 set; zero when h == 0 ---- */

typedef struct Wide {
    bool s;
    int32_t e;
    uint64_t h, l;
} Wide;

static inline int clz64(uint64_t v) { return v ? __builtin_clzll(v) : 64; }

static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static Wide w_norm(Wide a)
{
    if (a.h == 0 && a.l == 0) {
        a.e = 0;
        return a;
    }
    int n = a.h ? clz64(a.h) : 64 + clz64(a.l);
    if (n >= 64) {
        a.h = a.l << (n - 64);
        a.l = 0;
    } else if (n > 0) {
        a.h = (a.h << n) | (a.l >> (64 - n));
        a.l <<= n;
    }
    a.e -= n;
    return a;
}

static inline bool w_zero(Wide a) { return a.h == 0; }

static Wide w_from_u64(uint64_t v)
{
    Wide w = { false, 63, v, 0 };
    return w_norm(w);
}

static Wide w_from_f80(X86F80 a)
{
    Wide w = { x86_f80_sign(a), (int32_t)x86_f80_exp(a) - X86_F80_BIAS, a.sig, 0 };
    if (x86_f80_exp(a) == 0) {
        w.e = 1 - X86_F80_BIAS;
    }
    return w_norm(w);
}

/* Rounds to the destination. dir tells where the true result lies relative to the wide value
 * when it is not exact: +1 above (a sticky bit below it), -1 below (one unit of the 128-bit
 * significand less, plus a sticky bit), 0 exact. It matters only when a series tail vanished
 * below the 128 bits (sin x for tiny x is just below x; cos just below 1; tan just above x). */
static X86F80 w_to_f80(X86F80Env *e, Wide a, int dir)
{
    if (w_zero(a)) {
        return x86_f80_zero(a.s);
    }
    if (dir < 0) {
        a.h -= a.l == 0;
        a.l -= 1;
        if (!(a.h >> 63)) {
            a.h = (a.h << 1) | (a.l >> 63);
            a.l <<= 1;
            a.e--;
        }
    }
    return x86_f80_round_pack64(e, a.s, a.e + X86_F80_BIAS, a.h, a.l | (dir != 0 ? 1 : 0));
}

static Wide w_neg(Wide a)
{
    a.s = !a.s;
    return a;
}

/* Shifts h:l right by n (truncating). */
static void shr128(uint64_t *h, uint64_t *l, int32_t n)
{
    if (n >= 128) {
        *h = *l = 0;
    } else if (n >= 64) {
        *l = n == 64 ? *h : *h >> (n - 64);
        *h = 0;
    } else if (n > 0) {
        *l = (*l >> n) | (*h << (64 - n));
        *h >>= n;
    }
}

static Wide w_add(Wide a, Wide b)
{
    if (w_zero(a)) {
        return b;
    }
    if (w_zero(b)) {
        return a;
    }
    if (a.e < b.e || (a.e == b.e && (a.h < b.h || (a.h == b.h && a.l < b.l)))) {
        Wide t = a;
        a = b;
        b = t;
    }
    shr128(&b.h, &b.l, a.e - b.e);
    Wide r = a;
    if (a.s == b.s) {
        r.l = a.l + b.l;
        uint64_t c = r.l < a.l;
        r.h = a.h + b.h + c;
        if (r.h < a.h || (c && r.h == a.h)) {
            r.l = (r.l >> 1) | (r.h << 63);
            r.h = (r.h >> 1) | (1ull << 63);
            r.e++;
        }
        return r;
    }
    r.l = a.l - b.l;
    r.h = a.h - b.h - (a.l < b.l);
    return w_norm(r);
}

static Wide w_sub(Wide a, Wide b) { return w_add(a, w_neg(b)); }

static Wide w_mul(Wide a, Wide b)
{
    Wide r = { a.s != b.s, a.e + b.e, 0, 0 };
    if (w_zero(a) || w_zero(b)) {
        return (Wide){ r.s, 0, 0, 0 };
    }
    uint64_t p1h, p1l, p2h, p2l, p3h, p3l;
    mul64(a.h, b.h, &p1h, &p1l);
    mul64(a.h, b.l, &p2h, &p2l);
    mul64(a.l, b.h, &p3h, &p3l);
    uint64_t c = (p2l + p3l) < p2l;
    uint64_t mid = p2h + p3h;
    uint64_t c2 = mid < p2h;
    mid += c;
    c2 += mid < c;
    r.l = p1l + mid;
    r.h = p1h + c2 + (r.l < p1l);
    if (r.h >> 63) {
        r.e++;
    } else {
        r.h = (r.h << 1) | (r.l >> 63);
        r.l <<= 1;
    }
    return r;
}

/* Restoring division: 128 quotient bits. */
static Wide w_div(Wide a, Wide b)
{
    Wide r = { a.s != b.s, a.e - b.e, 0, 0 };
    if (w_zero(a)) {
        return (Wide){ r.s, 0, 0, 0 };
    }
    uint64_t rh = a.h, rl = a.l, top = 0, qh = 0, ql = 0;
    for (int k = 0; k < 128; k++) {
        bool ge = top || rh > b.h || (rh == b.h && rl >= b.l);
        qh = (qh << 1) | (ql >> 63);
        ql <<= 1;
        if (ge) {
            uint64_t nl = rl - b.l;
            rh = rh - b.h - (rl < b.l);
            rl = nl;
            ql |= 1;
        }
        top = rh >> 63;
        rh = (rh << 1) | (rl >> 63);
        rl <<= 1;
    }
    r.h = qh;
    r.l = ql;
    if (!(r.h >> 63)) {
        r.e--;
        r.h = (r.h << 1) | (r.l >> 63);
        r.l <<= 1;
    }
    return r;
}

/* Division by a small positive integer. */
static Wide w_div_u32(Wide a, uint32_t d)
{
    if (w_zero(a)) {
        return a;
    }
    uint32_t w[4] = { (uint32_t)(a.h >> 32), (uint32_t)a.h, (uint32_t)(a.l >> 32), (uint32_t)a.l };
    uint64_t rem = 0;
    uint32_t q[5];
    for (int k = 0; k < 4; k++) {
        uint64_t cur = rem << 32 | w[k];
        q[k] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    q[4] = (uint32_t)((rem << 32) / d);
    /* The quotient has up to 128 + 32 bits: keep the top 128 of q[0..4]. */
    Wide r = { a.s, a.e, (uint64_t)q[0] << 32 | q[1], (uint64_t)q[2] << 32 | q[3] };
    int n = clz64(r.h);
    if (r.h == 0) {
        r.h = r.l;
        r.l = (uint64_t)q[4] << 32;
        r.e -= 64;
        n = clz64(r.h);
        r.h = (r.h << n) | (n ? r.l >> (64 - n) : 0);
        r.l <<= n;
        r.e -= n;
        return r;
    }
    uint64_t extra = (uint64_t)q[4] << 32;
    if (n > 0) {
        r.h = (r.h << n) | (r.l >> (64 - n));
        r.l = (r.l << n) | (extra >> (64 - n));
    }
    r.e -= n;
    return r;
}

/* Constants (128-bit, truncated): computed with 400-bit arithmetic (mpmath). */
typedef struct WConst {
    uint64_t h, l;
    int32_t e;
} WConst;

static const WConst c_pi = { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 };
static const WConst c_ln2 = { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 };
static const WConst c_log2e = { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 };
/* FLD constants in FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2 order. */
static const WConst c_fld[5] = {
    { 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1 },
    { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 },
    { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 },
    { 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2 },
    { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 },
};
/* atan(k/16), k = 1..16. */
static const WConst c_atan16[16] = {
    { 0xFFAADDB967EF4E36ull, 0xCB2792DC0E2E0D51ull, -5 },
    { 0xFEADD4D5617B6E32ull, 0xC897989F3E888EF7ull, -4 },
    { 0xBDCBDA5E72D81134ull, 0x7B0B4F881C9C7487ull, -3 },
    { 0xFADBAFC96406EB15ull, 0x6DC79EF5F7A217E5ull, -3 },
    { 0x9B13B9B83F5E5E69ull, 0xC5ABB498D27AF328ull, -2 },
    { 0xB7B0CA0F26F78473ull, 0x8AA32122DCFE4483ull, -2 },
    { 0xD327761E611FE5B6ull, 0x427C95E9001E7136ull, -2 },
    { 0xED63382B0DDA7B45ull, 0x6FE445ECBC3A8D03ull, -2 },
    { 0x832BF4A6D9867E2Aull, 0x4B6A09CB61A515C0ull, -1 },
    { 0x8F005D5EF7F59F9Bull, 0x5C835E1665C43747ull, -1 },
    { 0x9A2F80E671BDDA20ull, 0x4226F8E2204FF3BCull, -1 },
    { 0xA4BC7D1934F70924ull, 0x19A87F2A457DAC9Eull, -1 },
    { 0xAEAC4C38B4D8C080ull, 0x14725E2F3E52070Aull, -1 },
    { 0xB8053E2BC2319E73ull, 0xCB2DA55210A4443Dull, -1 },
    { 0xC0CE85B8AC526640ull, 0x89DD62C46E92FA24ull, -1 },
    { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, -1 },
};
/* The 387's reduction constant P/2 in units of 2^-65: 0xC90FDAA22168C234C >> 2 (its low two bits
 * are zero, so this is exact). */
static const uint64_t red_h = 0x3, red_l = 0x243F6A8885A308D3ull;

static Wide w_const(const WConst *c)
{
    Wide w = { false, c->e, c->h, c->l };
    return w;
}

static Wide w_one(void) { return (Wide){ false, 0, 1ull << 63, 0 }; }

/* Stops a series when a term falls this far below the sum. */
#define SERIES_BITS 128

static bool negligible(Wide term, Wide sum)
{
    return w_zero(term) || (!w_zero(sum) && term.e < sum.e - SERIES_BITS);
}

/* sin and cos of |r| <= pi/4 by their Taylor series. */
static Wide w_sin(Wide r)
{
    Wide r2 = w_mul(r, r), term = r, sum = r;
    for (uint32_t n = 1; n < 60; n++) {
        term = w_div_u32(w_mul(term, r2), (2 * n) * (2 * n + 1));
        term = w_neg(term);
        sum = w_add(sum, term);
        if (negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

static Wide w_cos(Wide r)
{
    Wide r2 = w_mul(r, r), term = w_one(), sum = w_one();
    for (uint32_t n = 1; n < 60; n++) {
        term = w_div_u32(w_mul(term, r2), (2 * n - 1) * (2 * n));
        term = w_neg(term);
        sum = w_add(sum, term);
        if (negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

/* atan(u) for |u| <= 1/32 by its series. */
static Wide w_atan_small(Wide u)
{
    Wide u2 = w_mul(u, u), p = u, sum = u;
    for (uint32_t n = 1; n < 40; n++) {
        p = w_neg(w_mul(p, u2));
        Wide term = w_div_u32(p, 2 * n + 1);
        sum = w_add(sum, term);
        if (negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

/* atan(t) for 0 <= t <= 1: atan(c) + atan((t - c) / (1 + t c)), c = k/16 nearest t. */
static Wide w_atan01(Wide t)
{
    if (w_zero(t)) {
        return t;
    }
    /* k = round(t * 16) from the leading bits. */
    uint32_t k = 0;
    if (t.e >= -5) {
        int32_t sh = 63 - (t.e + 5); /* bits of t*32 above the binary point */
        uint64_t t32 = sh >= 64 ? 0 : t.h >> sh;
        k = (uint32_t)((t32 + 1) >> 1);
    }
    if (k == 0) {
        return w_atan_small(t);
    }
    Wide c = w_div_u32(w_from_u64(k), 16);
    Wide u = w_div(w_sub(t, c), w_add(w_one(), w_mul(t, c)));
    return w_add(w_const(&c_atan16[k - 1]), w_atan_small(u));
}

/* ln(m) = 2 atanh(s) with s = num / den, |s| small. */
static Wide w_ln_ratio(Wide num, Wide den)
{
    Wide s = w_div(num, den);
    if (w_zero(s)) {
        return s;
    }
    Wide s2 = w_mul(s, s), p = s, sum = s;
    for (uint32_t n = 1; n < 400; n++) {
        p = w_mul(p, s2);
        Wide term = w_div_u32(p, 2 * n + 1);
        sum = w_add(sum, term);
        if (negligible(term, sum)) {
            break;
        }
    }
    sum.e++;
    return sum;
}

/* 2^x - 1 for |x| <= 1/2 or so: expm1(x ln 2) by its series. */
static Wide w_exp2m1_small(Wide x)
{
    Wide y = w_mul(x, w_const(&c_ln2)), term = y, sum = y;
    for (uint32_t n = 2; n < 80; n++) {
        term = w_div_u32(w_mul(term, y), n);
        sum = w_add(sum, term);
        if (negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

/* ---- special-value helpers ---- */



/* ---- FSIN / FCOS / FSINCOS / FPTAN ---- */

/* Reduces |a| modulo P/2 to r in [-P/4, P/4]: |a| = q * P/2 + r. False when |a| >= 2^63. */
static bool reduce(X86F80 a, Wide *r, unsigned *q)
{
    Wide w = w_from_f80(x86_f80_abs(a));
    *q = 0;
    if (w.e >= 63) {
        return false;
    }
    if (w.e < -1) {
        *r = w; /* below 1/2 < pi/4 */
        return true;
    }
    /* X = |a| in units of 2^-65 (an integer of at most 128 bits): the 64-bit significand shifted
     * left by e + 2 (1..64). */
    uint64_t xh = 0, xl = w.h;
    int sh = w.e + 2;
    if (sh >= 64) {
        xh = xl;
        xl = 0;
    } else {
        xh = xl >> (64 - sh);
        xl <<= sh;
    }
    /* Long division by the 66-bit constant: quotient (low bits kept) and exact remainder. */
    uint64_t rh = 0, rl = 0, quo = 0;
    for (int k = 127; k >= 0; k--) {
        uint64_t bit = k >= 64 ? (xh >> (k - 64)) & 1 : (xl >> k) & 1;
        rh = (rh << 1) | (rl >> 63);
        rl = (rl << 1) | bit;
        quo <<= 1;
        if (rh > red_h || (rh == red_h && rl >= red_l)) {
            uint64_t nl = rl - red_l;
            rh = rh - red_h - (rl < red_l);
            rl = nl;
            quo |= 1;
        }
    }
    /* Past P/4: take the next multiple and a negative remainder. */
    uint64_t dh = (rh << 1) | (rl >> 63), dl = rl << 1;
    bool neg = dh > red_h || (dh == red_h && dl > red_l);
    if (neg) {
        uint64_t nl = red_l - rl;
        rh = red_h - rh - (red_l < rl);
        rl = nl;
        quo++;
    }
    Wide rr = { neg, 127 - 65, rh, rl };
    *r = w_norm(rr);
    *q = (unsigned)(quo & 3);
    return true;
}

/* sin and cos of a (finite, non-zero) from the reduced argument. */
static bool sincos_wide(X86F80 a, Wide *s_out, Wide *c_out)
{
    Wide r;
    unsigned q;
    if (!reduce(a, &r, &q)) {
        return false;
    }
    Wide s = w_sin(r), c = w_cos(r), sx, cx;
    switch (q) {
    case 0: sx = s; cx = c; break;
    case 1: sx = c; cx = w_neg(s); break;
    case 2: sx = w_neg(s); cx = w_neg(c); break;
    default: sx = w_neg(c); cx = s; break;
    }
    if (x86_f80_sign(a)) {
        sx = w_neg(sx);
    }
    *s_out = sx;
    *c_out = cx;
    return true;
}

bool x86_f80_sincos(X86F80Env *e, X86F80 a, X86F80 *sin_out, X86F80 *cos_out)
{
    X86F80Class c = x86_f80_class(a);
    X86F80 rs, rc;
    if (c == X86_F80_UNSUPPORTED || c == X86_F80_INF) {
        rs = rc = x86_f80_invalid(e);
    } else if (x86_f80_is_nan(c)) {
        rs = rc = x86_f80_nan1(e, a);
    } else if (c == X86_F80_ZERO) {
        rs = a;
        rc = x86_f80_make(false, X86_F80_BIAS, 1ull << 63);
    } else {
        Wide ws, wc;
        if (!sincos_wide(a, &ws, &wc)) {
            return false;
        }
        if (c == X86_F80_DENORMAL && x86_f80_denormal_stops(e)) {
            return true; /* unmasked: nothing else happens */
        }
        /* FSINCOS reports C1 for the sine (host-checked): round the cosine first. */
        rc = cos_out ? w_to_f80(e, wc, -1) : a;
        rs = sin_out ? w_to_f80(e, ws, -1) : a;
    }
    if (sin_out) {
        *sin_out = rs;
    }
    if (cos_out) {
        *cos_out = rc;
    }
    return true;
}

bool x86_f80_tan(X86F80Env *e, X86F80 a, X86F80 *out)
{
    X86F80Class c = x86_f80_class(a);
    if (c == X86_F80_UNSUPPORTED || c == X86_F80_INF) {
        *out = x86_f80_invalid(e);
    } else if (x86_f80_is_nan(c)) {
        *out = x86_f80_nan1(e, a);
    } else if (c == X86_F80_ZERO) {
        *out = a;
    } else {
        Wide ws, wc;
        if (!sincos_wide(a, &ws, &wc)) {
            return false;
        }
        if (c == X86_F80_DENORMAL && x86_f80_denormal_stops(e)) {
            return true; /* unmasked: nothing else happens */
        }
        /* |tan| lies above the reduced argument's quotient when |sin| < |cos| (tan r > r), below
         * otherwise (cot r < 1/r). */
        bool small = ws.e < wc.e || (ws.e == wc.e && ws.h < wc.h);
        *out = w_to_f80(e, w_div(ws, wc), small ? 1 : -1);
    }
    return true;
}

/* ---- FPATAN ---- */

X86F80 x86_f80_atan2(X86F80Env *e, X86F80 y, X86F80 x)
{
    X86F80Class cy = x86_f80_class(y), cx = x86_f80_class(x);
    X86F80 special;
    if (x86_f80_special2(e, x, y, cx, cy, &special)) {
        return special;
    }
    if ((cy == X86_F80_DENORMAL || cx == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    bool sy = x86_f80_sign(y), sx = x86_f80_sign(x);
    Wide pi = w_const(&c_pi), angle;
    int dir = 1;
    if (cy == X86_F80_ZERO) {
        if (!sx) {
            return x86_f80_zero(sy);
        }
        angle = pi;
    } else if (cy == X86_F80_INF) {
        angle = pi;
        angle.e--; /* pi/2 */
        if (cx == X86_F80_INF) {
            angle.e--; /* pi/4, or 3pi/4 for x = -inf */
            if (sx) {
                angle = w_sub(pi, angle);
            }
        }
    } else if (cx == X86_F80_INF) {
        if (!sx) {
            return x86_f80_zero(sy);
        }
        angle = pi;
    } else if (cx == X86_F80_ZERO) {
        angle = pi;
        angle.e--;
    } else {
        Wide ay = w_from_f80(x86_f80_abs(y)), ax = w_from_f80(x86_f80_abs(x));
        bool swap = ay.e > ax.e || (ay.e == ax.e && ay.h > ax.h);
        if (swap) {
            Wide half = pi;
            half.e--;
            angle = w_sub(half, w_atan01(w_div(ax, ay)));
        } else {
            angle = w_atan01(w_div(ay, ax));
            dir = sx ? 1 : -1; /* atan t < t */
        }
        if (sx) {
            angle = w_sub(pi, angle);
        }
    }
    angle.s = sy;
    return w_to_f80(e, angle, dir);
}

/* ---- F2XM1 ---- */

X86F80 x86_f80_2xm1(X86F80Env *e, X86F80 a)
{
    X86F80Class c = x86_f80_class(a);
    if (c == X86_F80_UNSUPPORTED) {
        return x86_f80_invalid(e);
    }
    if (x86_f80_is_nan(c)) {
        return x86_f80_nan1(e, a);
    }
    if (c == X86_F80_ZERO) {
        return a;
    }
    if (c == X86_F80_INF) {
        return x86_f80_sign(a) ? x86_f80_make(true, X86_F80_BIAS, 1ull << 63) : a;
    }
    if (c == X86_F80_DENORMAL && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    Wide x = w_from_f80(a);
    if (x.e < 0) {
        return w_to_f80(e, w_exp2m1_small(x), 1);
    }
    if (x.e > 0 || x.h != (1ull << 63) || x.l != 0) {
        /* |x| > 1, outside the domain: the chip returns the operand and signals PE
         * (host-checked). */
        e->exc |= X86_FE_PE;
        return a;
    }
    /* |x| >= 1: 2^n * 2^f - 1 with n = round(x), |f| <= 1/2 (outside the documented domain). */
    if (x.e >= 15) {
        x.e = 15; /* saturate: the result overflows or is -1 either way */
    }
    uint64_t ip = x.h >> (63 - x.e);
    uint64_t frac_bit = x.e < 63 ? (x.h >> (62 - x.e)) & 1 : 0;
    uint64_t n = ip + frac_bit;
    Wide nw = w_from_u64(n);
    nw.s = x.s;
    Wide f = w_sub(x, nw);
    Wide p = w_add(w_exp2m1_small(f), w_one());
    p.e += x.s ? -(int32_t)n : (int32_t)n;
    return w_to_f80(e, w_sub(p, w_one()), w_zero(f) ? 0 : 1);
}

/* ---- FYL2X / FYL2XP1 ---- */

/* y * log2(x) for finite positive x and finite non-zero y. */
static Wide w_ylog2(Wide x, Wide y)
{
    int32_t k = x.e;
    Wide m = x;
    m.e = 0;
    /* m in [sqrt(1/2), sqrt(2)): halve when above sqrt(2) = 1.0110101... */
    if (m.h > 0xB504F333F9DE6484ull) {
        m.e = -1;
        k++;
    }
    Wide ln = w_ln_ratio(w_sub(m, w_one()), w_add(m, w_one()));
    Wide l2 = w_mul(ln, w_const(&c_log2e));
    Wide kw = k < 0 ? w_neg(w_from_u64((uint64_t)-(int64_t)k)) : w_from_u64((uint64_t)k);
    return w_mul(y, w_add(kw, l2));
}

X86F80 x86_f80_yl2x(X86F80Env *e, X86F80 x, X86F80 y)
{
    X86F80Class cx = x86_f80_class(x), cy = x86_f80_class(y);
    X86F80 special;
    if (x86_f80_special2(e, x, y, cx, cy, &special)) {
        return special;
    }
    bool sx = x86_f80_sign(x), sy = x86_f80_sign(y);
    if (sx && cx != X86_F80_ZERO) {
        return x86_f80_invalid(e);
    }
    if (cx == X86_F80_ZERO) {
        if (cy == X86_F80_ZERO) {
            return x86_f80_invalid(e);
        }
        if (cy != X86_F80_INF) {
            e->exc |= X86_FE_ZE;
        }
        return x86_f80_inf(!sy);
    }
    /* Zero-divide (x = 0) above took precedence over a denormal (host-checked). */
    if ((cx == X86_F80_DENORMAL || cy == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    if (cx == X86_F80_INF) {
        if (cy == X86_F80_ZERO) {
            return x86_f80_invalid(e);
        }
        return x86_f80_inf(sy);
    }
    /* x finite positive: the sign of log2(x) decides. */
    int lsign = x86_f80_exp(x) == X86_F80_BIAS && x.sig == (1ull << 63) ? 0
              : x86_f80_exp(x) >= X86_F80_BIAS ? 1 : -1;
    if (cy == X86_F80_INF) {
        if (lsign == 0) {
            return x86_f80_invalid(e);
        }
        return x86_f80_inf(sy != (lsign < 0));
    }
    if (cy == X86_F80_ZERO || lsign == 0) {
        return x86_f80_zero(sy != (lsign < 0));
    }
    Wide wx = w_from_f80(x);
    bool pow2 = wx.h == (1ull << 63) && wx.l == 0; /* log2 is then an exact integer */
    X86F80 r = w_to_f80(e, w_ylog2(wx, w_from_f80(y)), pow2 ? 0 : 1);
    /* PE even when x is a power of two and the product exact, and then UE for a tiny result
     * (host-checked). */
    e->exc |= X86_FE_PE;
    if (x86_f80_exp(r) == 0 && (e->mask & X86_FE_UE)) {
        e->exc |= X86_FE_UE;
    }
    return r;
}

X86F80 x86_f80_yl2xp1(X86F80Env *e, X86F80 x, X86F80 y)
{
    X86F80Class cx = x86_f80_class(x), cy = x86_f80_class(y);
    X86F80 special;
    if (x86_f80_special2(e, x, y, cx, cy, &special)) {
        return special;
    }
    if ((cx == X86_F80_DENORMAL || cy == X86_F80_DENORMAL) && x86_f80_denormal_stops(e)) {
        return x86_f80_indefinite(); /* unmasked: nothing else happens */
    }
    bool sx = x86_f80_sign(x), sy = x86_f80_sign(y);
    if (cx == X86_F80_ZERO) {
        if (cy == X86_F80_INF) {
            return x86_f80_invalid(e);
        }
        return x86_f80_zero(sx != sy);
    }
    Wide wx = w_from_f80(x);
    if (cy == X86_F80_INF && cx != X86_F80_INF) {
        return x86_f80_inf(sx != sy); /* even for x <= -1 (host-checked) */
    }
    if (cy == X86_F80_ZERO && cx != X86_F80_INF) {
        return x86_f80_zero(sx != sy); /* likewise */
    }
    if (sx && wx.e >= 0 && cx != X86_F80_INF) {
        /* x <= -1, outside the domain: the chip returns x and signals PE (host-checked). */
        e->exc |= X86_FE_PE;
        return x;
    }
    if (cx == X86_F80_INF) {
        if (!sx && cy != X86_F80_ZERO) {
            return x86_f80_inf(sy);
        }
        return x86_f80_invalid(e);
    }
    if (cy == X86_F80_INF) {
        return x86_f80_inf(sx != sy);
    }
    if (cy == X86_F80_ZERO) {
        return x86_f80_zero(sx != sy);
    }
    if (wx.e >= -2) {
        /* |x| >= 1/4 (beyond the documented domain when >= 1 - sqrt(2)/2): log2 of 1 + x. */
        return w_to_f80(e, w_ylog2(w_add(w_one(), wx), w_from_f80(y)), 1);
    }
    /* ln(1 + x) = 2 atanh(x / (2 + x)). */
    Wide two = w_one();
    two.e = 1;
    Wide ln = w_ln_ratio(wx, w_add(two, wx));
    return w_to_f80(e, w_mul(w_from_f80(y), w_mul(ln, w_const(&c_log2e))), 1);
}

X86F80 x86_f80_const(X86F80Env *e, unsigned k)
{
    Wide w = w_const(&c_fld[k]);
    return x86_f80_round_pack64(e, false, w.e + X86_F80_BIAS, w.h, w.l);
}
