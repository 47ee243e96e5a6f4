/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String instructions MOVS CMPS STOS LODS SCAS INS OUTS with REP/REPE/REPNE.
 *
 * 80386 PRM chapter 17 (REP): the count is CX or ECX by address size; CMPS/SCAS stop on the ZF
 * condition, the others treat REPNE as REP (as the 8086 does: iAPX 86/88 User's Manual 2-44).
 * A repeated instruction is interruptible between iterations: when the cycle budget runs out or
 * an interrupt is pending it stops with EIP still on the instruction (prefixes included), which
 * then resumes with the registers as left, exactly as the hardware restarts it.
 */
#include "cpu/x86/exec.h"

#include <string.h>

#include "cpu/x86/tlb.h"

enum { K_MOVS, K_CMPS, K_STOS, K_LODS, K_SCAS, K_INS, K_OUTS };

static unsigned kind_of(unsigned op)
{
    switch (op) {
    case 0xA4: case 0xA5: return K_MOVS;
    case 0xA6: case 0xA7: return K_CMPS;
    case 0xAA: case 0xAB: return K_STOS;
    case 0xAC: case 0xAD: return K_LODS;
    case 0xAE: case 0xAF: return K_SCAS;
    case 0x6C: case 0x6D: return K_INS;
    default: return K_OUTS;
    }
}

static inline void step_index(X86Cpu *cpu, unsigned reg, uint32_t amask, uint32_t delta)
{
    uint32_t v = (cpu->regs[reg] + delta) & amask;
    cpu->regs[reg] = (cpu->regs[reg] & ~amask) | v;
}

/*
 * One iteration. The 80286 advances SI/DI as it issues each access, so when an access faults
 * (real mode: a word at offset 0FFFFh) the registers of that access and of the ones before it are
 * already stepped (SingleStepTests 286, A5/AB/6D...); CMPS reads ES:DI before DS:SI. Under REP it
 * counts CX down before the accesses (CMPS: between its two reads), and once more while a write is under way (undone when the
 * write succeeds): that is what a fault exposes. The 386 restarts cleanly: registers are stepped only
 * after the whole iteration.
 */
/* 286 under REP: the count is already one lower while a write is under way (see above). */
static inline void cx_adjust(X86Cpu *cpu, bool on, uint32_t amask, uint32_t d)
{
    if (on) {
        cpu->regs[X86_ECX] = (cpu->regs[X86_ECX] & ~amask) | ((cpu->regs[X86_ECX] + d) & amask);
    }
}

static void once(X86Cpu *cpu, X86Insn *i, unsigned kind, unsigned sz, uint32_t amask)
{
    uint32_t delta = (cpu->eflags & X86_DF) ? (uint32_t)-(int32_t)sz : sz;
    uint32_t si = cpu->regs[X86_ESI] & amask, di = cpu->regs[X86_EDI] & amask;
    uint32_t v;
    uint16_t port = (uint16_t)cpu->regs[X86_EDX];
    bool early = cpu->model->family == X86_FAMILY_286;
    bool wdec = early && i->rep;
    bool uses_si = kind == K_MOVS || kind == K_CMPS || kind == K_LODS || kind == K_OUTS;
    bool uses_di = kind != K_LODS && kind != K_OUTS;
    if (early && uses_si && kind != K_CMPS) {
        step_index(cpu, X86_ESI, amask, delta);
    }
    switch (kind) {
    case K_MOVS:
        v = x86_read(cpu, i->seg, si, sz);
        if (early) {
            step_index(cpu, X86_EDI, amask, delta);
        }
        cx_adjust(cpu, wdec, amask, (uint32_t)-1);
        x86_write(cpu, X86_ES, di, sz, v);
        cx_adjust(cpu, wdec, amask, 1);
        break;
    case K_CMPS:
        /* The 286 reads ES:DI first (stepping DI), then DS:SI (stepping SI). */
        if (early) {
            step_index(cpu, X86_EDI, amask, delta);
            uint32_t b = x86_read(cpu, X86_ES, di, sz);
            cx_adjust(cpu, wdec, amask, (uint32_t)-1);
            step_index(cpu, X86_ESI, amask, delta);
            x86_alu(cpu, 7, sz, x86_read(cpu, i->seg, si, sz), b);
        } else {
            v = x86_read(cpu, i->seg, si, sz);
            x86_alu(cpu, 7, sz, v, x86_read(cpu, X86_ES, di, sz));
        }
        break;
    case K_STOS:
        if (early) {
            step_index(cpu, X86_EDI, amask, delta);
        }
        cx_adjust(cpu, wdec, amask, (uint32_t)-1);
        x86_write(cpu, X86_ES, di, sz, x86_reg(cpu, X86_EAX, sz));
        cx_adjust(cpu, wdec, amask, 1);
        break;
    case K_LODS:
        x86_set_reg(cpu, X86_EAX, sz, x86_read(cpu, i->seg, si, sz));
        break;
    case K_SCAS:
        if (early) {
            step_index(cpu, X86_EDI, amask, delta);
        }
        x86_alu(cpu, 7, sz, x86_reg(cpu, X86_EAX, sz), x86_read(cpu, X86_ES, di, sz));
        break;
    case K_INS:
        /* The destination is checked before the port is read (80386 PRM, INS). */
        x86_io_check(cpu, port, sz);
        if (early) {
            step_index(cpu, X86_EDI, amask, delta);
        }
        cx_adjust(cpu, wdec, amask, (uint32_t)-1);
        x86_check_write(cpu, X86_ES, di, sz);
        v = x86_port_in(cpu, port, sz);
        x86_write(cpu, X86_ES, di, sz, v);
        cx_adjust(cpu, wdec, amask, 1);
        break;
    default:
        v = x86_read(cpu, i->seg, si, sz);
        x86_port_out(cpu, port, sz, v);
        break;
    }
    if (!early) {
        if (uses_si) {
            step_index(cpu, X86_ESI, amask, delta);
        }
        if (uses_di) {
            step_index(cpu, X86_EDI, amask, delta);
        }
    }
}

/*
 * REP MOVS/STOS upward on the 386 and later, many iterations at once: as many as lie in host
 * memory on both sides (access.c x86_span: no fault, no side effect possible), end before the
 * count does, and keep the cycle budget from running out before the last of them - exactly the
 * iterations the one-by-one loop would do before it could stop or fault. Overlapping MOVS
 * (destination just above the source) copies element by element, as the chip does. Returns
 * the iterations done (0: do the next one the slow way). Keep in sync with once().
 */
static uint32_t rep_block(X86Cpu *cpu, X86Insn *i, unsigned kind, unsigned sz, uint32_t amask,
                          uint32_t cx, unsigned iter_cycles)
{
    if (cpu->model->family < X86_FAMILY_386 || (cpu->eflags & X86_DF) ||
        (kind != K_MOVS && kind != K_STOS)) {
        return 0;
    }
    uint32_t di = cpu->regs[X86_EDI] & amask;
    uint32_t n;
    uint8_t *dst = x86_span(cpu, X86_ES, di, amask, X86_WRITE, &n);
    if (!dst) {
        return 0;
    }
    uint32_t k = n / sz;
    const uint8_t *src = NULL;
    uint32_t si = cpu->regs[X86_ESI] & amask;
    if (kind == K_MOVS) {
        src = x86_span(cpu, i->seg, si, amask, X86_READ, &n);
        if (!src) {
            return 0;
        }
        k = n / sz < k ? n / sz : k;
    }
    if (k > cx) {
        k = cx;
    }
    /* The loop checks for a yield after every iteration but the last: stop where it would. */
    if (x86_should_yield(cpu)) {
        return 0; /* it would stop after the first one */
    }
    if (!cpu->in_step && iter_cycles) {
        uint64_t left = (cpu->cycle_deadline - cpu->cycles + iter_cycles - 1) / iter_cycles;
        if (left < k) {
            k = (uint32_t)left;
        }
    }
    if (k == 0) {
        return 0;
    }
    size_t bytes = (size_t)k * sz;
    if (kind == K_STOS) {
        uint32_t v = cpu->regs[X86_EAX];
        if (sz == 1) {
            memset(dst, (uint8_t)v, bytes);
        } else {
            uint8_t e[4];
            st_le32(e, v);
            for (size_t o = 0; o < bytes; o += sz) {
                memcpy(dst + o, e, sz);
            }
        }
    } else if (dst > src && dst < src + bytes) {
        for (size_t o = 0; o < bytes; o += sz) {
            memmove(dst + o, src + o, sz); /* each element reads what earlier ones wrote */
        }
    } else {
        memmove(dst, src, bytes);
    }
    uint32_t adv = (uint32_t)bytes;
    cpu->regs[X86_EDI] = (cpu->regs[X86_EDI] & ~amask) | ((di + adv) & amask);
    if (kind == K_MOVS) {
        cpu->regs[X86_ESI] = (cpu->regs[X86_ESI] & ~amask) | ((si + adv) & amask);
    }
    x86_add_cycles(cpu, k * iter_cycles);
    return k;
}

X86_HANDLER(x86_op_string)
{
    unsigned sz = (i->info->flags & X86_D_BYTE) ? 1 : i->osz;
    unsigned kind = kind_of(i->op);
    uint32_t amask = i->addr32 ? 0xFFFFFFFFu : 0xFFFFu;
    if (!i->rep) {
        once(cpu, i, kind, sz, amask);
        return;
    }
    const X86Timing *t = cpu->model->timing;
    x86_add_cycles(cpu, t->rep_base);
    for (;;) {
        uint32_t cx = cpu->regs[X86_ECX] & amask;
        if (cx == 0) {
            break;
        }
        uint32_t done = rep_block(cpu, i, kind, sz, amask, cx, t->rep_iter[kind]);
        if (done) {
            cx = (cx - done) & amask;
            cpu->regs[X86_ECX] = (cpu->regs[X86_ECX] & ~amask) | cx;
            if (cx == 0) {
                break;
            }
            if (x86_should_yield(cpu)) {
                cpu->eip = cpu->insn_eip;
                break;
            }
            continue;
        }
        if (cpu->model->family == X86_FAMILY_286 && kind != K_CMPS) {
            cpu->regs[X86_ECX] = (cpu->regs[X86_ECX] & ~amask) | ((cx - 1) & amask);
        }
        once(cpu, i, kind, sz, amask);
        cx = (cx - 1) & amask; /* (286: already there, except for CMPS) */
        cpu->regs[X86_ECX] = (cpu->regs[X86_ECX] & ~amask) | cx;
        x86_add_cycles(cpu, t->rep_iter[kind]);
        if (kind == K_CMPS || kind == K_SCAS) {
            bool zf = x86_zf(cpu);
            if ((i->rep == 0xF3 && !zf) || (i->rep == 0xF2 && zf)) {
                break;
            }
        }
        if (cx == 0) {
            break;
        }
        if (x86_should_yield(cpu)) {
            cpu->eip = cpu->insn_eip; /* resume here with the registers as they are */
            break;
        }
    }
}
