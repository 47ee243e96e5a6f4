/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration space and bus 0: the generic part every PCI function shares.
 * Source: PCI Local Bus Specification rev. 2.1, 6.1 (configuration space organization), 6.2.2
 * (command register), 6.2.3 (status register: bits written with 1 are cleared), 6.2.5.1 (base
 * address registers: size discovery by writing all ones, hardwired low bits), 6.2.5.2
 * (expansion ROM base address, enable bit 0); the PIIX interrupt swizzle as SeaBIOS
 * (src/fw/pciinit.c piix_pci_slot_get_irq) and its PIR table describe it.
 * See pci.h for how devices use it.
 */
#include "chipset/pci.h"

#include <string.h>

#include "core/endian.h"

static void pci_mask16(uint8_t *m, unsigned off, uint16_t v)
{
    st_le16(m + off, v);
}

void pci_function_init(PciFunction *f, uint16_t vendor, uint16_t device, uint8_t revision,
                       uint32_t class_code, uint8_t header_type)
{
    memset(f->config, 0, sizeof f->config);
    memset(f->wmask, 0, sizeof f->wmask);
    memset(f->w1cmask, 0, sizeof f->w1cmask);
    for (unsigned i = 0; i < 7; i++) {
        f->bar_size[i] = 0;
        f->bar_flags[i] = 0;
        if (!f->bus) {
            /* Re-initialization at reset keeps what is mapped, so that the owner's
             * pci_function_update_mappings() can unmap it. */
            f->bar_mapped[i] = PCI_BAR_UNMAPPED;
        }
    }
    f->irq_level = 0;
    st_le16(f->config + PCI_VENDOR_ID, vendor);
    st_le16(f->config + PCI_DEVICE_ID, device);
    f->config[PCI_REVISION] = revision;
    f->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    f->config[PCI_CLASS_PROG + 1] = (uint8_t)(class_code >> 8);
    f->config[PCI_CLASS_PROG + 2] = (uint8_t)(class_code >> 16);
    f->config[PCI_HEADER_TYPE] = header_type;
    /* Command: I/O, memory, bus master, parity, SERR, fast back-to-back enables. */
    pci_mask16(f->wmask, PCI_COMMAND, 0x0347);
    /* Status: error bits are write-1-to-clear. */
    pci_mask16(f->w1cmask, PCI_STATUS, 0xF900);
    f->wmask[0x0C] = 0xFF; /* cache line size */
    f->wmask[0x0D] = 0xF8; /* latency timer */
    f->wmask[PCI_INTERRUPT_LINE] = 0xFF;
}

void pci_function_set_bar(PciFunction *f, unsigned bar, uint32_t size, unsigned flags)
{
    if (bar > PCI_ROM_BAR) {
        return;
    }
    unsigned off = bar == PCI_ROM_BAR ? PCI_ROM_ADDRESS : PCI_BAR0 + 4 * bar;
    uint32_t mask;
    uint32_t low;
    if (bar == PCI_ROM_BAR) {
        mask = ~(size - 1) & 0xFFFFF800u;
        mask |= 1; /* ROM decode enable */
        low = 0;
    } else if (flags & PCI_BAR_IO) {
        mask = ~(size - 1) & 0xFFFFFFFCu;
        low = PCI_BAR_IO;
    } else {
        mask = ~(size - 1) & 0xFFFFFFF0u;
        low = flags & PCI_BAR_PREFETCH;
    }
    f->bar_size[bar] = size;
    f->bar_flags[bar] = (uint8_t)flags;
    st_le32(f->wmask + off, mask);
    st_le32(f->config + off, low);
}

void pci_function_set_pin(PciFunction *f, unsigned pin)
{
    f->config[PCI_INTERRUPT_PIN] = (uint8_t)pin;
}

