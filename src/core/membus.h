/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The physical address space as 4 KiB pages, each unmapped, RAM, ROM or MMIO. RAM and ROM reads
 * are a page lookup and a host pointer; CPU backends keep their own TLBs on top (membus_host_ptr).
 * Multi-byte accessors are little-endian (x86 and the PCI/ISA world); _be variants serve
 * big-endian guests. An access that straddles a page boundary is split into bytes.
 * Unmapped reads float high (all ones); unmapped and ROM writes are ignored.
 *
 * All DMA goes through membus_dma_read/write, which refuse (return false) any range that is not
 * entirely guest RAM: a guest can never make Amber touch host memory outside guest RAM.
 */
#ifndef AMBER_CORE_MEMBUS_H
#define AMBER_CORE_MEMBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/log.h"

#define MEM_PAGE_SHIFT 12
#define MEM_PAGE_SIZE (1u << MEM_PAGE_SHIFT)
#define MEM_PAGE_MASK ((uint64_t)MEM_PAGE_SIZE - 1)

typedef enum MemKind { MEM_UNMAPPED = 0, MEM_RAM, MEM_ROM, MEM_MMIO } MemKind;

/* MMIO handlers get the offset from the start of the mapped region; size is 1, 2, 4 or 8. */
typedef struct MemOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
} MemOps;

typedef struct MemBus MemBus;

/* The first member of every MemBus, public so that the hot paths of CPU backends can read it
 * inline. map_generation moves whenever a page's mapping changes (map, alias, unmap) or a page
 * becomes marked as cached code: a backend that keeps host pointers from membus_host_ptr (a
 * TLB) drops them all when it sees the value move. */
typedef struct MemBusHead {
    uint32_t map_generation;
} MemBusHead;

static inline uint32_t membus_map_generation(const MemBus *bus)
{
    return ((const MemBusHead *)(const void *)bus)->map_generation;
}

/* addr_bits: width of the physical address space (32 for a 386..P6 without PAE, 20 for an 8086). */
MemBus *membus_new(unsigned addr_bits, Log *log, AmberError *err);
void membus_free(MemBus *bus);
uint64_t membus_addr_mask(const MemBus *bus);

/* Maps fresh zeroed guest RAM owned by the bus. base and size are page-aligned.
 * Returns the host pointer of the block (contiguous) or NULL with err set. */
uint8_t *membus_map_ram(MemBus *bus, const char *name, uint64_t base, uint64_t size, AmberError *err);
/* Maps an alias of part of existing RAM (for PAM shadowing, VGA windows, ...). */
bool membus_map_ram_alias(MemBus *bus, uint64_t base, uint64_t size, uint64_t ram_base, AmberError *err);
/* Maps a copy of data as ROM; size is rounded up to pages (the tail is all ones). */
bool membus_map_rom(MemBus *bus, const char *name, uint64_t base, const void *data, uint64_t size,
                    AmberError *err);
bool membus_map_mmio(MemBus *bus, const char *name, uint64_t base, uint64_t size, const MemOps *ops,
                     void *opaque, AmberError *err);
void membus_unmap(MemBus *bus, uint64_t base, uint64_t size);
MemKind membus_kind(const MemBus *bus, uint64_t paddr);

/* Host pointer to the byte at paddr when that page is RAM (or ROM when !for_write); else NULL.
 * Valid up to the end of the page. */
uint8_t *membus_host_ptr(MemBus *bus, uint64_t paddr, bool for_write);

uint8_t membus_read8(MemBus *bus, uint64_t paddr);
uint16_t membus_read16(MemBus *bus, uint64_t paddr);
uint32_t membus_read32(MemBus *bus, uint64_t paddr);
uint64_t membus_read64(MemBus *bus, uint64_t paddr);
void membus_write8(MemBus *bus, uint64_t paddr, uint8_t v);
void membus_write16(MemBus *bus, uint64_t paddr, uint16_t v);
void membus_write32(MemBus *bus, uint64_t paddr, uint32_t v);
void membus_write64(MemBus *bus, uint64_t paddr, uint64_t v);
uint16_t membus_read16_be(MemBus *bus, uint64_t paddr);
uint32_t membus_read32_be(MemBus *bus, uint64_t paddr);
void membus_write16_be(MemBus *bus, uint64_t paddr, uint16_t v);
void membus_write32_be(MemBus *bus, uint64_t paddr, uint32_t v);

/* DMA: only whole ranges inside guest RAM; returns false (and transfers nothing) otherwise. */
bool membus_dma_read(MemBus *bus, uint64_t paddr, void *buf, size_t len);
bool membus_dma_write(MemBus *bus, uint64_t paddr, const void *buf, size_t len);

/* Code-page tracking for translators: a write (CPU or DMA) to a page marked as cached code calls
 * the hook with the physical address and length written; the page stays marked until cleared. */
typedef void (*MemCodeWriteHook)(void *opaque, uint64_t paddr, unsigned len);
void membus_set_code_write_hook(MemBus *bus, MemCodeWriteHook hook, void *opaque);
void membus_mark_code_page(MemBus *bus, uint64_t paddr, bool cached);
bool membus_is_code_page(const MemBus *bus, uint64_t paddr);

/* RAM blocks, in mapping order, for save-states and KVM memory slots. */
typedef struct MemRamBlock {
    const char *name;
    uint64_t base;
    uint64_t size;
    uint8_t *host;
} MemRamBlock;
size_t membus_ram_block_count(const MemBus *bus);
const MemRamBlock *membus_ram_block(const MemBus *bus, size_t i);

#endif
