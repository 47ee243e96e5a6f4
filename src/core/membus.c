/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The physical memory bus: 4 KiB pages over an address space of up to 36 bits.
 *
 * The page table has two levels so that a 36-bit bus (16 Mi pages) does not cost a flat array per
 * machine: a top-level array of pointers (one per 1,024 pages, 16 Ki pointers at 36 bits) and
 * leaves of 1,024 page entries, allocated the first time something is mapped (or marked) in their
 * 4 MiB span. Lookups of addresses under no leaf read as unmapped.
 *
 * Decisions worth knowing:
 * - Every address is masked to addr_bits first, so an 8086 bus (20 bits) wraps at 1 MiB, as the
 *   real address lines do. Multi-byte accesses that straddle a page are split into bytes, and each
 *   byte address is masked on its own (a word at 0xFFFFF on a 20-bit bus reads 0xFFFFF and 0).
 * - A later mapping replaces an earlier one page by page (VGA MMIO over RAM, ROM over RAM);
 *   membus_unmap leaves the pages unmapped, it does not uncover what was there before. Code that
 *   needs the RAM back maps an alias (membus_map_ram_alias) of the RAM block.
 * - RAM aliases name RAM by its address inside a RAM block as it was mapped (block base ..
 *   base+size), not by the page table's current content, so RAM hidden under ROM (shadow RAM)
 *   can still be aliased.
 * - MMIO handler values are in byte-lane order: the byte at the lowest offset is bits 0..7. The _be
 *   accessors byte-swap that value, so a handler never needs to know the CPU's endianness.
 * - Pages marked as cached code: CPU writes (membus_write*) and DMA writes call the code-write hook
 *   after the data is stored; membus_host_ptr(.., for_write = true) returns NULL for them so that a
 *   backend's fast path falls back to membus_write* and the hook sees every write. Mapping or
 *   unmapping over a marked page also calls the hook for the whole page (its content changed).
 */
#include "core/membus.h"

#include <stdlib.h>
#include <string.h>

#include "core/endian.h"

#define MEM_LEAF_BITS 10
#define MEM_LEAF_PAGES (1u << MEM_LEAF_BITS)
#define MEM_MIN_ADDR_BITS 16
#define MEM_MAX_ADDR_BITS 36

/* An MMIO region; pages point at it. Freed when its last page is unmapped or replaced. */
typedef struct MemRegion {
    char *name;
    uint64_t base;
    uint64_t size;
    const MemOps *ops;
    void *opaque;
    uint64_t pages;          /* pages still pointing at this region */
    struct MemRegion *next;
} MemRegion;

/* Host memory the bus owns (RAM blocks and ROM copies), freed with the bus. */
typedef struct MemHostBlock {
    uint8_t *data;
    struct MemHostBlock *next;
} MemHostBlock;

typedef struct MemPage {
    uint8_t *host;          /* RAM and ROM: host address of the page's first byte */
    MemRegion *mmio;        /* MMIO */
    uint8_t kind;           /* MemKind */
    bool code;              /* cached by a translator: writes call the code-write hook */
} MemPage;

typedef struct MemLeaf {
    MemPage page[MEM_LEAF_PAGES];
} MemLeaf;

struct MemBus {
    MemBusHead head; /* first: membus_map_generation() reads it through the public header */
    unsigned addr_bits;
    uint64_t mask;
    Log *log;
    MemLeaf **top;
    size_t top_count;

    MemRegion *regions;
    MemHostBlock *host_blocks;

    MemRamBlock *ram;
    size_t ram_count;
    size_t ram_cap;

    MemCodeWriteHook code_hook;
    void *code_opaque;
};

