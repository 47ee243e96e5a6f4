/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoded-instruction cache's hit path, inline for the execution loop (cpu.c) and the
 * decoder (decode.c, which also fills it; the reasoning that makes a hit exact is there).
 */
#ifndef AMBER_CPU_X86_DCACHE_H
#define AMBER_CPU_X86_DCACHE_H

#include <string.h>

#include "cpu/x86/exec.h"
#include "cpu/x86/tlb.h"

/* A memory operand's offset as registers + displacement: register numbers, EA_NONE for none. */
#define X86_EA_NONE 8u

static inline uint32_t x86_ea_eval(const X86Cpu *cpu, unsigned base, unsigned index,
                                   unsigned scale, uint32_t disp, uint32_t mask)
{
    uint32_t ea = disp;
    if (base != X86_EA_NONE) {
        ea += cpu->regs[base];
    }
    if (index != X86_EA_NONE) {
        ea += cpu->regs[index] << scale;
    }
    return ea & mask;
}

static inline X86DecodedInsn *x86_dcache_slot(X86Cpu *cpu, const uint8_t *p)
{
    uintptr_t a = (uintptr_t)p;
    return &cpu->dcache[(a ^ (a >> 11)) % X86_DCACHE_SIZE];
}

/* The decode record an entry holds. X86DecodedInsn.insn is raw, suitably aligned storage (cpu.h
 * cannot see X86Insn); it is only ever written whole by memcpy (decode.c's fill) and otherwise
 * accessed as this X86Insn. */
static inline X86Insn *x86_dcache_insn(X86DecodedInsn *e)
{
    return (X86Insn *)(void *)e->insn;
}

/* decode.c: the whole decode, byte by byte, filling the cache; returns the cycles to charge. */
unsigned x86_decode_full(X86Cpu *cpu, X86Insn *i);

/* The decode of the instruction at CS:EIP: the cache hit - fetch_init's window test for exactly
 * the cached length (the instruction lies in one page and inside the code segment; the length
 * limit held when it was filled), then the bytes - or the whole decode into *buf. A hit returns
 * the cache entry's own record (no copy) with its memory operand's offset evaluated for the
 * current registers; handlers may change only that offset (i->ea), which every hit recomputes.
 * Advances EIP and charges the instruction's cycles.
 *
 * The window (host address, bytes left in the page and the segment) of the instruction after a
 * hit is where the hit ended, so it is kept (X86Cpu.seq_*) for a fall-through: with EIP there
 * and nothing that could change the lookup's answer in between (x86_seq_break), the next fetch
 * skips the host TLB and the limit arithmetic. Not across an IP wrap (the lookup would wrap, the
 * window does not) nor onto the page's or segment's end (room 0: the lookup decides there).
 * Likewise the page of that fetch: a jump to elsewhere in it needs no host TLB lookup. */
static inline __attribute__((always_inline)) X86Insn *x86_decode_fast(X86Cpu *cpu,
                                                                    X86Insn *buf)
{
    const X86Seg *cs = &cpu->seg[X86_CS];
    bool def32 = (cs->attr & X86_ATTR_DB) != 0;
    uint32_t ipmask = def32 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t off = cpu->eip & ipmask;
    const uint8_t *p;
    uint32_t room;
    if (__builtin_expect(cpu->eip == cpu->seq_eip, 1)) {
        p = cpu->seq_host;
        room = cpu->seq_room;
    } else {
        uint32_t lim = x86_has(cpu->model, X86_F_PMODE) ? cs->limit : 0xFFFFu;
        uint32_t lin = cs->base + off;
        if (cpu->seq_eip != X86_SEQ_NONE && (lin & ~0xFFFu) == cpu->seq_page_lin) {
            p = cpu->seq_page_host + (lin & 0xFFFu); /* a jump within the page */
        } else {
            p = x86_htlb_ptr(cpu, lin, 1, x86_user(cpu), false);
            if (__builtin_expect(p == NULL, 0)) {
                goto full;
            }
            cpu->seq_page_lin = lin & ~0xFFFu;
            cpu->seq_page_host = p - (lin & 0xFFFu);
        }
        if (__builtin_expect(off > lim, 0)) {
            goto full;
        }
        uint64_t in_seg = (uint64_t)lim - off + 1;
        uint32_t in_page = MEM_PAGE_SIZE - (lin & 0xFFFu);
        room = in_seg < in_page ? (uint32_t)in_seg : in_page;
    }
    {
        X86DecodedInsn *e = x86_dcache_slot(cpu, p);
        unsigned len = e->len;
        if (e->host == p && e->def32 == def32 && len <= room) {
            bool same;
            if (room >= 8) {
                uint64_t x;
                memcpy(&x, p, 8);
                same = !((x ^ e->bytes[0]) & e->mask) && (len <= 8 || !memcmp(e->bytes, p, len));
            } else {
                same = !memcmp(e->bytes, p, len);
            }
            if (__builtin_expect(same, 1)) {
                X86Insn *i = x86_dcache_insn(e);
                if (i->mod != 3) {
                    i->ea = x86_ea_eval(cpu, e->ea_base, e->ea_index, e->ea_scale, e->ea_disp,
                                        e->ea_mask);
                }
                uint64_t next = (uint64_t)off + len;
                cpu->eip = (cpu->eip + len) & ipmask;
                cpu->seq_host = p + len;
                cpu->seq_room = room - len;
                cpu->seq_eip = (next <= ipmask && room > len) ? next : X86_SEQ_NONE;
                x86_add_cycles(cpu, e->cycles);
                return i;
            }
        }
    }
full:
    x86_seq_break(cpu);
    x86_add_cycles(cpu, x86_decode_full(cpu, buf));
    return buf;
}

#endif
