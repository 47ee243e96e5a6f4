/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory bus: RAM, ROM, MMIO, unmapped, straddling, endianness, aliases, DMA bounds, code
 * pages, address wrap, and the page table's laziness. */
#include "core/membus.h"

#include "../testlib.h"

typedef struct MmioProbe {
    uint64_t last_off;
    uint64_t last_val;
    unsigned last_size;
    unsigned reads, writes;
    uint8_t regs[16];
} MmioProbe;

static uint64_t probe_read(void *opaque, uint64_t off, unsigned size)
{
    MmioProbe *p = opaque;
    p->reads++;
    p->last_off = off;
    p->last_size = size;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p->regs[(off + i) & 15] << (8 * i);
    }
    return v;
}

static void probe_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    MmioProbe *p = opaque;
    p->writes++;
    p->last_off = off;
    p->last_val = v;
    p->last_size = size;
    for (unsigned i = 0; i < size; i++) {
        p->regs[(off + i) & 15] = (uint8_t)(v >> (8 * i));
    }
}

static const MemOps probe_ops = { probe_read, probe_write };

static void test_ram(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    T_CHECK(t, bus != NULL);
    uint8_t *ram = membus_map_ram(bus, "ram", 0, 64 * 1024, &err);
    T_CHECK(t, ram != NULL);
    T_EQ(t, membus_kind(bus, 0x1234), MEM_RAM);
    T_EQ(t, membus_read32(bus, 0x100), 0); /* zeroed */
    membus_write32(bus, 0x100, 0x11223344);
    T_EQ(t, ram[0x100], 0x44);
    T_EQ(t, ram[0x103], 0x11);
    T_EQ(t, membus_read16(bus, 0x101), 0x2233);
    T_EQ(t, membus_read8(bus, 0x102), 0x22);
    membus_write64(bus, 0x200, UINT64_C(0x0102030405060708));
    T_EQ(t, membus_read64(bus, 0x200), UINT64_C(0x0102030405060708));
    T_EQ(t, ram[0x200], 0x08);
    /* Big-endian accessors see the same bytes the other way round. */
    T_EQ(t, membus_read32_be(bus, 0x100), 0x44332211);
    T_EQ(t, membus_read16_be(bus, 0x100), 0x4433);
    membus_write32_be(bus, 0x300, 0xAABBCCDD);
    T_EQ(t, ram[0x300], 0xAA);
    T_EQ(t, ram[0x303], 0xDD);
    membus_write16_be(bus, 0x310, 0x1234);
    T_EQ(t, ram[0x310], 0x12);
    T_EQ(t, membus_read16(bus, 0x310), 0x3412);
    /* Host pointer. */
    T_CHECK(t, membus_host_ptr(bus, 0x1000, true) == ram + 0x1000);
    T_CHECK(t, membus_host_ptr(bus, 0x10000, false) == NULL);
    /* RAM block list. */
    T_EQ(t, membus_ram_block_count(bus), 1);
    const MemRamBlock *b = membus_ram_block(bus, 0);
    T_STREQ(t, b->name, "ram");
    T_EQ(t, b->base, 0);
    T_EQ(t, b->size, 64 * 1024);
    T_CHECK(t, b->host == ram);
    T_CHECK(t, membus_ram_block(bus, 1) == NULL);
    /* Bad mappings. */
    amber_error_clear(&err);
    T_CHECK(t, membus_map_ram(bus, "odd", 0x100, 0x1000, &err) == NULL);
    T_CONTAINS(t, err.msg, "page-aligned");
    amber_error_clear(&err);
    T_CHECK(t, membus_map_ram(bus, "big", 0xFFFFF000, 0x2000, &err) == NULL);
    T_CONTAINS(t, err.msg, "32-bit");
    amber_error_clear(&err);
    T_CHECK(t, membus_map_ram(bus, "zero", 0x100000, 0, &err) == NULL);
    T_CHECK(t, err.set);
    membus_free(bus);
}

