/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 linear -> physical translation: the A20 gate, two-level paging with 4 KiB pages and a
 * small direct-mapped TLB, and the linear-address accessors every other part of the CPU uses.
 *
 * Sources: Intel 80386 Programmer's Reference Manual (1986), chapter 6.4 (page-level protection),
 * 5.2 (page translation: directory, table, accessed and dirty bits), 9.8.14 (page fault error
 * code and CR2). CR0.WP (supervisor writes honour R/W) exists from the 486 on (i486 PRM 4.5.1);
 * a 386 lets the supervisor write any present page.
 *
 * Modelled: accessed bits in both levels on every fill, the dirty bit on the first write through
 * a TLB entry, combined U/S and R/W of directory and table entry (386 PRM table 6-5), #PF with
 * P/W/U error bits and CR2; from the Pentium on 4 MiB pages (CR4.PSE and PDE bit 7, Pentium
 * Developer's Manual vol. 3, 11.3.4: the directory entry maps the page, its A/D bits are set)
 * and from the Pentium Pro on global pages (CR4.PGE and bit 8 of the mapping entry: kept across
 * CR3 loads, dropped by INVLPG, a CR4.PGE/PSE change or a CR0.PG change; PPro DM vol. 3,
 * 3.7). Not modelled: PAE, PCD/PWT caching effects (there is no cache model). The TLB is an emulator structure sized for speed, so it can
 * hold entries a real 386's 32-entry TLB would have lost; guests that depend on a stale TLB entry
 * after changing a page table without a flush see the same or newer data, as on later CPUs.
 *
 * In front of the TLB sits the host-pointer TLB of tlb.h (same slots): linear page -> host memory
 * for accesses without side effects. Every drop of a translation slot drops its host slot too,
 * so both always say the same; the accessors here fall back to the exact slow path otherwise.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/prot.h"

#include "core/membus.h"
#include "cpu/x86/tlb.h"

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PDE_PS 0x080u
#define PTE_G 0x100u

#define TLB_W X86_TLB_W
#define TLB_DIRTY X86_TLB_DIRTY
#define TLB_U X86_TLB_U

#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u

void x86_set_a20(X86Cpu *cpu, bool enabled)
{
    cpu->a20_off = !enabled;
    /* The A20 gate changes the physical address of every linear page: drop cached mappings. */
    x86_tlb_flush(cpu, true);
}

static inline uint32_t a20(const X86Cpu *cpu, uint32_t phys)
{
    return cpu->a20_off ? (phys & ~(UINT32_C(1) << 20)) : phys;
}

/* ---- the host-pointer TLB (tlb.h): drops ---- */

static void htlb_clear(X86Cpu *cpu)
{
    x86_seq_break(cpu);
    for (unsigned i = 0; i < X86_TLB_SIZE; i++) {
        cpu->htlb[i].tag_r = cpu->htlb[i].tag_w = 0;
    }
}

static inline void htlb_drop(X86Cpu *cpu, uint32_t lin)
{
    x86_seq_break(cpu);
    X86HostTlb *e = x86_htlb_slot(cpu, lin);
    e->tag_r = e->tag_w = 0;
}

void x86_tlb_flush(X86Cpu *cpu, bool include_global)
{
    /* Drops the sequential fetch too. Global translations stay; their host slots refill from
     * them. */
    htlb_clear(cpu);
    for (unsigned i = 0; i < X86_TLB_SIZE; i++) {
        if (include_global || !(cpu->tlb[i].flags & X86_TLB_G)) {
            cpu->tlb[i].lin_page = 0;
        }
    }
}

void x86_tlb_flush_page(X86Cpu *cpu, uint32_t lin)
{
    x86_seq_break(cpu);
    /* Every host slot of the 4 MiB region: that covers a large page cached as 4 KiB pieces. */
    for (unsigned i = 0; i < X86_TLB_SIZE; i++) {
        X86HostTlb *h = &cpu->htlb[i];
        if ((h->tag_r && (h->tag_r >> 22) == lin >> 22) ||
            (h->tag_w && (h->tag_w >> 22) == lin >> 22)) {
            h->tag_r = h->tag_w = 0;
        }
    }
    X86TlbEntry *e = &cpu->tlb[(lin >> 12) % X86_TLB_SIZE];
    if (e->lin_page == (lin >> 12) + 1) {
        e->lin_page = 0;
    }
    /* A 4 MiB page is cached as 4 KiB pieces: INVLPG of any address in it drops them all. */
    for (unsigned i = 0; i < X86_TLB_SIZE; i++) {
        X86TlbEntry *t = &cpu->tlb[i];
        if (t->lin_page && (t->flags & X86_TLB_LARGE) && ((t->lin_page - 1) >> 10) == lin >> 22) {
            t->lin_page = 0;
        }
    }
}

/* A page fault also drops the faulting page's cached translation (Intel SDM vol. 3A 4.10.4.1:
 * "a page-fault exception resulting from an attempt to use a linear address will invalidate any
 * TLB entries that are for a page number corresponding to that linear address"). Operating
 * systems rely on it: Linux makes a read-only PTE writable after a write fault without INVLPG and
 * expects the retried write to walk the tables again, or it faults on the same page forever. */
_Noreturn static void page_fault(X86Cpu *cpu, uint32_t lin, uint32_t code)
{
    X86TlbEntry *e = &cpu->tlb[(lin >> 12) % X86_TLB_SIZE];
    if (e->lin_page == (lin >> 12) + 1) {
        e->lin_page = 0;
    }
    htlb_drop(cpu, lin);
    cpu->cr2 = lin;
    x86_raise(cpu, X86_EXC_PF, true, code);
}

static inline uint8_t global_flag(const X86Cpu *cpu, uint32_t entry)
{
    return (entry & PTE_G) && (cpu->cr4 & X86_CR4_PGE) ? X86_TLB_G : 0;
}

/* Checks the rights of the combined entry (U/S, R/W with CR0.WP on the 486+). */
static void check_rights(X86Cpu *cpu, uint32_t lin, uint32_t rights, bool write, bool user,
                         uint32_t err)
{
    bool wp = cpu_has_wp(cpu) && (cpu->cr0 & X86_CR0_WP);
    if (user && !(rights & PTE_U)) {
        page_fault(cpu, lin, err | PF_P);
    }
    if (write && !(rights & PTE_W) && (user || wp)) {
        page_fault(cpu, lin, err | PF_P);
    }
}

/* A 4 MiB page: the directory entry is the mapping (bits 31-22 the frame). */
static X86TlbEntry *tlb_fill_large(X86Cpu *cpu, uint32_t lin, bool write, bool user,
                                   uint32_t err, uint32_t pde_addr, uint32_t pde)
{
    check_rights(cpu, lin, pde, write, user, err);
    uint32_t npde = pde | PTE_A | (write ? PTE_D : 0);
    if (npde != pde) {
        membus_write32(cpu->mem, pde_addr, npde);
    }
    X86TlbEntry *e = &cpu->tlb[(lin >> 12) % X86_TLB_SIZE];
    e->lin_page = (lin >> 12) + 1;
    e->phys_page = ((pde & 0xFFC00000u) | (lin & 0x003FF000u)) >> 12;
    e->flags = (uint8_t)(((pde & PTE_W) ? TLB_W : 0) | ((npde & PTE_D) ? TLB_DIRTY : 0) |
                         ((pde & PTE_U) ? TLB_U : 0) | global_flag(cpu, pde) | X86_TLB_LARGE);
    return e;
}

/* Walks the page tables for lin, setting accessed (and for writes dirty) bits, and fills the TLB.
 * Protection is checked here on the combined entry; the caller re-checks against the TLB. */
static X86TlbEntry *tlb_fill(X86Cpu *cpu, uint32_t lin, X86Access acc, bool user)
{
    bool write = acc == X86_WRITE;
    uint32_t err = (write ? PF_W : 0) | (user ? PF_U : 0);
    uint32_t pde_addr = a20(cpu, (cpu->cr3 & 0xFFFFF000u) | ((lin >> 20) & 0xFFCu));
    uint32_t pde = membus_read32(cpu->mem, pde_addr);
    if (!(pde & PTE_P)) {
        page_fault(cpu, lin, err);
    }
    if ((pde & PDE_PS) && (cpu->cr4 & X86_CR4_PSE)) {
        return tlb_fill_large(cpu, lin, write, user, err, pde_addr, pde);
    }
    uint32_t pte_addr = a20(cpu, (pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFCu));
    uint32_t pte = membus_read32(cpu->mem, pte_addr);
    if (!(pte & PTE_P)) {
        page_fault(cpu, lin, err);
    }
    /* 386 PRM 6.4.1.3: the effective protection is the more restrictive of the two levels. */
    uint32_t rights = pde & pte;
    check_rights(cpu, lin, rights, write, user, err);
    /* Accessed bits are set when an entry is used to fill the TLB (386 PRM 5.2.4.4). */
    if (!(pde & PTE_A)) {
        membus_write32(cpu->mem, pde_addr, pde | PTE_A);
    }
    uint32_t npte = pte | PTE_A | (write ? PTE_D : 0);
    if (npte != pte) {
        membus_write32(cpu->mem, pte_addr, npte);
    }
    X86TlbEntry *e = &cpu->tlb[(lin >> 12) % X86_TLB_SIZE];
    e->lin_page = (lin >> 12) + 1;
    e->phys_page = pte >> 12;
    e->flags = (uint8_t)(((rights & PTE_W) ? TLB_W : 0) | ((npte & PTE_D) ? TLB_DIRTY : 0) |
                         ((rights & PTE_U) ? TLB_U : 0) | global_flag(cpu, pte));
    return e;
}

uint32_t x86_translate(X86Cpu *cpu, uint32_t lin, X86Access acc, bool user)
{
    x86_seq_break(cpu); /* a walk may replace a translation slot */
    if (!(cpu->cr0 & X86_CR0_PG)) {
        return a20(cpu, lin);
    }
    X86TlbEntry *e = &cpu->tlb[(lin >> 12) % X86_TLB_SIZE];
    if (e->lin_page != (lin >> 12) + 1) {
        htlb_drop(cpu, lin); /* the translation slot is about to change */
        e = tlb_fill(cpu, lin, acc, user);
    } else {
        bool write = acc == X86_WRITE;
        /* The rights the entry was filled with, checked as the walk checked them. */
        uint32_t rights = ((e->flags & TLB_U) ? PTE_U : 0) | ((e->flags & TLB_W) ? PTE_W : 0);
        check_rights(cpu, lin, rights, write, user, (write ? PF_W : 0) | (user ? PF_U : 0));
        if (write && !(e->flags & TLB_DIRTY)) {
            /* First write through this entry: walk again to set the dirty bit. */
            htlb_drop(cpu, lin);
            e = tlb_fill(cpu, lin, acc, user);
        }
    }
    return a20(cpu, (e->phys_page << 12) | (lin & 0xFFFu));
}

/* ---- accesses at linear addresses ---- */

/* Drops every host slot when the memory bus's mappings changed since they were filled. */
static inline void htlb_sync(X86Cpu *cpu)
{
    uint32_t gen = membus_map_generation(cpu->mem);
    if (gen != cpu->htlb_gen) {
        htlb_clear(cpu);
        cpu->htlb_gen = gen;
    }
}

/* Translates lin for one access that stays inside its page. Returns the host address of the byte
 * when the page is host memory for this kind of access (and fills the host slot), else NULL with
 * *phys set for the bus. Translation has the same side effects as ever (A/D bits, #PF); a later
 * hit on the slot has none, which is what the slot promises. */
static uint8_t *htlb_fill(X86Cpu *cpu, uint32_t lin, X86Access acc, bool user, uint32_t *phys)
{
    /* x86_translate() drops the sequential fetch (the slot below changes). */
    htlb_sync(cpu);
    uint32_t p = x86_translate(cpu, lin, acc, user);
    *phys = p;
    bool write = acc == X86_WRITE;
    uint8_t *host = membus_host_ptr(cpu->mem, p & ~0xFFFu, write);
    if (!host) {
        return NULL;
    }
    X86HostTlb *e = x86_htlb_slot(cpu, lin);
    if (e->host != host) {
        e->tag_r = e->tag_w = 0;
        e->host = host;
    }
    /* A write allowed at this privilege implies a read allowed (386 PRM table 6-5). */
    e->tag_r = x86_htlb_tag(lin, user);
    if (write) {
        e->tag_w = e->tag_r;
    }
    return host + (lin & 0xFFFu);
}

const uint8_t *x86_htlb_fetch_slow(X86Cpu *cpu, uint32_t lin, bool user)
{
    uint32_t phys;
    return htlb_fill(cpu, lin, X86_EXEC, user, &phys);
}

uint32_t x86_lin_read_slow(X86Cpu *cpu, uint32_t lin, unsigned len, bool user)
{
    x86_seq_break(cpu); /* device code may run (and remap memory) */
    if ((lin & 0xFFFu) + len > MEM_PAGE_SIZE) {
        /* Crosses a page: translate both before reading, bytes in address order. */
        uint32_t p0 = x86_translate(cpu, lin, X86_READ, user);
        uint32_t p1 = x86_translate(cpu, (lin | 0xFFFu) + 1, X86_READ, user);
        uint32_t v = 0;
        x86_device_sync_time(cpu);
        for (unsigned i = 0; i < len; i++) {
            uint32_t l = lin + i;
            uint32_t p = ((l & 0xFFFu) >= (lin & 0xFFFu)) ? p0 + i : p1 + (l & 0xFFFu);
            v |= (uint32_t)membus_read8(cpu->mem, p) << (8 * i);
        }
        x86_device_recheck_deadline(cpu);
        return v;
    }
    uint32_t phys;
    const uint8_t *h = htlb_fill(cpu, lin, X86_READ, user, &phys);
    if (h) {
        return len == 1 ? *h : len == 2 ? ld_le16(h) : ld_le32(h);
    }
    /* MMIO (or nothing): a device sees the CPU's time, like at a port access. */
    x86_device_sync_time(cpu);
    uint32_t v = len == 1 ? membus_read8(cpu->mem, phys)
               : len == 2 ? membus_read16(cpu->mem, phys)
                          : membus_read32(cpu->mem, phys);
    x86_device_recheck_deadline(cpu);
    return v;
}

void x86_lin_write_slow(X86Cpu *cpu, uint32_t lin, unsigned len, uint32_t v, bool user)
{
    x86_seq_break(cpu); /* device code may run (and remap memory) */
    if ((lin & 0xFFFu) + len > MEM_PAGE_SIZE) {
        /* Both pages are checked before anything is written, so a fault leaves memory alone. */
        uint32_t p0 = x86_translate(cpu, lin, X86_WRITE, user);
        uint32_t p1 = x86_translate(cpu, (lin | 0xFFFu) + 1, X86_WRITE, user);
        x86_device_sync_time(cpu);
        for (unsigned i = 0; i < len; i++) {
            uint32_t l = lin + i;
            uint32_t p = ((l & 0xFFFu) >= (lin & 0xFFFu)) ? p0 + i : p1 + (l & 0xFFFu);
            membus_write8(cpu->mem, p, (uint8_t)(v >> (8 * i)));
        }
        x86_device_recheck_deadline(cpu);
        return;
    }
    uint32_t phys;
    uint8_t *h = htlb_fill(cpu, lin, X86_WRITE, user, &phys);
    if (h) {
        if (len == 1) {
            *h = (uint8_t)v;
        } else if (len == 2) {
            st_le16(h, (uint16_t)v);
        } else {
            st_le32(h, v);
        }
    } else {
        /* ROM, MMIO, code pages (the hook runs): a device sees the CPU's time. */
        x86_device_sync_time(cpu);
        if (len == 1) {
            membus_write8(cpu->mem, phys, (uint8_t)v);
        } else if (len == 2) {
            membus_write16(cpu->mem, phys, (uint16_t)v);
        } else {
            membus_write32(cpu->mem, phys, v);
        }
        x86_device_recheck_deadline(cpu);
    }
}

uint8_t x86_lin_read8(X86Cpu *cpu, uint32_t lin, bool user)
{
    return x86_lin_rd8(cpu, lin, user);
}

uint16_t x86_lin_read16(X86Cpu *cpu, uint32_t lin, bool user)
{
    return x86_lin_rd16(cpu, lin, user);
}

uint32_t x86_lin_read32(X86Cpu *cpu, uint32_t lin, bool user)
{
    return x86_lin_rd32(cpu, lin, user);
}

void x86_lin_write8(X86Cpu *cpu, uint32_t lin, uint8_t v, bool user)
{
    x86_lin_wr8(cpu, lin, v, user);
}

void x86_lin_write16(X86Cpu *cpu, uint32_t lin, uint16_t v, bool user)
{
    x86_lin_wr16(cpu, lin, v, user);
}

void x86_lin_write32(X86Cpu *cpu, uint32_t lin, uint32_t v, bool user)
{
    x86_lin_wr32(cpu, lin, v, user);
}