MemBus *membus_new(unsigned addr_bits, Log *log, AmberError *err)
{
    if (addr_bits < MEM_MIN_ADDR_BITS || addr_bits > MEM_MAX_ADDR_BITS) {
        amber_error(err, "memory bus: %u address bits is outside the supported %u..%u", addr_bits,
                    MEM_MIN_ADDR_BITS, MEM_MAX_ADDR_BITS);
        return NULL;
    }
    MemBus *bus = calloc(1, sizeof *bus);
    if (!bus) {
        amber_error(err, "memory bus: out of memory");
        return NULL;
    }
    bus->addr_bits = addr_bits;
    bus->mask = (UINT64_C(1) << addr_bits) - 1;
    bus->log = log;
    unsigned page_bits = addr_bits - MEM_PAGE_SHIFT;
    bus->top_count = page_bits > MEM_LEAF_BITS ? (size_t)1 << (page_bits - MEM_LEAF_BITS) : 1;
    bus->top = calloc(bus->top_count, sizeof *bus->top);
    if (!bus->top) {
        free(bus);
        amber_error(err, "memory bus: out of memory");
        return NULL;
    }
    return bus;
}

void membus_free(MemBus *bus)
{
    if (!bus) {
        return;
    }
    for (size_t i = 0; i < bus->top_count; i++) {
        free(bus->top[i]);
    }
    free(bus->top);
    while (bus->regions) {
        MemRegion *r = bus->regions;
        bus->regions = r->next;
        free(r->name);
        free(r);
    }
    while (bus->host_blocks) {
        MemHostBlock *h = bus->host_blocks;
        bus->host_blocks = h->next;
        free(h->data);
        free(h);
    }
    for (size_t i = 0; i < bus->ram_count; i++) {
        free((char *)bus->ram[i].name);
    }
    free(bus->ram);
    free(bus);
}

uint64_t membus_addr_mask(const MemBus *bus)
{
    return bus->mask;
}

/* ---- page table ---- */

static inline const MemPage *mem_page(const MemBus *bus, uint64_t paddr)
{
    uint64_t pn = (paddr & bus->mask) >> MEM_PAGE_SHIFT;
    const MemLeaf *leaf = bus->top[pn >> MEM_LEAF_BITS];
    return leaf ? &leaf->page[pn & (MEM_LEAF_PAGES - 1)] : NULL;
}

/* The entry for a page, allocating its leaf; NULL only when out of memory. */
static MemPage *mem_page_alloc(MemBus *bus, uint64_t paddr)
{
    uint64_t pn = (paddr & bus->mask) >> MEM_PAGE_SHIFT;
    MemLeaf **slot = &bus->top[pn >> MEM_LEAF_BITS];
    if (!*slot) {
        *slot = calloc(1, sizeof **slot);
        if (!*slot) {
            return NULL;
        }
    }
    return &(*slot)->page[pn & (MEM_LEAF_PAGES - 1)];
}

static void mem_region_unref(MemBus *bus, MemRegion *r)
{
    if (--r->pages) {
        return;
    }
    for (MemRegion **pp = &bus->regions; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    }
    free(r->name);
    free(r);
}

/* Sets one page, releasing what it pointed at before. */
static void mem_page_set(MemBus *bus, MemPage *pg, uint64_t paddr, MemKind kind, uint8_t *host,
                         MemRegion *mmio)
{
    if (pg->kind == MEM_MMIO && pg->mmio) {
        mem_region_unref(bus, pg->mmio);
    }
    bus->head.map_generation++;
    pg->kind = (uint8_t)kind;
    pg->host = host;
    pg->mmio = mmio;
    if (mmio) {
        mmio->pages++;
    }
    if (pg->code && bus->code_hook) {
        bus->code_hook(bus->code_opaque, paddr & ~MEM_PAGE_MASK, MEM_PAGE_SIZE);
    }
}

/* Checks a mapping request and makes sure every leaf it needs exists, so that the mapping itself
 * cannot fail half way. */
static bool mem_check_range(MemBus *bus, const char *what, const char *name, uint64_t base,
                            uint64_t size, AmberError *err)
{
    if (size == 0 || (base & MEM_PAGE_MASK) || (size & MEM_PAGE_MASK)) {
        return amber_error(err,
                           "memory bus: %s '%s' at 0x%llx size 0x%llx is not page-aligned "
                           "(4 KiB) or empty",
                           what, name ? name : "?", (unsigned long long)base,
                           (unsigned long long)size);
    }
    if (base > bus->mask || size - 1 > bus->mask - base) {
        return amber_error(err,
                           "memory bus: %s '%s' at 0x%llx size 0x%llx does not fit the %u-bit "
                           "address space",
                           what, name ? name : "?", (unsigned long long)base,
                           (unsigned long long)size, bus->addr_bits);
    }
    for (uint64_t a = base; a - base < size; a += (uint64_t)MEM_LEAF_PAGES << MEM_PAGE_SHIFT) {
        if (!mem_page_alloc(bus, a)) {
            return amber_error(err, "memory bus: out of memory mapping '%s'", name ? name : "?");
        }
    }
    /* The loop above steps by a whole leaf from base; the last page may sit in the next leaf. */
    if (!mem_page_alloc(bus, base + size - 1)) {
        return amber_error(err, "memory bus: out of memory mapping '%s'", name ? name : "?");
    }
    return true;
}