static void test_unmapped_rom(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    T_EQ(t, membus_kind(bus, 0x50000), MEM_UNMAPPED);
    T_EQ(t, membus_read8(bus, 0x50000), 0xFF);
    T_EQ(t, membus_read16(bus, 0x50000), 0xFFFF);
    T_EQ(t, membus_read32(bus, 0xFFFFFFF0), 0xFFFFFFFFu);
    T_EQ(t, membus_read64(bus, 0x50000), ~UINT64_C(0));
    membus_write32(bus, 0x50000, 0); /* ignored, must not crash */
    T_EQ(t, membus_read32(bus, 0x50000), 0xFFFFFFFFu);

    /* ROM: a copy (later changes to the source do not show), writes ignored, tail all ones. */
    uint8_t img[5000];
    for (unsigned i = 0; i < sizeof img; i++) {
        img[i] = (uint8_t)(i * 7);
    }
    T_CHECK(t, membus_map_rom(bus, "bios", 0xF0000, img, sizeof img, &err));
    img[0] = 0x55;
    T_EQ(t, membus_kind(bus, 0xF0000), MEM_ROM);
    T_EQ(t, membus_kind(bus, 0xF1000), MEM_ROM);
    T_EQ(t, membus_kind(bus, 0xF2000), MEM_UNMAPPED);
    T_EQ(t, membus_read8(bus, 0xF0000), 0);
    T_EQ(t, membus_read8(bus, 0xF0001), 7);
    membus_write8(bus, 0xF0001, 0x99);
    T_EQ(t, membus_read8(bus, 0xF0001), 7);
    T_EQ(t, membus_read8(bus, 0xF0000 + 4999), (uint8_t)(4999 * 7));
    T_EQ(t, membus_read8(bus, 0xF0000 + 5000), 0xFF);
    T_EQ(t, membus_read32(bus, 0xF1FFC), 0xFFFFFFFFu);
    T_CHECK(t, membus_host_ptr(bus, 0xF0000, false) != NULL);
    T_CHECK(t, membus_host_ptr(bus, 0xF0000, true) == NULL);
    T_EQ(t, membus_ram_block_count(bus), 0);

    /* Unmap makes pages unmapped again. */
    membus_unmap(bus, 0xF1000, 0x1000);
    T_EQ(t, membus_kind(bus, 0xF1000), MEM_UNMAPPED);
    T_EQ(t, membus_kind(bus, 0xF0000), MEM_ROM);
    membus_free(bus);
}

static void test_mmio(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    MmioProbe p = { 0 };
    T_CHECK(t, membus_map_mmio(bus, "probe", 0xFEC00000, 0x2000, &probe_ops, &p, &err));
    T_EQ(t, membus_kind(bus, 0xFEC01000), MEM_MMIO);
    T_CHECK(t, membus_host_ptr(bus, 0xFEC00000, false) == NULL);
    membus_write32(bus, 0xFEC00004, 0xCAFEBABE);
    T_EQ(t, p.writes, 1);
    T_EQ(t, p.last_off, 4);
    T_EQ(t, p.last_size, 4);
    T_EQ(t, p.last_val, 0xCAFEBABE);
    T_EQ(t, membus_read32(bus, 0xFEC00004), 0xCAFEBABE);
    T_EQ(t, p.last_off, 4);
    /* Offsets are from the region start, also on its second page. */
    membus_read16(bus, 0xFEC01008);
    T_EQ(t, p.last_off, 0x1008);
    T_EQ(t, p.last_size, 2);
    /* Byte-lane order: the _be accessor swaps the handler's value. */
    T_EQ(t, membus_read32_be(bus, 0xFEC00004), 0xBEBAFECA);
    membus_write8(bus, 0xFEC00000, 0x5A);
    T_EQ(t, p.last_size, 1);
    T_EQ(t, p.regs[0], 0x5A);
    /* An access that straddles the region's two pages is split into bytes. */
    unsigned before = p.reads;
    membus_read32(bus, 0xFEC00FFE);
    T_EQ(t, p.reads - before, 4);
    T_EQ(t, p.last_size, 1);
    T_EQ(t, p.last_off, 0x1001);
    /* Remapping MMIO over MMIO and unmapping frees the old region (no leak under ASan). */
    MmioProbe q = { 0 };
    T_CHECK(t, membus_map_mmio(bus, "probe2", 0xFEC01000, 0x1000, &probe_ops, &q, &err));
    membus_read8(bus, 0xFEC01003);
    T_EQ(t, q.last_off, 3);
    membus_read8(bus, 0xFEC00003);
    T_EQ(t, p.last_off, 3);
    membus_unmap(bus, 0xFEC00000, 0x2000);
    T_EQ(t, membus_read8(bus, 0xFEC00003), 0xFF);
    T_CHECK(t, !membus_map_mmio(bus, "null", 0x1000, 0x1000, NULL, NULL, &err));
    membus_free(bus);
}

