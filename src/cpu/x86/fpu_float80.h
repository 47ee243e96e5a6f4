/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 80-bit extended-precision number format and its arithmetic, in portable C (no host
 * floating point): sign, 15-bit biased exponent, 64-bit significand with an explicit integer bit.
 * Every operation is correctly rounded under the control word's rounding mode (nearest-even, down,
 * up, chop) and precision control (24/53/64 significand bits; the exponent range stays the
 * extended one, as on the chip), and reports the six x87 exceptions and the C1 "rounded up" bit.
 *
 * Sources: Intel 80387 Programmer's Reference Manual (1987) ch. 2 (data types, special values) and
 * ch. 3 (exceptions, masked responses); Intel SDM vol. 1 ch. 8 (x87 FPU) and 4.8 (NaN rules,
 * table 4-7; denormals; pseudo-denormals and unsupported encodings 8.2.2).
 *
 * Operand classes as the 387 and later treat them: a pseudo-denormal (exponent 0 with the integer
 * bit set) is a valid denormal operand (DE, value with exponent 1); unnormals, pseudo-NaNs and
 * pseudo-infinities (integer bit clear with a non-zero exponent) are unsupported encodings and
 * raise the invalid-operation exception (the 8087/287 accepted some of them; not modelled).
 */
#ifndef AMBER_CPU_X86_FPU_FLOAT80_H
#define AMBER_CPU_X86_FPU_FLOAT80_H

#include <stdbool.h>
#include <stdint.h>

typedef struct X86F80 {
    uint64_t sig;  /* significand, bit 63 = explicit integer bit */
    uint16_t se;   /* bit 15 sign, bits 14-0 biased exponent (bias 16383) */
} X86F80;

#define X86_F80_BIAS 16383

/* Exception flags, as status-word bits 0-6 (SF is the stack-fault qualifier of IE). */
#define X86_FE_IE 0x01u
#define X86_FE_DE 0x02u
#define X86_FE_ZE 0x04u
#define X86_FE_OE 0x08u
#define X86_FE_UE 0x10u
#define X86_FE_PE 0x20u
#define X86_FE_SF 0x40u

/* Rounding control (control word bits 10-11). */
enum { X86_RC_NEAR = 0, X86_RC_DOWN = 1, X86_RC_UP = 2, X86_RC_CHOP = 3 };

/* The environment of one operation: rounding, precision and masks in; exceptions and C1 out. */
typedef struct X86F80Env {
    uint8_t rc;    /* X86_RC_* */
    uint8_t prec;  /* significand bits the result is rounded to: 24, 53 or 64 */
    uint8_t mask;  /* exception masks (control word bits 0-5) */
    uint8_t exc;   /* out: X86_FE_* raised, accumulated */
    bool c1;       /* out: the last rounding increased the magnitude */
} X86F80Env;

/* Sets rc, prec and mask from a control word; clears exc and c1. Precision control 01 is
 * reserved; the 387 and later round to 64 bits there (checked against the host chip). */
void x86_f80_env(X86F80Env *e, uint16_t cw);

typedef enum X86F80Class {
    X86_F80_ZERO, X86_F80_DENORMAL, X86_F80_NORMAL, X86_F80_INF, X86_F80_QNAN, X86_F80_SNAN,
    X86_F80_UNSUPPORTED,
} X86F80Class;

/* Pseudo-denormals classify as DENORMAL; unnormals and pseudo-NaN/infinity as UNSUPPORTED. */
X86F80Class x86_f80_class(X86F80 a);

static inline X86F80 x86_f80_make(bool sign, uint32_t exp, uint64_t sig)
{
    X86F80 r = { sig, (uint16_t)((sign ? 0x8000u : 0) | (exp & 0x7FFFu)) };
    return r;
}
static inline bool x86_f80_sign(X86F80 a) { return (a.se >> 15) != 0; }
static inline uint32_t x86_f80_exp(X86F80 a) { return a.se & 0x7FFFu; }

/* The "real indefinite" QNaN every masked invalid operation returns. */
static inline X86F80 x86_f80_indefinite(void) { return x86_f80_make(true, 0x7FFF, 0xC000000000000000ull); }
static inline X86F80 x86_f80_zero(bool sign) { return x86_f80_make(sign, 0, 0); }
static inline X86F80 x86_f80_inf(bool sign) { return x86_f80_make(sign, 0x7FFF, 1ull << 63); }
static inline X86F80 x86_f80_neg(X86F80 a) { a.se ^= 0x8000u; return a; }
static inline X86F80 x86_f80_abs(X86F80 a) { a.se &= 0x7FFFu; return a; }

/* ---- arithmetic (precision control applies) ---- */
X86F80 x86_f80_add(X86F80Env *e, X86F80 a, X86F80 b);
X86F80 x86_f80_sub(X86F80Env *e, X86F80 a, X86F80 b);
X86F80 x86_f80_mul(X86F80Env *e, X86F80 a, X86F80 b);
X86F80 x86_f80_div(X86F80Env *e, X86F80 a, X86F80 b);
X86F80 x86_f80_sqrt(X86F80Env *e, X86F80 a);

/* ---- comparison: quiet = FUCOM (only SNaN/unsupported raise IE) ---- */
enum { X86_CMP_LT, X86_CMP_EQ, X86_CMP_GT, X86_CMP_UN };
int x86_f80_compare(X86F80Env *e, X86F80 a, X86F80 b, bool quiet);

/* ---- conversions ---- */
X86F80 x86_f80_from_int(int64_t v);  /* exact */
/* Rounds to an integer of `bits` (16/32/64) bits by e->rc; out of range, NaN, infinity or an
 * unsupported encoding raise IE and return the integer indefinite (the most negative value). */
