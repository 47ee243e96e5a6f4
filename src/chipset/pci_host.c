/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration mechanism #1 and bus 0.
 * Sources: PCI Local Bus Specification rev. 2.1, 3.7.4.1 "Configuration mechanism #1"
 * (CONFIG_ADDRESS at 0xCF8 is decoded only for dword accesses: bit 31 enable, bits 23:16 bus,
 * 15:11 device, 10:8 function, 7:2 register, 1:0 read as 0; CONFIG_DATA at 0xCFC-0xCFF at any
 * width); Intel 82371FB/SB (PIIX/PIIX3) data sheet, "Reset Control Register" at 0xCF9 (byte
 * access only: bit 1 SRST selects a hard (system) reset, a 0 -> 1 write of bit 2 RCPU resets);
 * platform-bringup notes §0: 0xCF8 must read back 0x80000000 for SeaBIOS to see PCI.
 *
 * The reset control register belongs to the PIIX3, but it sits inside the 0xCF8 dword and only
 * one device can own a port, so it lives here; a hard reset is carried out as a cold machine
 * reset, a soft one as a warm reset. Only bus 0 exists; other buses read all ones. Reads of
 * absent functions return all ones, writes to them are dropped.
 */
#include "chipset/pci_host.h"

#include "chipset/pci.h"
#include "core/machine.h"

typedef struct PciHostState {
    uint32_t config_address;
    uint8_t reset_control;

    Device *dev;
    PciBus bus;
} PciHostState;

static const StateField pci_host_state_fields[] = {
    STATE_FIELD(PciHostState, config_address, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(PciHostState, reset_control, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

/* The addressed function and register (with the byte lane of the data port), or NULL. */
static PciFunction *pci_host_target(PciHostState *s, uint16_t port, unsigned *reg)
{
    uint32_t a = s->config_address;
    if (!(a & 0x80000000u) || ((a >> 16) & 0xFF) != 0) {
        return NULL;
    }
    *reg = (a & 0xFC) + (port & 3);
    return pci_bus_function(&s->bus, (a >> 8) & 0xFF);
}

static uint32_t pci_host_read(void *opaque, uint16_t port, unsigned size)
{
    PciHostState *s = ((Device *)opaque)->s;
    uint32_t ones = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (port >= 0xCFC) {
        unsigned reg;
        PciFunction *f = pci_host_target(s, port, &reg);
        return f ? pci_config_read(f, reg, size) : ones;
    }
    if (port == 0xCF8 && size == 4) {
        return s->config_address;
    }
    if (port == 0xCF9 && size == 1) {
        return s->reset_control;
    }
    return ones;
}

static void pci_host_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    Device *dev = opaque;
    PciHostState *s = dev->s;
    if (port >= 0xCFC) {
        unsigned reg;
        PciFunction *f = pci_host_target(s, port, &reg);
        if (f) {
            pci_config_write(f, reg, value, size);
        }
        return;
    }
    if (port == 0xCF8 && size == 4) {
        s->config_address = value & 0x80FFFFFCu;
        return;
    }
    if (port == 0xCF9 && size == 1) {
        uint8_t old = s->reset_control;
        s->reset_control = (uint8_t)(value & 0x06);
        if ((value & 4) && !(old & 4)) {
            ResetKind kind = (value & 2) ? RESET_COLD : RESET_WARM;
            amber_log(&dev->machine->log, LOG_PCI, "pci: reset control 0x%02x: %s reset",
                      (unsigned)value & 0xFF, kind == RESET_COLD ? "hard" : "soft");
            machine_request_reset(dev->machine, kind);
        }
    }
}

static const IoOps pci_host_io_ops = {
    .read = pci_host_read,
    .write = pci_host_write,
    .sizes = 1 | 2 | 4,
};

PciBus *pci_bus_find(Machine *m)
{
    for (Device *d = m->devices; d; d = d->next) {
        if (d->cls == &pci_host_class && d->realized) {
            return &((PciHostState *)d->s)->bus;
        }
    }
    return NULL;
}

static bool pci_host_realize(Device *dev, AmberError *err)
{
    PciHostState *s = dev->s;
    s->dev = dev;
    pci_bus_init(&s->bus, dev->machine);
    return iobus_register(dev->machine->io, dev->id, 0xCF8, 8, &pci_host_io_ops, dev, err);
}

static void pci_host_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    PciHostState *s = dev->s;
    s->config_address = 0;
    s->reset_control = 0;
}

const DeviceClass pci_host_class = {
    .type = "pci_host",
    .desc = "PCI configuration mechanism #1 and bus 0",
    .state_size = sizeof(PciHostState),
    .state_version = 1,
    .state = pci_host_state_fields,
    .realize = pci_host_realize,
    .reset = pci_host_reset,
};