static void test_straddle(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    uint8_t *ram = membus_map_ram(bus, "ram", 0, 0x2000, &err);
    /* RAM page 0 | unmapped page at 0x2000. */
    membus_write32(bus, 0x0FFE, 0xA1B2C3D4);
    T_EQ(t, ram[0xFFE], 0xD4);
    T_EQ(t, ram[0xFFF], 0xC3);
    T_EQ(t, ram[0x1000], 0xB2);
    T_EQ(t, ram[0x1001], 0xA1);
    T_EQ(t, membus_read32(bus, 0x0FFE), 0xA1B2C3D4);
    T_EQ(t, membus_read32_be(bus, 0x0FFE), 0xD4C3B2A1);
    ram[0x1FFE] = 0x11;
    ram[0x1FFF] = 0x22;
    /* Half RAM, half unmapped: the unmapped bytes read as ones. */
    T_EQ(t, membus_read32(bus, 0x1FFE), 0xFFFF2211);
    membus_write64(bus, 0x1FFC, 0);
    T_EQ(t, ram[0x1FFC], 0);
    T_EQ(t, ram[0x1FFF], 0);
    /* ROM next to RAM: the ROM half of a straddling write is dropped. */
    uint8_t rom[4096];
    memset(rom, 0x77, sizeof rom);
    T_CHECK(t, membus_map_rom(bus, "rom", 0x2000, rom, sizeof rom, &err));
    membus_write16(bus, 0x1FFF, 0x1234);
    T_EQ(t, ram[0x1FFF], 0x34);
    T_EQ(t, membus_read8(bus, 0x2000), 0x77);
    T_EQ(t, membus_read16(bus, 0x1FFF), 0x7734);
    membus_free(bus);
}

static void test_alias(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    uint8_t *ram = membus_map_ram(bus, "ram", 0, 0x100000, &err);
    /* Shadow RAM: ROM over RAM at 0xF0000, then the RAM below made visible again by an alias. */
    uint8_t rom[0x1000];
    memset(rom, 0xEA, sizeof rom);
    T_CHECK(t, membus_map_rom(bus, "bios", 0xF0000, rom, sizeof rom, &err));
    T_EQ(t, membus_read8(bus, 0xF0000), 0xEA);
    ram[0xF0000] = 0x42;
    T_EQ(t, membus_read8(bus, 0xF0000), 0xEA);
    T_CHECK(t, membus_map_ram_alias(bus, 0xF0000, 0x1000, 0xF0000, &err));
    T_EQ(t, membus_read8(bus, 0xF0000), 0x42);
    /* An alias elsewhere in the address space shares the bytes. */
    T_CHECK(t, membus_map_ram_alias(bus, 0x40000000, 0x2000, 0x3000, &err));
    membus_write16(bus, 0x40000010, 0xBEEF);
    T_EQ(t, membus_read16(bus, 0x3010), 0xBEEF);
    membus_write8(bus, 0x4000, 0x9C);
    T_EQ(t, membus_read8(bus, 0x40001000), 0x9C);
    T_EQ(t, membus_kind(bus, 0x40000000), MEM_RAM);
    /* Aliases of something that is not RAM, or that runs past the block, are refused. */
    amber_error_clear(&err);
    T_CHECK(t, !membus_map_ram_alias(bus, 0x50000000, 0x2000, 0xFF000, &err));
    T_CONTAINS(t, err.msg, "RAM block");
    amber_error_clear(&err);
    T_CHECK(t, !membus_map_ram_alias(bus, 0x50000000, 0x1000, 0x200000, &err));
    T_CHECK(t, err.set);
    T_EQ(t, membus_ram_block_count(bus), 1);
    membus_free(bus);
}