static MemHostBlock *mem_host_block_new(MemBus *bus, uint64_t size)
{
    if (size > SIZE_MAX) {
        return NULL;
    }
    MemHostBlock *h = calloc(1, sizeof *h);
    if (!h) {
        return NULL;
    }
    h->data = calloc(1, (size_t)size);
    if (!h->data) {
        free(h);
        return NULL;
    }
    h->next = bus->host_blocks;
    bus->host_blocks = h;
    return h;
}

uint8_t *membus_map_ram(MemBus *bus, const char *name, uint64_t base, uint64_t size, AmberError *err)
{
    if (!mem_check_range(bus, "RAM", name, base, size, err)) {
        return NULL;
    }
    if (bus->ram_count == bus->ram_cap) {
        size_t cap = bus->ram_cap ? bus->ram_cap * 2 : 4;
        MemRamBlock *n = realloc(bus->ram, cap * sizeof *n);
        if (!n) {
            amber_error(err, "memory bus: out of memory mapping RAM '%s'", name);
            return NULL;
        }
        bus->ram = n;
        bus->ram_cap = cap;
    }
    char *name_copy = strdup(name ? name : "ram");
    MemHostBlock *h = name_copy ? mem_host_block_new(bus, size) : NULL;
    if (!h) {
        free(name_copy);
        amber_error(err, "memory bus: cannot allocate %llu bytes of RAM for '%s'",
                    (unsigned long long)size, name ? name : "ram");
        return NULL;
    }
    for (uint64_t off = 0; off < size; off += MEM_PAGE_SIZE) {
        mem_page_set(bus, mem_page_alloc(bus, base + off), base + off, MEM_RAM, h->data + off,
                     NULL);
    }
    bus->ram[bus->ram_count++] = (MemRamBlock){ name_copy, base, size, h->data };
    return h->data;
}

bool membus_map_ram_alias(MemBus *bus, uint64_t base, uint64_t size, uint64_t ram_base,
                          AmberError *err)
{
    if (!mem_check_range(bus, "RAM alias", "alias", base, size, err)) {
        return false;
    }
    const MemRamBlock *blk = NULL;
    for (size_t i = 0; i < bus->ram_count; i++) {
        const MemRamBlock *b = &bus->ram[i];
        if (ram_base >= b->base && ram_base - b->base <= b->size &&
            size <= b->size - (ram_base - b->base)) {
            blk = b;
        }
    }
    if (!blk || (ram_base & MEM_PAGE_MASK)) {
        return amber_error(err,
                           "memory bus: RAM alias at 0x%llx of 0x%llx bytes at 0x%llx is not "
                           "inside one page-aligned RAM block",
                           (unsigned long long)base, (unsigned long long)size,
                           (unsigned long long)ram_base);
    }
    uint8_t *host = blk->host + (ram_base - blk->base);
    for (uint64_t off = 0; off < size; off += MEM_PAGE_SIZE) {
        mem_page_set(bus, mem_page_alloc(bus, base + off), base + off, MEM_RAM, host + off, NULL);
    }
    return true;
}

