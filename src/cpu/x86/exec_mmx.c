/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMX (Pentium with MMX technology, Pentium II): the 57 instructions on packed bytes, words,
 * dwords and the quadword in MM0-MM7, which alias the significands of the x87's physical
 * registers R0-R7 (fpu.h).
 *
 * Sources: Intel Architecture MMX Technology Programmer's Reference Manual (1996, order
 * 243007), chapter 3 (instruction set: saturation, packing, shifts by counts above the element
 * width giving 0 or the sign) and chapter 2.x / Intel SDM vol. 1, 9.5 "compatibility with the x87
 * FPU architecture": every MMX instruction except EMMS sets TOP to 0 and all tags to valid; a
 * write to MMn also sets the exponent field of Rn to all ones; EMMS sets all tags empty. Faults:
 * CR0.EM -> #UD, CR0.TS -> #NM, then a pending unmasked x87 error -> #MF (or the FERR# path,
 * fpu.h), then the operand's memory faults.
 *
 * Opcodes outside this set in 0F 60-7F / D0-FF (SSE forms of later chips) are #UD; the 66h
 * prefix has no meaning for MMX on these chips and is ignored.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/fpu.h"

static uint64_t mm_get(const X86Cpu *cpu, unsigned n) { return cpu->fpu.sig[n & 7]; }

static void mm_set(X86Cpu *cpu, unsigned n, uint64_t v)
{
    cpu->fpu.sig[n & 7] = v;
    cpu->fpu.se[n & 7] = 0xFFFFu;
}

/* The FPU state change of every MMX instruction but EMMS: TOP = 0, all registers valid. */
static void mm_enter(X86Cpu *cpu)
{
    cpu->fpu.sw &= (uint16_t)~X86_FSW_TOP;
    cpu->fpu.tag = 0;
}

static void mm_check(X86Cpu *cpu)
{
    if (!x86_has(cpu->model, X86_F_MMX) || (cpu->cr0 & X86_CR0_EM)) {
        x86_ud(cpu);
    }
    if (cpu->cr0 & X86_CR0_TS) {
        x86_raise(cpu, X86_EXC_NM, false, 0);
    }
    if (cpu->fpu.sw & X86_FSW_ES) {
        x86_fpu_wait(cpu); /* pending x87 error: #MF or the FERR#/IGNNE# path */
    }
}

static uint32_t hi_off(const X86Insn *i) { return i->addr32 ? i->ea + 4 : (i->ea + 4) & 0xFFFFu; }

static uint64_t src64(X86Cpu *cpu, X86Insn *i)
{
    if (i->mod == 3) {
        return mm_get(cpu, i->rm);
    }
    uint32_t lo = x86_read32(cpu, i->seg, i->ea);
    return lo | (uint64_t)x86_read32(cpu, i->seg, hi_off(i)) << 32;
}

/* ---- lane helpers: element size es in bytes (1, 2, 4, 8) ---- */
static inline uint64_t lane(uint64_t v, unsigned es, unsigned k)
{
    return es == 8 ? v : (v >> (k * es * 8)) & ((UINT64_C(1) << (es * 8)) - 1);
}
static inline int64_t slane(uint64_t v, unsigned es, unsigned k)
{
    uint64_t u = lane(v, es, k);
    unsigned sh = 64 - es * 8;
    return (int64_t)(u << sh) >> sh;
}
static inline uint64_t put(uint64_t acc, unsigned es, unsigned k, uint64_t x)
{
    if (es == 8) {
        return x;
    }
    return acc | ((x & ((UINT64_C(1) << (es * 8)) - 1)) << (k * es * 8));
}
static inline int64_t sat_s(int64_t x, unsigned es)
{
    int64_t max = (INT64_C(1) << (es * 8 - 1)) - 1, min = -max - 1;
    return x > max ? max : x < min ? min : x;
}
static inline int64_t sat_u(int64_t x, unsigned es)
{
    int64_t max = (INT64_C(1) << (es * 8)) - 1;
    return x > max ? max : x < 0 ? 0 : x;
}

enum { ADD, ADDS, ADDUS, SUB, SUBS, SUBUS, CMPEQ, CMPGT };