static void test_dma(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    uint8_t *ram = membus_map_ram(bus, "ram", 0, 0x10000, &err);
    T_CHECK(t, membus_map_ram(bus, "hi", 0xFFFFF000, 0x1000, &err) != NULL);
    uint8_t buf[0x3000];
    memset(buf, 0xA5, sizeof buf);
    /* Whole RAM ranges work, including across pages. */
    T_CHECK(t, membus_dma_write(bus, 0xFF0, buf, 0x2000));
    T_EQ(t, ram[0xFF0], 0xA5);
    T_EQ(t, ram[0x2FEF], 0xA5);
    T_EQ(t, ram[0x2FF0], 0);
    uint8_t in[0x100];
    T_CHECK(t, membus_dma_read(bus, 0x2F80, in, sizeof in));
    T_EQ(t, in[0x6F], 0xA5);
    T_EQ(t, in[0x70], 0);
    T_CHECK(t, membus_dma_read(bus, 0x0, in, 0)); /* empty range */
    /* The last byte of RAM is fine; one past is not; partial RAM ranges transfer nothing. */
    T_CHECK(t, membus_dma_read(bus, 0xFFFF, in, 1));
    T_CHECK(t, !membus_dma_read(bus, 0xFFFF, in, 2));
    memset(ram + 0xF000, 0, 0x1000);
    T_CHECK(t, !membus_dma_write(bus, 0xF800, buf, 0x1000));
    T_EQ(t, ram[0xF800], 0); /* nothing written */
    T_EQ(t, ram[0xFFFF], 0);
    /* ROM and MMIO are not DMA targets. */
    uint8_t rom[16] = { 0 };
    T_CHECK(t, membus_map_rom(bus, "rom", 0x20000, rom, sizeof rom, &err));
    T_CHECK(t, !membus_dma_read(bus, 0x20000, in, 1));
    MmioProbe p = { 0 };
    T_CHECK(t, membus_map_mmio(bus, "probe", 0x30000, 0x1000, &probe_ops, &p, &err));
    T_CHECK(t, !membus_dma_write(bus, 0x30000, buf, 4));
    T_EQ(t, p.writes, 0);
    /* Overflow: a range that wraps past the top of the address space or of uint64_t. */
    T_CHECK(t, membus_dma_read(bus, 0xFFFFF000, in, 0x100));
    T_CHECK(t, membus_dma_read(bus, 0xFFFFFF00, in, 0x100));
    T_CHECK(t, !membus_dma_read(bus, 0xFFFFFF01, in, 0x100));
    T_CHECK(t, !membus_dma_read(bus, UINT64_MAX, in, 2));
    T_CHECK(t, !membus_dma_read(bus, UINT64_MAX - 0x10, in, 0x100));
    T_CHECK(t, !membus_dma_read(bus, 0x100000000ull, in, 1)); /* outside the 32-bit space */
    T_CHECK(t, !membus_dma_read(bus, 0x0, in, SIZE_MAX));
    T_CHECK(t, !membus_dma_write(bus, 0x10, buf, SIZE_MAX - 8));
    membus_free(bus);
}

typedef struct HookLog {
    unsigned calls;
    uint64_t paddr;
    unsigned len;
    uint64_t total;
} HookLog;

static void code_hook(void *opaque, uint64_t paddr, unsigned len)
{
    HookLog *h = opaque;
    h->calls++;
    h->paddr = paddr;
    h->len = len;
    h->total += len;
}

static void test_code_pages(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(32, NULL, &err);
    uint8_t *ram = membus_map_ram(bus, "ram", 0, 0x10000, &err);
    HookLog h = { 0 };
    membus_set_code_write_hook(bus, code_hook, &h);
    membus_mark_code_page(bus, 0x3000, true);
    T_CHECK(t, membus_is_code_page(bus, 0x3FFF));
    T_CHECK(t, !membus_is_code_page(bus, 0x4000));
    membus_write8(bus, 0x2FFF, 1); /* not marked */
    T_EQ(t, h.calls, 0);
    membus_write16(bus, 0x3010, 0x9090);
    T_EQ(t, h.calls, 1);
    T_EQ(t, h.paddr, 0x3010);
    T_EQ(t, h.len, 2);
    T_EQ(t, ram[0x3010], 0x90); /* the write happened */
    /* The fast path must not bypass the hook. */
    T_CHECK(t, membus_host_ptr(bus, 0x3000, true) == NULL);
    T_CHECK(t, membus_host_ptr(bus, 0x3000, false) == ram + 0x3000);
    /* A straddling write: the hook sees the marked page's byte. */
    h = (HookLog){ 0 };
    membus_write32(bus, 0x2FFE, 0);
    T_EQ(t, h.calls, 2);
    T_EQ(t, h.total, 2);
    /* DMA into a marked page calls the hook with the part inside it. */
    h = (HookLog){ 0 };
    uint8_t buf[0x2000] = { 0 };
    T_CHECK(t, membus_dma_write(bus, 0x2800, buf, 0x1000));
    T_EQ(t, h.calls, 1);
    T_EQ(t, h.paddr, 0x3000);
    T_EQ(t, h.len, 0x800);
    /* DMA reads never call it. */
    h = (HookLog){ 0 };
    T_CHECK(t, membus_dma_read(bus, 0x3000, buf, 0x100));
    T_EQ(t, h.calls, 0);
    /* Remapping a marked page reports the whole page. */
    uint8_t rom[0x1000] = { 0 };
    T_CHECK(t, membus_map_rom(bus, "rom", 0x3000, rom, sizeof rom, &err));
    T_EQ(t, h.calls, 1);
    T_EQ(t, h.len, 0x1000);
    /* Clearing the mark stops the calls. */
    T_CHECK(t, membus_map_ram_alias(bus, 0x3000, 0x1000, 0x3000, &err));
    membus_mark_code_page(bus, 0x3000, false);
    h = (HookLog){ 0 };
    membus_write8(bus, 0x3000, 1);
    T_EQ(t, h.calls, 0);
    T_CHECK(t, !membus_is_code_page(bus, 0x3000));
    membus_free(bus);
}