bool membus_map_rom(MemBus *bus, const char *name, uint64_t base, const void *data, uint64_t size,
                    AmberError *err)
{
    if (size == 0) {
        return amber_error(err, "memory bus: ROM '%s' is empty", name ? name : "?");
    }
    uint64_t rounded = (size + MEM_PAGE_MASK) & ~MEM_PAGE_MASK;
    if (rounded < size) {
        return amber_error(err, "memory bus: ROM '%s' is too large", name ? name : "?");
    }
    if (!mem_check_range(bus, "ROM", name, base, rounded, err)) {
        return false;
    }
    MemHostBlock *h = mem_host_block_new(bus, rounded);
    if (!h) {
        return amber_error(err, "memory bus: cannot allocate %llu bytes for ROM '%s'",
                           (unsigned long long)rounded, name ? name : "?");
    }
    if (data) {
        memcpy(h->data, data, (size_t)size);
    }
    /* The tail of a partial page reads as an undriven bus would. */
    memset(h->data + size, 0xff, (size_t)(rounded - size));
    for (uint64_t off = 0; off < rounded; off += MEM_PAGE_SIZE) {
        mem_page_set(bus, mem_page_alloc(bus, base + off), base + off, MEM_ROM, h->data + off,
                     NULL);
    }
    return true;
}

bool membus_map_mmio(MemBus *bus, const char *name, uint64_t base, uint64_t size, const MemOps *ops,
                     void *opaque, AmberError *err)
{
    if (!ops) {
        return amber_error(err, "memory bus: MMIO '%s' has no handlers", name ? name : "?");
    }
    if (!mem_check_range(bus, "MMIO", name, base, size, err)) {
        return false;
    }
    MemRegion *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name ? name : "mmio"))) {
        free(r);
        return amber_error(err, "memory bus: out of memory mapping MMIO '%s'", name ? name : "?");
    }
    r->base = base;
    r->size = size;
    r->ops = ops;
    r->opaque = opaque;
    r->next = bus->regions;
    bus->regions = r;
    /* Hold a reference while replacing pages, so replacing our own pages cannot free r. */
    r->pages = 1;
    for (uint64_t off = 0; off < size; off += MEM_PAGE_SIZE) {
        mem_page_set(bus, mem_page_alloc(bus, base + off), base + off, MEM_MMIO, NULL, r);
    }
    mem_region_unref(bus, r);
    return true;
}

void membus_unmap(MemBus *bus, uint64_t base, uint64_t size)
{
    base &= ~MEM_PAGE_MASK;
    for (uint64_t off = 0; off < size; off += MEM_PAGE_SIZE) {
        uint64_t a = base + off;
        if (a > bus->mask || a < base) {
            break;
        }
        const MemPage *cpg = mem_page(bus, a);
        if (cpg && cpg->kind != MEM_UNMAPPED) {
            mem_page_set(bus, (MemPage *)cpg, a, MEM_UNMAPPED, NULL, NULL);
        }
    }
}

MemKind membus_kind(const MemBus *bus, uint64_t paddr)
{
    const MemPage *pg = mem_page(bus, paddr);
    return pg ? (MemKind)pg->kind : MEM_UNMAPPED;
}

uint8_t *membus_host_ptr(MemBus *bus, uint64_t paddr, bool for_write)
{
    const MemPage *pg = mem_page(bus, paddr);
    if (!pg) {
        return NULL;
    }
    uint64_t off = paddr & MEM_PAGE_MASK;
    if (pg->kind == MEM_RAM && !(for_write && pg->code)) {
        return pg->host + off;
    }
    if (pg->kind == MEM_ROM && !for_write) {
        return pg->host + off;
    }
    return NULL;
}

/* ---- accessors ---- */

static uint64_t mem_ones(unsigned size)
{
    return size >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (size * 8)) - 1;
}

static uint64_t mem_load_le(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1:
        return p[0];
    case 2:
        return ld_le16(p);
    case 4:
        return ld_le32(p);
    default:
        return ld_le64(p);
    }
}

static void mem_store_le(uint8_t *p, uint64_t v, unsigned size)
{
    switch (size) {
    case 1:
        p[0] = (uint8_t)v;
        break;
    case 2:
        st_le16(p, (uint16_t)v);
        break;
    case 4:
        st_le32(p, (uint32_t)v);
        break;
    default:
        st_le64(p, v);
        break;
    }
}

