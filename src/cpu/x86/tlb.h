/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 host-pointer TLB: the inline hit paths of guest memory accesses at linear addresses.
 *
 * mmu.c's translation TLB (cpu->tlb) caches linear -> physical with the page rights; this one
 * (cpu->htlb, same index) caches the last step too, linear page -> host memory, for the cases
 * where an access has no side effect at all: RAM and ROM reads, RAM writes to pages not marked as
 * cached code, after the page walk already set the accessed (and for writes the dirty) bits. A
 * hit is a tag compare and a load or store; everything else - page-crossing accesses, MMIO,
 * ROM and code-page writes, misses, faults - takes the out-of-line path in mmu.c, which is the
 * exact same code the interpreter always ran, and fills the slot on the way.
 *
 * Coherence (mmu.c keeps it): slot i is dropped whenever translation slot i changes or is
 * flushed (CR0/CR3/CR4 writes, INVLPG, A20, task switches, state loads all go through
 * x86_tlb_flush*), and all slots are dropped when the memory bus's mapping generation moves
 * (PAM and other remaps, a page newly marked as code). The tag holds the privilege of the access
 * (user = CPL 3 data access or a user-level system access), so a supervisor fill never serves a
 * user access.
 */
#ifndef AMBER_CPU_X86_TLB_H
#define AMBER_CPU_X86_TLB_H

#include "core/endian.h"
#include "core/membus.h"
#include "cpu/x86/cpu.h"

static inline uint32_t x86_htlb_tag(uint32_t lin, bool user)
{
    return (lin & 0xFFFFF000u) | (user ? 2u : 1u);
}

/* The sequential fetch (X86Cpu.seq_*, dcache.h) is no longer known: called whenever a host or
 * translation slot changes, device code may have run (the slow accesses) or CS:EIP, CPL or the
 * mode may have changed other than by falling through (cpu.c). */
#define X86_SEQ_NONE UINT64_MAX
static inline void x86_seq_break(X86Cpu *cpu)
{
    cpu->seq_eip = X86_SEQ_NONE;
}
static inline X86HostTlb *x86_htlb_slot(X86Cpu *cpu, uint32_t lin)
{
    return &cpu->htlb[(lin >> 12) % X86_TLB_SIZE];
}

/* Host address of len bytes at lin when they lie in one page with a valid read (or write) slot. */
static inline uint8_t *x86_htlb_ptr(X86Cpu *cpu, uint32_t lin, unsigned len, bool user,
                                    bool write)
{
    const X86HostTlb *e = x86_htlb_slot(cpu, lin);
    uint32_t tag = write ? e->tag_w : e->tag_r;
    if (__builtin_expect(tag == x86_htlb_tag(lin, user) &&
                             (lin & 0xFFFu) <= MEM_PAGE_SIZE - len &&
                             cpu->htlb_gen == membus_map_generation(cpu->mem),
                         1)) {
        return e->host + (lin & 0xFFFu);
    }
    return NULL;
}

/* mmu.c: the complete accesses (any alignment, MMIO, faults), filling the host TLB. */
uint32_t x86_lin_read_slow(X86Cpu *cpu, uint32_t lin, unsigned len, bool user);
void x86_lin_write_slow(X86Cpu *cpu, uint32_t lin, unsigned len, uint32_t v, bool user);
/* Translates lin for an instruction fetch (may raise #PF) and returns the host address of its
 * byte when the page is RAM or ROM, else NULL. */
const uint8_t *x86_htlb_fetch_slow(X86Cpu *cpu, uint32_t lin, bool user);

/* access.c: host memory for a run of accesses at sreg:off upward (REP string fast paths). Returns
 * the host address of the byte at off and sets *n to how many bytes from there pass the segment
 * checks without a fault (an expand-up segment of the right type, inside the limit, not past
 * amask where the offset would wrap, no alignment check armed) and lie in one page with a valid
 * host TLB slot for the access; NULL when that is not even one byte - the caller then does one
 * access the slow way, which faults or fills the slot. */
uint8_t *x86_span(X86Cpu *cpu, int sreg, uint32_t off, uint32_t amask, X86Access acc,
                  uint32_t *n);

static inline const uint8_t *x86_htlb_fetch(X86Cpu *cpu, uint32_t lin, bool user)
{
    const uint8_t *p = x86_htlb_ptr(cpu, lin, 1, user, false);
    return p ? p : x86_htlb_fetch_slow(cpu, lin, user);
}

static inline uint8_t x86_lin_rd8(X86Cpu *cpu, uint32_t lin, bool user)
{
    const uint8_t *p = x86_htlb_ptr(cpu, lin, 1, user, false);
    return p ? *p : (uint8_t)x86_lin_read_slow(cpu, lin, 1, user);
}

static inline uint16_t x86_lin_rd16(X86Cpu *cpu, uint32_t lin, bool user)
{
    const uint8_t *p = x86_htlb_ptr(cpu, lin, 2, user, false);
    return p ? ld_le16(p) : (uint16_t)x86_lin_read_slow(cpu, lin, 2, user);
}

static inline uint32_t x86_lin_rd32(X86Cpu *cpu, uint32_t lin, bool user)
{
    const uint8_t *p = x86_htlb_ptr(cpu, lin, 4, user, false);
    return p ? ld_le32(p) : x86_lin_read_slow(cpu, lin, 4, user);
}

static inline void x86_lin_wr8(X86Cpu *cpu, uint32_t lin, uint8_t v, bool user)
{
    uint8_t *p = x86_htlb_ptr(cpu, lin, 1, user, true);
    if (p) {
        *p = v;
    } else {
        x86_lin_write_slow(cpu, lin, 1, v, user);
    }
}

static inline void x86_lin_wr16(X86Cpu *cpu, uint32_t lin, uint16_t v, bool user)
{
    uint8_t *p = x86_htlb_ptr(cpu, lin, 2, user, true);
    if (p) {
        st_le16(p, v);
    } else {
        x86_lin_write_slow(cpu, lin, 2, v, user);
    }
}

static inline void x86_lin_wr32(X86Cpu *cpu, uint32_t lin, uint32_t v, bool user)
{
    uint8_t *p = x86_htlb_ptr(cpu, lin, 4, user, true);
    if (p) {
        st_le32(p, v);
    } else {
        x86_lin_write_slow(cpu, lin, 4, v, user);
    }
}

#endif