static void test_wrap20(TestCtx *t)
{
    AmberError err = { 0 };
    MemBus *bus = membus_new(20, NULL, &err);
    T_EQ(t, membus_addr_mask(bus), 0xFFFFF);
    uint8_t *ram = membus_map_ram(bus, "ram", 0, 0x100000, &err);
    T_CHECK(t, ram != NULL);
    /* 1 MiB + 0x10 is 0x10 on an 8086 bus (the A20 wrap). */
    membus_write8(bus, 0x100010, 0x5A);
    T_EQ(t, ram[0x10], 0x5A);
    T_EQ(t, membus_read8(bus, 0xFFFF0 + 0x20), 0x5A); /* FFFF:0020 */
    /* A word at 0xFFFFF straddles the wrap: bytes 0xFFFFF and 0x00000. */
    membus_write16(bus, 0xFFFFF, 0xBBAA);
    T_EQ(t, ram[0xFFFFF], 0xAA);
    T_EQ(t, ram[0], 0xBB);
    T_EQ(t, membus_read16(bus, 0xFFFFF), 0xBBAA);
    T_EQ(t, membus_kind(bus, 0x1FFFFF), MEM_RAM);
    /* Mapping beyond 1 MiB is refused. */
    amber_error_clear(&err);
    T_CHECK(t, membus_map_ram(bus, "more", 0x100000, 0x1000, &err) == NULL);
    T_CONTAINS(t, err.msg, "20-bit");
    /* DMA does not wrap. */
    uint8_t b[2];
    T_CHECK(t, !membus_dma_read(bus, 0xFFFFF, b, 2));
    membus_free(bus);

    /* Out-of-range widths are errors. */
    amber_error_clear(&err);
    T_CHECK(t, membus_new(40, NULL, &err) == NULL);
    T_CONTAINS(t, err.msg, "40");
}

static void test_36bit(TestCtx *t)
{
    /* A 36-bit bus costs a small top-level table; leaves appear only where something is mapped. */
    AmberError err = { 0 };
    MemBus *bus = membus_new(36, NULL, &err);
    T_CHECK(t, bus != NULL);
    T_EQ(t, membus_addr_mask(bus), UINT64_C(0xFFFFFFFFF));
    uint8_t *hi = membus_map_ram(bus, "high", UINT64_C(0xF00000000), 0x4000, &err);
    T_CHECK(t, hi != NULL);
    membus_write32(bus, UINT64_C(0xF00000010), 0x12345678);
    T_EQ(t, hi[0x10], 0x78);
    T_EQ(t, membus_read32(bus, UINT64_C(0x100000010)), 0xFFFFFFFFu);
    /* Mapping across a leaf boundary (4 MiB) works. */
    uint8_t *mid = membus_map_ram(bus, "mid", 0x3FF000, 0x2000, &err);
    T_CHECK(t, mid != NULL);
    membus_write16(bus, 0x3FFFFF, 0x4321);
    T_EQ(t, mid[0xFFF], 0x21);
    T_EQ(t, mid[0x1000], 0x43);
    T_EQ(t, membus_ram_block_count(bus), 2);
    membus_free(bus);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_ram);
    T_RUN(&t, test_unmapped_rom);
    T_RUN(&t, test_mmio);
    T_RUN(&t, test_straddle);
    T_RUN(&t, test_alias);
    T_RUN(&t, test_dma);
    T_RUN(&t, test_code_pages);
    T_RUN(&t, test_wrap20);
    T_RUN(&t, test_36bit);
    return t_finish(&t);
}