/* One access that stays within one page (paddr already masked). */
static uint64_t mem_read_page(MemBus *bus, uint64_t paddr, unsigned size)
{
    const MemPage *pg = mem_page(bus, paddr);
    if (pg) {
        switch ((MemKind)pg->kind) {
        case MEM_RAM:
        case MEM_ROM:
            return mem_load_le(pg->host + (paddr & MEM_PAGE_MASK), size);
        case MEM_MMIO:
            if (pg->mmio->ops->read) {
                return pg->mmio->ops->read(pg->mmio->opaque, paddr - pg->mmio->base, size) &
                       mem_ones(size);
            }
            return mem_ones(size);
        case MEM_UNMAPPED:
            break;
        }
    }
    if (amber_log_enabled(bus->log, LOG_MEM)) {
        amber_log(bus->log, LOG_MEM, "unmapped read%u at 0x%llx", size * 8,
                  (unsigned long long)paddr);
    }
    return mem_ones(size);
}

static void mem_write_page(MemBus *bus, uint64_t paddr, uint64_t v, unsigned size)
{
    const MemPage *pg = mem_page(bus, paddr);
    if (pg) {
        switch ((MemKind)pg->kind) {
        case MEM_RAM:
            mem_store_le(pg->host + (paddr & MEM_PAGE_MASK), v, size);
            if (pg->code && bus->code_hook) {
                bus->code_hook(bus->code_opaque, paddr, size);
            }
            return;
        case MEM_ROM:
            return; /* ROM ignores writes */
        case MEM_MMIO:
            if (pg->mmio->ops->write) {
                pg->mmio->ops->write(pg->mmio->opaque, paddr - pg->mmio->base, v & mem_ones(size),
                                     size);
            }
            return;
        case MEM_UNMAPPED:
            break;
        }
    }
    if (amber_log_enabled(bus->log, LOG_MEM)) {
        amber_log(bus->log, LOG_MEM, "unmapped write%u at 0x%llx = 0x%llx", size * 8,
                  (unsigned long long)paddr, (unsigned long long)v);
    }
}

static uint64_t mem_read(MemBus *bus, uint64_t paddr, unsigned size)
{
    paddr &= bus->mask;
    if ((paddr & MEM_PAGE_MASK) + size <= MEM_PAGE_SIZE) {
        return mem_read_page(bus, paddr, size);
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= mem_read_page(bus, (paddr + i) & bus->mask, 1) << (8 * i);
    }
    return v;
}

