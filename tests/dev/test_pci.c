/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI mechanism #1, i440FX and PIIX3: IDs, header type, 0xCF8 read-back, BAR sizing, INTx
 * routing, PAM switching (write RAM under ROM with WE only, read ROM, then RE), 0xCF9. */
#include <stdlib.h>

#include "chipset/i440fx.h"
#include "chipset/pci.h"
#include "chipset/pci_host.h"
#include "chipset/piix3.h"
#include "devtest.h"

typedef struct Rig {
    Machine *m;
    Device *host, *nb, *sb;
    uint8_t *ram;
    uint8_t *rom;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    AmberError err = {0};
    r->m = dt_machine(t);
    r->host = dt_add(t, r->m, &pci_host_class, "pci");
    r->nb = dt_add(t, r->m, &i440fx_class, "i440fx");
    r->sb = dt_add(t, r->m, &piix3_class, "piix3");
    r->ram = membus_map_ram(r->m->mem, "ram", 0, 2u << 20, &err);
    T_CHECK(t, r->ram != NULL);
    r->rom = malloc(0x20000);
    for (unsigned i = 0; i < 0x20000; i++) {
        r->rom[i] = (uint8_t)(i ^ 0xA5);
    }
    T_CHECK(t, membus_map_rom(r->m->mem, "bios", 0xFFFE0000u, r->rom, 0x20000, &err));
    dt_realize(t, r->m);
}

static void rig_free(Rig *r)
{
    machine_free(r->m);
    free(r->rom);
}

static uint32_t cfg_read32(Machine *m, unsigned devfn, unsigned reg)
{
    outl(m, 0xCF8, 0x80000000u | devfn << 8 | reg);
    return inl(m, 0xCFC);
}

static void cfg_write32(Machine *m, unsigned devfn, unsigned reg, uint32_t v)
{
    outl(m, 0xCF8, 0x80000000u | devfn << 8 | reg);
    outl(m, 0xCFC, v);
}

static void cfg_write8(Machine *m, unsigned devfn, unsigned reg, uint8_t v)
{
    outl(m, 0xCF8, 0x80000000u | devfn << 8 | (reg & 0xFC));
    outb(m, (uint16_t)(0xCFC + (reg & 3)), v);
}

static uint8_t cfg_read8(Machine *m, unsigned devfn, unsigned reg)
{
    outl(m, 0xCF8, 0x80000000u | devfn << 8 | (reg & 0xFC));
    return inb(m, (uint16_t)(0xCFC + (reg & 3)));
}

static void test_config_mechanism(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outl(r.m, 0xCF8, 0x80000000u);
    T_EQ(t, inl(r.m, 0xCF8), 0x80000000u);
    outb(r.m, 0xCFB, 0x00); /* byte accesses do not touch CONFIG_ADDRESS */
    T_EQ(t, inl(r.m, 0xCF8), 0x80000000u);
    outl(r.m, 0xCF8, 0xFFFFFFFFu);
    T_EQ(t, inl(r.m, 0xCF8), 0x80FFFFFCu);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(0, 0), 0x00), 0x12378086u);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(0, 0), 0x08) >> 8, 0x060000);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(1, 0), 0x00), 0x70008086u);
    T_EQ(t, cfg_read8(r.m, PCI_DEVFN(1, 0), 0x0E), 0x80); /* multi-function */
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(1, 0), 0x08) >> 8, 0x060100);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(1, 1), 0x00), 0x70108086u);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(1, 1), 0x08) >> 8, 0x010180);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(2, 0), 0x00), 0xFFFFFFFFu);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(1, 0), 0x60), 0x80808080u);
    /* Word read at an odd lane, and bus 1 is empty. */
    outl(r.m, 0xCF8, 0x80000000u);
    T_EQ(t, inw(r.m, 0xCFE), 0x1237);
    outl(r.m, 0xCF8, 0x80010000u);
    T_EQ(t, inl(r.m, 0xCFC), 0xFFFFFFFFu);
    /* Disabled CONFIG_ADDRESS: no access. */
    outl(r.m, 0xCF8, 0x00000000u);
    T_EQ(t, inl(r.m, 0xCFC), 0xFFFFFFFFu);
    /* Read-only registers stay, status bits clear by writing 1. */
    cfg_write32(r.m, PCI_DEVFN(0, 0), 0x00, 0);
    T_EQ(t, cfg_read32(r.m, PCI_DEVFN(0, 0), 0x00), 0x12378086u);
    rig_free(&r);
}

typedef struct BmProbe {
    unsigned calls;
    uint64_t base;
} BmProbe;

static void bm_hook(void *opaque, uint64_t base)
{
    BmProbe *p = opaque;
    p->calls++;
    p->base = base;
}