int64_t x86_f80_to_int(X86F80Env *e, X86F80 a, unsigned bits);
/* Memory-format loads: exact; a denormal raises DE; a signalling NaN stays signalling (the
 * operation that uses it raises IE: FLD quiets it with x86_f80_nan1, arithmetic by NaN rules). */
X86F80 x86_f80_from_f32(X86F80Env *e, uint32_t v);
X86F80 x86_f80_from_f64(X86F80Env *e, uint64_t v);
/* Store conversions round to 24/53 bits in the destination's exponent range (e->prec is not
 * used). An unmasked overflow/underflow leaves the destination unchanged (the caller checks
 * e->exc against e->mask). */
uint32_t x86_f80_to_f32(X86F80Env *e, X86F80 a);
uint64_t x86_f80_to_f64(X86F80Env *e, X86F80 a);
/* 80-bit packed BCD (18 digits + sign byte). */
X86F80 x86_f80_from_bcd(const uint8_t bcd[10]);
void x86_f80_to_bcd(X86F80Env *e, X86F80 a, uint8_t bcd[10]);

/* ---- the other computational instructions ---- */
X86F80 x86_f80_round_int(X86F80Env *e, X86F80 a);                 /* FRNDINT */
X86F80 x86_f80_scale(X86F80Env *e, X86F80 a, X86F80 b);           /* FSCALE: a * 2^trunc(b) */
void x86_f80_xtract(X86F80Env *e, X86F80 a, X86F80 *exponent, X86F80 *significand);
/* FPREM (ieee false: truncating quotient) / FPREM1 (ieee true: nearest). *quot gets the low three
 * quotient bits, *partial whether the reduction is incomplete (C2). */
X86F80 x86_f80_rem(X86F80Env *e, X86F80 a, X86F80 b, bool ieee, unsigned *quot, bool *partial);

/* ---- transcendental instructions (fpu_transc.c); the precision control does not apply ---- */
/* FSIN/FCOS/FSINCOS, FPTAN: false when |a| >= 2^63 (the instruction sets C2 and leaves ST0 as it
 * is). Either output of sincos may be NULL. */
bool x86_f80_sincos(X86F80Env *e, X86F80 a, X86F80 *sin_out, X86F80 *cos_out);
bool x86_f80_tan(X86F80Env *e, X86F80 a, X86F80 *out);
X86F80 x86_f80_atan2(X86F80Env *e, X86F80 y, X86F80 x);   /* FPATAN: atan(y / x), quadrant */
X86F80 x86_f80_2xm1(X86F80Env *e, X86F80 a);              /* F2XM1 */
X86F80 x86_f80_yl2x(X86F80Env *e, X86F80 x, X86F80 y);    /* FYL2X: y * log2(x) */
X86F80 x86_f80_yl2xp1(X86F80Env *e, X86F80 x, X86F80 y);  /* FYL2XP1: y * log2(x + 1) */
/* FLDPI and friends: constant k (0 L2T, 1 L2E, 2 PI, 3 LG2, 4 LN2) rounded by e->rc. */
X86F80 x86_f80_const(X86F80Env *e, unsigned k);

/* ---- helpers shared with the transcendental code (fpu_transc.c) ---- */
/* Rounds the value 0.hi:lo * 2^(exp - 16383 + 1) -- i.e. hi bit 63 is the integer bit at biased
 * exponent exp -- to e->prec bits; handles overflow, underflow and denormals with the masked and
 * unmasked (bias-adjusted by 24576) responses of an x87 register destination. hi must have bit
 * 63 set (lo may be anything); exp may lie outside 1..32766. */
X86F80 x86_f80_round_pack(X86F80Env *e, bool sign, int32_t exp, uint64_t hi, uint64_t lo);
/* The same at 64 bits whatever e->prec: FSCALE, FPREM/FPREM1, the transcendental instructions
 * and the constants ignore precision control (SDM vol. 1 8.1.5.2). */
X86F80 x86_f80_round_pack64(X86F80Env *e, bool sign, int32_t exp, uint64_t hi, uint64_t lo);
/* NaN propagation for two operands (either may be a non-NaN): x87 rules of SDM table 4-7. */
X86F80 x86_f80_nan2(X86F80Env *e, X86F80 a, X86F80 b);
/* Quiets a NaN (IE if it was signalling). */
X86F80 x86_f80_nan1(X86F80Env *e, X86F80 a);
static inline bool x86_f80_is_nan(X86F80Class c) { return c == X86_F80_QNAN || c == X86_F80_SNAN; }
/* The masked response to an invalid operation: IE and the indefinite. */
static inline X86F80 x86_f80_invalid(X86F80Env *e)
{
    e->exc |= X86_FE_IE;
    return x86_f80_indefinite();
}
/* The checks every two-operand operation starts with: an unsupported operand is invalid, then a
 * NaN operand propagates (x86_f80_nan2(a, b)). True, with *r the result, when one applied. */
static inline bool x86_f80_special2(X86F80Env *e, X86F80 a, X86F80 b, X86F80Class ca,
                                    X86F80Class cb, X86F80 *r)
{
    if (ca == X86_F80_UNSUPPORTED || cb == X86_F80_UNSUPPORTED) {
        *r = x86_f80_invalid(e);
        return true;
    }
    if (x86_f80_is_nan(ca) || x86_f80_is_nan(cb)) {
        *r = x86_f80_nan2(e, a, b);
        return true;
    }
    return false;
}
/* A denormal operand raises DE; true when DE is unmasked: the operation then does nothing else
 * (what it returns is not stored; fpu_exec.c aborted()). */
static inline bool x86_f80_denormal_stops(X86F80Env *e)
{
    e->exc |= X86_FE_DE;
    return !(e->mask & X86_FE_DE);
}

#endif