static uint64_t arith(uint64_t a, uint64_t b, unsigned es, int op)
{
    uint64_t r = 0;
    for (unsigned k = 0; k < 8 / es; k++) {
        int64_t x = 0;
        switch (op) {
        case ADD: x = (int64_t)(lane(a, es, k) + lane(b, es, k)); break;
        case ADDS: x = sat_s(slane(a, es, k) + slane(b, es, k), es); break;
        case ADDUS: x = sat_u((int64_t)(lane(a, es, k) + lane(b, es, k)), es); break;
        case SUB: x = (int64_t)(lane(a, es, k) - lane(b, es, k)); break;
        case SUBS: x = sat_s(slane(a, es, k) - slane(b, es, k), es); break;
        case SUBUS: x = sat_u((int64_t)lane(a, es, k) - (int64_t)lane(b, es, k), es); break;
        case CMPEQ: x = lane(a, es, k) == lane(b, es, k) ? -1 : 0; break;
        default: x = slane(a, es, k) > slane(b, es, k) ? -1 : 0; break;
        }
        r = put(r, es, k, (uint64_t)x);
    }
    return r;
}

/* Shifts by a count from a register, memory or imm8 (all 64 bits of it count). */
enum { SRL, SRA, SLL };
static uint64_t shift(uint64_t a, uint64_t count, unsigned es, int op)
{
    unsigned bits = es * 8;
    uint64_t r = 0;
    for (unsigned k = 0; k < 8 / es; k++) {
        uint64_t x;
        if (op == SRA) {
            unsigned c = count >= bits ? bits - 1 : (unsigned)count;
            x = (uint64_t)(slane(a, es, k) >> c);
        } else if (count >= bits) {
            x = 0;
        } else if (op == SRL) {
            x = lane(a, es, k) >> count;
        } else {
            x = lane(a, es, k) << count;
        }
        r = put(r, es, k, x);
    }
    return r;
}

/* PUNPCKL/H: interleave the low (hi = 0) or high halves' elements of a and b. */
static uint64_t unpack(uint64_t a, uint64_t b, unsigned es, bool hi)
{
    unsigned n = 4 / es, base = hi ? n : 0;
    uint64_t r = 0;
    for (unsigned k = 0; k < n; k++) {
        r = put(r, es, 2 * k, lane(a, es, base + k));
        r = put(r, es, 2 * k + 1, lane(b, es, base + k));
    }
    return r;
}

/* PACKSSWB/PACKUSWB (es = 2) and PACKSSDW (es = 4): a's elements, then b's, narrowed. */
static uint64_t pack(uint64_t a, uint64_t b, unsigned es, bool usat)
{
    unsigned n = 8 / es, os = es / 2;
    uint64_t r = 0;
    for (unsigned k = 0; k < n; k++) {
        int64_t xa = slane(a, es, k), xb = slane(b, es, k);
        r = put(r, os, k, (uint64_t)(usat ? sat_u(xa, os) : sat_s(xa, os)));
        r = put(r, os, n + k, (uint64_t)(usat ? sat_u(xb, os) : sat_s(xb, os)));
    }
    return r;
}

static uint64_t mul_words(uint64_t a, uint64_t b, int kind)
{
    uint64_t r = 0;
    if (kind == 2) { /* PMADDWD */
        for (unsigned k = 0; k < 2; k++) {
            int64_t s = slane(a, 2, 2 * k) * slane(b, 2, 2 * k) +
                        slane(a, 2, 2 * k + 1) * slane(b, 2, 2 * k + 1);
            r = put(r, 4, k, (uint64_t)s);
        }
        return r;
    }
    for (unsigned k = 0; k < 4; k++) {
        int64_t p = slane(a, 2, k) * slane(b, 2, k);
        r = put(r, 2, k, (uint64_t)(kind == 0 ? p : p >> 16)); /* PMULLW / PMULHW */
    }
    return r;
}