static void test_bars_and_ide(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    BmProbe bm = {0, 0};
    piix3_set_busmaster_hook(r.sb, bm_hook, &bm);
    T_EQ(t, bm.base, PCI_BAR_UNMAPPED);
    unsigned ide = PCI_DEVFN(1, 1);
    cfg_write32(r.m, ide, 0x20, 0xFFFFFFFFu);
    T_EQ(t, cfg_read32(r.m, ide, 0x20), 0xFFFFFFF1u); /* 16 bytes of I/O */
    T_EQ(t, cfg_read32(r.m, ide, 0x10), 0);          /* BAR0 not implemented */
    cfg_write32(r.m, ide, 0x20, 0xC001);
    T_EQ(t, cfg_read32(r.m, ide, 0x20), 0xC001);
    T_EQ(t, bm.base, PCI_BAR_UNMAPPED); /* I/O decoding still off */
    T_CHECK(t, !piix3_ide_decode(r.sb, 0));
    cfg_write32(r.m, ide, 0x04, 0x0005);
    T_EQ(t, bm.base, 0xC000);
    /* IDETIM bit 15 enables the channel's decode. */
    Probe pri;
    probe_attach(t, r.sb, PIIX3_OUT_IDE_PRIMARY, &pri);
    cfg_write32(r.m, ide, 0x40, 0x80008000u);
    T_EQ(t, pri.level, 1);
    T_CHECK(t, piix3_ide_decode(r.sb, 0) && piix3_ide_decode(r.sb, 1));
    cfg_write32(r.m, ide, 0x04, 0x0000);
    T_EQ(t, pri.level, 0);
    T_EQ(t, bm.base, PCI_BAR_UNMAPPED);

    /* A test function with memory, I/O and ROM BARs on slot 3. */
    PciFunction f = {0};
    AmberError err = {0};
    pci_function_init(&f, 0x1234, 0x1111, 0, 0x030000, 0);
    pci_function_set_bar(&f, 0, 16u << 20, PCI_BAR_MEM | PCI_BAR_PREFETCH);
    pci_function_set_bar(&f, 1, 32, PCI_BAR_IO);
    pci_function_set_bar(&f, PCI_ROM_BAR, 64u << 10, 0);
    pci_function_set_pin(&f, 1);
    T_CHECK(t, pci_bus_add(pci_bus_find(r.m), PCI_DEVFN(3, 0), &f, &err));
    T_CHECK(t, !pci_bus_add(pci_bus_find(r.m), PCI_DEVFN(3, 0), &f, &err));
    T_CONTAINS(t, err.msg, "already taken");
    unsigned vga = PCI_DEVFN(3, 0);
    cfg_write32(r.m, vga, 0x10, 0xFFFFFFFFu);
    T_EQ(t, cfg_read32(r.m, vga, 0x10), 0xFF000008u);
    cfg_write32(r.m, vga, 0x14, 0xFFFFFFFFu);
    T_EQ(t, cfg_read32(r.m, vga, 0x14), 0xFFFFFFE1u);
    cfg_write32(r.m, vga, 0x30, 0xFFFFF800u); /* SeaBIOS sizes the ROM with ~0x7FF */
    T_EQ(t, cfg_read32(r.m, vga, 0x30), 0xFFFF0000u);
    cfg_write32(r.m, vga, 0x10, 0xFD000000u);
    cfg_write32(r.m, vga, 0x30, 0xFEBE0001u);
    T_EQ(t, pci_function_bar_address(&f, 0), PCI_BAR_UNMAPPED);
    cfg_write32(r.m, vga, 0x04, 0x0003);
    T_EQ(t, pci_function_bar_address(&f, 0), 0xFD000000u);
    T_EQ(t, pci_function_bar_address(&f, PCI_ROM_BAR), 0xFEBE0000u);
    T_EQ(t, pci_function_bar_address(&f, 1), PCI_BAR_UNMAPPED); /* I/O BAR left at 0 */
    cfg_write32(r.m, vga, 0x30, 0xFEBE0000u);
    T_EQ(t, pci_function_bar_address(&f, PCI_ROM_BAR), PCI_BAR_UNMAPPED);

    /* INTA of slot 3 -> PIRQC (0x62), routed to IRQ 10. */
    Probe irq10, irq11;
    probe_attach(t, r.sb, 10, &irq10);
    probe_attach(t, r.sb, 11, &irq11);
    T_EQ(t, pci_swizzle(3, 1), 2);
    T_EQ(t, pci_swizzle(1, 1), 0);
    T_EQ(t, pci_swizzle(0, 1), 3);
    pci_set_irq(&f, true);
    T_EQ(t, irq10.level, 0); /* routing disabled (bit 7) */
    cfg_write8(r.m, PCI_DEVFN(1, 0), 0x62, 0x0A);
    T_EQ(t, cfg_read8(r.m, PCI_DEVFN(1, 0), 0x62), 0x0A);
    T_EQ(t, irq10.level, 1);
    pci_set_irq(&f, false);
    T_EQ(t, irq10.level, 0);
    pci_set_irq(&f, true);
    cfg_write8(r.m, PCI_DEVFN(1, 0), 0x62, 0x0B); /* re-route while asserted */
    T_EQ(t, irq10.level, 0);
    T_EQ(t, irq11.level, 1);
    rig_free(&r);
}