static void mem_write(MemBus *bus, uint64_t paddr, uint64_t v, unsigned size)
{
    paddr &= bus->mask;
    if ((paddr & MEM_PAGE_MASK) + size <= MEM_PAGE_SIZE) {
        mem_write_page(bus, paddr, v, size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        mem_write_page(bus, (paddr + i) & bus->mask, (v >> (8 * i)) & 0xff, 1);
    }
}

uint8_t membus_read8(MemBus *bus, uint64_t paddr) { return (uint8_t)mem_read(bus, paddr, 1); }
uint16_t membus_read16(MemBus *bus, uint64_t paddr) { return (uint16_t)mem_read(bus, paddr, 2); }
uint32_t membus_read32(MemBus *bus, uint64_t paddr) { return (uint32_t)mem_read(bus, paddr, 4); }
uint64_t membus_read64(MemBus *bus, uint64_t paddr) { return mem_read(bus, paddr, 8); }
void membus_write8(MemBus *bus, uint64_t paddr, uint8_t v) { mem_write(bus, paddr, v, 1); }
void membus_write16(MemBus *bus, uint64_t paddr, uint16_t v) { mem_write(bus, paddr, v, 2); }
void membus_write32(MemBus *bus, uint64_t paddr, uint32_t v) { mem_write(bus, paddr, v, 4); }
void membus_write64(MemBus *bus, uint64_t paddr, uint64_t v) { mem_write(bus, paddr, v, 8); }

uint16_t membus_read16_be(MemBus *bus, uint64_t paddr)
{
    return __builtin_bswap16((uint16_t)mem_read(bus, paddr, 2));
}
uint32_t membus_read32_be(MemBus *bus, uint64_t paddr)
{
    return __builtin_bswap32((uint32_t)mem_read(bus, paddr, 4));
}
void membus_write16_be(MemBus *bus, uint64_t paddr, uint16_t v)
{
    mem_write(bus, paddr, __builtin_bswap16(v), 2);
}
void membus_write32_be(MemBus *bus, uint64_t paddr, uint32_t v)
{
    mem_write(bus, paddr, __builtin_bswap32(v), 4);
}

/* ---- DMA ---- */

/* True when [paddr, paddr+len) lies inside the address space without wrapping and every page of
 * it is RAM. len 0 is an empty, always valid range. */
static bool mem_dma_ok(const MemBus *bus, uint64_t paddr, size_t len)
{
    if (len == 0) {
        return true;
    }
    if (paddr > bus->mask || (uint64_t)len - 1 > bus->mask - paddr) {
        return false;
    }
    uint64_t last = paddr + (uint64_t)len - 1;
    for (uint64_t a = paddr & ~MEM_PAGE_MASK;; a += MEM_PAGE_SIZE) {
        const MemPage *pg = mem_page(bus, a);
        if (!pg || pg->kind != MEM_RAM) {
            return false;
        }
        if (a >= (last & ~MEM_PAGE_MASK)) {
            return true;
        }
    }
}

bool membus_dma_read(MemBus *bus, uint64_t paddr, void *buf, size_t len)
{
    if (!mem_dma_ok(bus, paddr, len)) {
        if (amber_log_enabled(bus->log, LOG_DMA)) {
            amber_log(bus->log, LOG_DMA, "refused DMA read of %zu bytes at 0x%llx", len,
                      (unsigned long long)paddr);
        }
        return false;
    }
    uint8_t *out = buf;
    while (len) {
        const MemPage *pg = mem_page(bus, paddr);
        size_t off = (size_t)(paddr & MEM_PAGE_MASK);
        size_t n = MEM_PAGE_SIZE - off;
        if (n > len) {
            n = len;
        }
        memcpy(out, pg->host + off, n);
        out += n;
        paddr += n;
        len -= n;
    }
    return true;
}

bool membus_dma_write(MemBus *bus, uint64_t paddr, const void *buf, size_t len)
{
    if (!mem_dma_ok(bus, paddr, len)) {
        if (amber_log_enabled(bus->log, LOG_DMA)) {
            amber_log(bus->log, LOG_DMA, "refused DMA write of %zu bytes at 0x%llx", len,
                      (unsigned long long)paddr);
        }
        return false;
    }
    const uint8_t *in = buf;
    while (len) {
        const MemPage *pg = mem_page(bus, paddr);
        size_t off = (size_t)(paddr & MEM_PAGE_MASK);
        size_t n = MEM_PAGE_SIZE - off;
        if (n > len) {
            n = len;
        }
        if (pg->kind != MEM_RAM) {
            return false; /* a code-write hook remapped the rest of the range under us */
        }
        memcpy(pg->host + off, in, n);
        if (pg->code && bus->code_hook) {
            bus->code_hook(bus->code_opaque, paddr, (unsigned)n);
        }
        in += n;
        paddr += n;
        len -= n;
    }
    return true;
}

/* ---- code pages ---- */

void membus_set_code_write_hook(MemBus *bus, MemCodeWriteHook hook, void *opaque)
{
    bus->code_hook = hook;
    bus->code_opaque = opaque;
}

void membus_mark_code_page(MemBus *bus, uint64_t paddr, bool cached)
{
    if (!cached) {
        const MemPage *pg = mem_page(bus, paddr);
        if (pg) {
            ((MemPage *)pg)->code = false;
        }
        return;
    }
    MemPage *pg = mem_page_alloc(bus, paddr);
    if (pg) {
        /* Allocation only fails for a page under no leaf, which is unmapped: nothing can have
         * been cached from it, so leaving it unmarked loses nothing. Host pointers handed out
         * for writing to it are now stale (writes must reach the hook). */
        if (!pg->code) {
            bus->head.map_generation++;
        }
        pg->code = true;
    }
}

bool membus_is_code_page(const MemBus *bus, uint64_t paddr)
{
    const MemPage *pg = mem_page(bus, paddr);
    return pg && pg->code;
}

/* ---- RAM blocks ---- */

size_t membus_ram_block_count(const MemBus *bus)
{
    return bus->ram_count;
}

const MemRamBlock *membus_ram_block(const MemBus *bus, size_t i)
{
    return i < bus->ram_count ? &bus->ram[i] : NULL;
}