X86_HANDLER(x86_op_mmx)
{
    unsigned op = i->op & 0xFF;
    mm_check(cpu);
    if (op == 0x77) { /* EMMS */
        cpu->fpu.tag = 0xFFFFu;
        return;
    }
    if (op == 0x7E || op == 0x7F) { /* stores: MOVD r/m32, mm; MOVQ mm/m64, mm */
        uint64_t v = mm_get(cpu, i->reg);
        if (op == 0x7E) {
            x86_rm_write(cpu, i, 4, (uint32_t)v);
        } else if (i->mod == 3) {
            mm_set(cpu, i->rm, v);
        } else {
            x86_check_write(cpu, i->seg, i->ea, 4);
            x86_check_write(cpu, i->seg, hi_off(i), 4);
            x86_write32(cpu, i->seg, i->ea, (uint32_t)v);
            x86_write32(cpu, i->seg, hi_off(i), (uint32_t)(v >> 32));
        }
        mm_enter(cpu);
        return;
    }
    if (op == 0x6E) { /* MOVD mm, r/m32 */
        uint32_t v = x86_rm_read(cpu, i, 4);
        mm_enter(cpu);
        mm_set(cpu, i->reg, v);
        return;
    }
    if (op >= 0x71 && op <= 0x73) { /* shift by imm8: the register is ModRM.rm */
        if (i->mod != 3) {
            x86_ud(cpu);
        }
        unsigned es = op == 0x71 ? 2 : op == 0x72 ? 4 : 8;
        int sop;
        switch (i->reg) {
        case 2: sop = SRL; break;
        case 4: sop = SRA; break;
        case 6: sop = SLL; break;
        default: x86_ud(cpu);
        }
        if (es == 8 && sop == SRA) {
            x86_ud(cpu); /* no PSRAQ */
        }
        mm_enter(cpu);
        mm_set(cpu, i->rm, shift(mm_get(cpu, i->rm), i->imm & 0xFFu, es, sop));
        return;
    }
    uint64_t a = mm_get(cpu, i->reg);
    uint64_t b;
    uint64_t r;
    switch (op) {
    case 0x60: case 0x61: case 0x62: case 0x68: case 0x69: case 0x6A:
        /* PUNPCKL* read only the low half of a memory operand (32 bits) */
        if ((op & 0x08) == 0 && i->mod != 3) {
            b = x86_read32(cpu, i->seg, i->ea);
        } else {
            b = src64(cpu, i);
        }
        r = unpack(a, b, 1u << (op & 3), (op & 0x08) != 0);
        break;
    case 0x63: r = pack(a, src64(cpu, i), 2, false); break;
    case 0x67: r = pack(a, src64(cpu, i), 2, true); break;
    case 0x6B: r = pack(a, src64(cpu, i), 4, false); break;
    case 0x64: case 0x65: case 0x66:
        r = arith(a, src64(cpu, i), 1u << (op - 0x64), CMPGT);
        break;
    case 0x74: case 0x75: case 0x76:
        r = arith(a, src64(cpu, i), 1u << (op - 0x74), CMPEQ);
        break;
    case 0x6F: r = src64(cpu, i); break; /* MOVQ mm, mm/m64 */
    case 0xD1: r = shift(a, src64(cpu, i), 2, SRL); break;
    case 0xD2: r = shift(a, src64(cpu, i), 4, SRL); break;
    case 0xD3: r = shift(a, src64(cpu, i), 8, SRL); break;
    case 0xE1: r = shift(a, src64(cpu, i), 2, SRA); break;
    case 0xE2: r = shift(a, src64(cpu, i), 4, SRA); break;
    case 0xF1: r = shift(a, src64(cpu, i), 2, SLL); break;
    case 0xF2: r = shift(a, src64(cpu, i), 4, SLL); break;
    case 0xF3: r = shift(a, src64(cpu, i), 8, SLL); break;
    case 0xD5: r = mul_words(a, src64(cpu, i), 0); break;
    case 0xE5: r = mul_words(a, src64(cpu, i), 1); break;
    case 0xF5: r = mul_words(a, src64(cpu, i), 2); break;
    case 0xD8: r = arith(a, src64(cpu, i), 1, SUBUS); break;
    case 0xD9: r = arith(a, src64(cpu, i), 2, SUBUS); break;
    case 0xDC: r = arith(a, src64(cpu, i), 1, ADDUS); break;
    case 0xDD: r = arith(a, src64(cpu, i), 2, ADDUS); break;
    case 0xE8: r = arith(a, src64(cpu, i), 1, SUBS); break;
    case 0xE9: r = arith(a, src64(cpu, i), 2, SUBS); break;
    case 0xEC: r = arith(a, src64(cpu, i), 1, ADDS); break;
    case 0xED: r = arith(a, src64(cpu, i), 2, ADDS); break;
    case 0xF8: case 0xF9: case 0xFA:
        r = arith(a, src64(cpu, i), 1u << (op - 0xF8), SUB);
        break;
    case 0xFC: case 0xFD: case 0xFE:
        r = arith(a, src64(cpu, i), 1u << (op - 0xFC), ADD);
        break;
    case 0xDB: r = a & src64(cpu, i); break;
    case 0xDF: r = ~a & src64(cpu, i); break;
    case 0xEB: r = a | src64(cpu, i); break;
    case 0xEF: r = a ^ src64(cpu, i); break;
    default:
        x86_ud(cpu);
    }
    mm_enter(cpu);
    mm_set(cpu, i->reg, r);
}