static void test_pam(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    MemBus *mem = r.m->mem;
    unsigned nb = PCI_DEVFN(0, 0);
    /* Reset: 0xF0000 reads the ROM's high alias, 0xC0000 floats. */
    T_EQ(t, membus_read8(mem, 0xF0000), r.rom[0x10000]);
    T_EQ(t, membus_read8(mem, 0xFFFF0), r.rom[0x1FFF0]);
    T_EQ(t, membus_read8(mem, 0xE1234), r.rom[0x1234]);
    T_EQ(t, membus_read32(mem, 0xF0000), membus_read32(mem, 0xFFFF0000u));
    T_EQ(t, membus_read8(mem, 0xC0000), 0xFF);
    membus_write8(mem, 0xF0000, 0x11); /* to the bus: lost */
    T_EQ(t, r.ram[0xF0000], 0);
    /* Write-only RAM (WE): writes reach DRAM, reads still come from the ROM. */
    cfg_write8(r.m, nb, 0x59, 0x20);
    T_EQ(t, cfg_read8(r.m, nb, 0x59), 0x20);
    membus_write8(mem, 0xF0000, 0x11);
    membus_write32(mem, 0xF0004, 0xDEADBEEF);
    T_EQ(t, r.ram[0xF0000], 0x11);
    T_EQ(t, membus_read8(mem, 0xF0000), r.rom[0x10000]);
    /* Copy the whole F segment the way a BIOS shadows itself. */
    for (uint32_t a = 0xF0000; a < 0x100000; a += 4) {
        membus_write32(mem, a, membus_read32(mem, a));
    }
    /* Read-only RAM (RE): reads DRAM, writes are dropped. */
    cfg_write8(r.m, nb, 0x59, 0x10);
    T_EQ(t, membus_read8(mem, 0xF0000), r.rom[0x10000]);
    T_EQ(t, membus_read8(mem, 0xFFFF5), r.rom[0x1FFF5]);
    T_EQ(t, membus_kind(mem, 0xF0000), MEM_ROM);
    membus_write8(mem, 0xF0000, 0x22);
    T_EQ(t, membus_read8(mem, 0xF0000), r.rom[0x10000]);
    T_EQ(t, r.ram[0xF0000], r.rom[0x10000]);
    /* RAM: both. */
    cfg_write8(r.m, nb, 0x59, 0x30);
    T_EQ(t, membus_kind(mem, 0xF0000), MEM_RAM);
    membus_write8(mem, 0xF0000, 0x33);
    T_EQ(t, membus_read8(mem, 0xF0000), 0x33);
    T_EQ(t, r.ram[0xF0000], 0x33);
    /* C segment, lower and upper 16 KiB blocks independently (0x5A). */
    cfg_write8(r.m, nb, 0x5A, 0x31);
    T_EQ(t, membus_read8(mem, 0xC0000), 0x00);     /* lower: read-only RAM */
    membus_write8(mem, 0xC4000, 0x44);              /* upper: RAM */
    T_EQ(t, membus_read8(mem, 0xC4000), 0x44);
    membus_write8(mem, 0xC0000, 0x55);
    T_EQ(t, r.ram[0xC0000], 0x00);
    cfg_write8(r.m, nb, 0x5A, 0x02);                /* write-only for the lower block */
    membus_write8(mem, 0xC0000, 0x55);
    T_EQ(t, r.ram[0xC0000], 0x55);
    T_EQ(t, membus_read8(mem, 0xC0000), 0xFF);
    T_EQ(t, membus_read8(mem, 0xC4000), 0xFF);      /* upper now bus */
    cfg_write8(r.m, nb, 0x5A, 0x01);
    T_EQ(t, membus_read8(mem, 0xC0000), 0x55);
    /* SeaBIOS's dword writes at 0x58 and 0x5C. */
    cfg_write32(r.m, nb, 0x58, 0x33333000u | cfg_read8(r.m, nb, 0x58));
    cfg_write32(r.m, nb, 0x5C, 0x33333333u);
    T_EQ(t, cfg_read32(r.m, nb, 0x58) >> 8, 0x333330);
    T_EQ(t, membus_kind(mem, 0xD8000), MEM_RAM);
    T_EQ(t, membus_kind(mem, 0xEC000), MEM_RAM);
    /* Hardware reset: everything back to the bus. */
    machine_reset(r.m, RESET_COLD);
    T_EQ(t, cfg_read32(r.m, nb, 0x58) >> 8, 0);
    T_EQ(t, membus_read8(mem, 0xF0000), r.rom[0x10000]);
    T_EQ(t, r.ram[0xF0000], 0x33);
    /* Reset control register: soft then hard. */
    outb(r.m, 0xCF9, 0x04);
    T_CHECK(t, r.m->reset_requested);
    T_EQ(t, r.m->reset_kind, RESET_WARM);
    dt_step(r.m, 1);
    outb(r.m, 0xCF9, 0x02);
    T_CHECK(t, !r.m->reset_requested);
    outb(r.m, 0xCF9, 0x06);
    T_CHECK(t, r.m->reset_requested);
    T_EQ(t, r.m->reset_kind, RESET_COLD);
    rig_free(&r);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_config_mechanism);
    T_RUN(&t, test_bars_and_ide);
    T_RUN(&t, test_pam);
    return t_finish(&t);
}