/* The address BAR bar decodes now, per its value and the command register. */
static uint64_t pci_bar_decoded(const PciFunction *f, unsigned bar)
{
    uint32_t size = f->bar_size[bar];
    if (!size) {
        return PCI_BAR_UNMAPPED;
    }
    uint16_t cmd = ld_le16(f->config + PCI_COMMAND);
    uint64_t addr;
    uint64_t limit;
    if (bar == PCI_ROM_BAR) {
        uint32_t v = ld_le32(f->config + PCI_ROM_ADDRESS);
        if (!f->rom_ignores_enable && (!(cmd & PCI_CMD_MEM) || !(v & 1))) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & 0xFFFFF800u & ~(size - 1);
        limit = UINT64_C(0x100000000);
    } else {
        uint32_t v = ld_le32(f->config + PCI_BAR0 + 4 * bar);
        if (f->bar_flags[bar] & PCI_BAR_IO) {
            if (!(cmd & PCI_CMD_IO)) {
                return PCI_BAR_UNMAPPED;
            }
            addr = v & ~(uint32_t)3;
            limit = 0x10000;
        } else {
            if (!(cmd & PCI_CMD_MEM)) {
                return PCI_BAR_UNMAPPED;
            }
            addr = v & ~(uint32_t)15;
            limit = UINT64_C(0x100000000);
        }
    }
    /* Address 0 and ranges running off the end (a BAR left at its size mask) do not decode. */
    if (addr == 0 || addr + size > limit) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

uint64_t pci_function_bar_address(const PciFunction *f, unsigned bar)
{
    return bar <= PCI_ROM_BAR ? f->bar_mapped[bar] : PCI_BAR_UNMAPPED;
}

void pci_function_update_mappings(PciFunction *f)
{
    for (unsigned bar = 0; bar <= PCI_ROM_BAR; bar++) {
        uint64_t a = pci_bar_decoded(f, bar);
        if (a != f->bar_mapped[bar]) {
            f->bar_mapped[bar] = a;
            if (f->bar_map) {
                f->bar_map(f->opaque, f, bar, a);
            }
        }
    }
}

uint32_t pci_config_read(PciFunction *f, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < 256; i++) {
        v |= (uint32_t)f->config[off + i] << (8 * i);
    }
    return v;
}

void pci_config_write(PciFunction *f, unsigned off, uint32_t value, unsigned size)
{
    uint32_t old = pci_config_read(f, off, size);
    bool remap = false;
    for (unsigned i = 0; i < size && off + i < 256; i++) {
        unsigned a = off + i;
        uint8_t b = (uint8_t)(value >> (8 * i));
        uint8_t v = (uint8_t)((f->config[a] & ~f->wmask[a]) | (b & f->wmask[a]));
        v &= (uint8_t) ~(b & f->w1cmask[a]);
        f->config[a] = v;
        if ((a >= PCI_COMMAND && a < PCI_COMMAND + 2) || (a >= PCI_BAR0 && a < PCI_BAR0 + 24) ||
            (a >= PCI_ROM_ADDRESS && a < PCI_ROM_ADDRESS + 4)) {
            remap = true;
        }
    }
    if (remap) {
        pci_function_update_mappings(f);
    }
    if (f->write_hook) {
        f->write_hook(f->opaque, f, off, size, old);
    }
}

unsigned pci_swizzle(unsigned slot, unsigned pin)
{
    return (slot + pin + 2) & 3; /* (slot - 1 + pin - 1) mod 4 */
}

static void pci_bus_update_pirqs(PciBus *bus)
{
    uint8_t level = 0;
    for (unsigned d = 0; d < 256; d++) {
        PciFunction *f = bus->fn[d];
        unsigned pin = f ? f->config[PCI_INTERRUPT_PIN] : 0;
        if (f && f->irq_level && pin >= 1 && pin <= 4) {
            level |= (uint8_t)(1u << pci_swizzle(d >> 3, pin));
        }
    }
    uint8_t changed = level ^ bus->pirq_level;
    bus->pirq_level = level;
    for (unsigned p = 0; p < 4; p++) {
        if ((changed >> p) & 1 && bus->route) {
            bus->route(bus->route_opaque, p, (level >> p) & 1);
        }
    }
}

void pci_set_irq(PciFunction *f, bool level)
{
    f->irq_level = level;
    if (f->bus) {
        pci_bus_update_pirqs(f->bus);
    }
}

void pci_bus_init(PciBus *bus, Machine *m)
{
    memset(bus, 0, sizeof *bus);
    bus->machine = m;
}

bool pci_bus_add(PciBus *bus, unsigned devfn, PciFunction *f, AmberError *err)
{
    if (!bus) {
        return amber_error(err, "PCI: the machine has no PCI host bridge");
    }
    if (devfn > 255) {
        return amber_error(err, "PCI: device/function 0x%x is out of range", devfn);
    }
    if (bus->fn[devfn]) {
        return amber_error(err, "PCI: slot %02x.%u is already taken", devfn >> 3, devfn & 7);
    }
    bus->fn[devfn] = f;
    f->bus = bus;
    f->devfn = (uint8_t)devfn;
    return true;
}

PciFunction *pci_bus_function(PciBus *bus, unsigned devfn)
{
    return bus && devfn < 256 ? bus->fn[devfn] : NULL;
}

void pci_bus_set_router(PciBus *bus, PciIrqRouteFn route, void *opaque)
{
    bus->route = route;
    bus->route_opaque = opaque;
    bus->pirq_level = 0;
    pci_bus_update_pirqs(bus);
}
