/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI bus model (bus 0 of a host bridge), the seam between the host bridge (pci_host.c) and
 * PCI functions in any device (VGA, IDE, ...), in the spirit of isadma.h.
 *
 * A device embeds a PciFunction in its state struct, fills it in realize with
 * pci_function_init() and pci_function_set_bar(), sets its hooks, and adds it to the bus:
 *     PciBus *bus = pci_bus_find(dev->machine);     (the host bridge is created first)
 *     pci_bus_add(bus, PCI_DEVFN(slot, fn), &s->pci, err);
 * The slot comes from the device's props: the board picks it. The device lists f.config (and
 * f.irq_level if it raises INTx) in its state table and calls pci_function_update_mappings() in
 * post_load, which calls its bar_map hook for BARs whose decoded address differs from what is
 * mapped. At reset a device re-runs pci_function_init()/set_bar() (the config space returns to
 * its defaults) and then calls pci_function_update_mappings() to unmap what the guest mapped.
 *
 * Config semantics (PCI Local Bus Specification 2.1, ch. 6): byte-wise write masks (read-only
 * bits keep their value), write-1-to-clear bits (status), BARs whose low bits are hardwired so
 * that writing all ones reads back the size mask, an expansion ROM BAR with its enable bit, and
 * decoding gated by the command register's I/O and memory enables.
 * INTx: pci_set_irq() drives the function's interrupt pin; the bus swizzles it to PIRQ A-D
 * (device D pin P -> PIRQ[(D - 1 + P - 1) mod 4], the PIIX convention SeaBIOS's tables use)
 * and hands the wired-OR level to the router (the ISA bridge) set with pci_bus_set_router().
 */
#ifndef AMBER_CHIPSET_PCI_H
#define AMBER_CHIPSET_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

typedef struct Machine Machine;
typedef struct PciBus PciBus;
typedef struct PciFunction PciFunction;

#define PCI_DEVFN(slot, fn) ((unsigned)(((slot) << 3) | (fn)))
#define PCI_BAR_UNMAPPED UINT64_MAX
#define PCI_ROM_BAR 6

enum {
    PCI_BAR_MEM = 0,
    PCI_BAR_IO = 1,
    PCI_BAR_PREFETCH = 8,
};

/* Config register offsets. */
enum {
    PCI_VENDOR_ID = 0x00,
    PCI_DEVICE_ID = 0x02,
    PCI_COMMAND = 0x04,
    PCI_STATUS = 0x06,
    PCI_REVISION = 0x08,
    PCI_CLASS_PROG = 0x09,
    PCI_HEADER_TYPE = 0x0E,
    PCI_BAR0 = 0x10,
    PCI_SUBSYS_VENDOR = 0x2C,
    PCI_SUBSYS_ID = 0x2E,
    PCI_ROM_ADDRESS = 0x30,
    PCI_INTERRUPT_LINE = 0x3C,
    PCI_INTERRUPT_PIN = 0x3D,
    PCI_CMD_IO = 0x0001,
    PCI_CMD_MEM = 0x0002,
    PCI_CMD_MASTER = 0x0004,
};

/* Called after a guest config write was applied; old is the previous value of those bytes. */
typedef void (*PciConfigWriteFn)(void *opaque, PciFunction *f, unsigned off, unsigned size,
                                 uint32_t old);
/* Called when BAR bar's decoded address changes (PCI_BAR_UNMAPPED when it stops decoding). */
typedef void (*PciBarMapFn)(void *opaque, PciFunction *f, unsigned bar, uint64_t addr);

struct PciFunction {
    uint8_t config[256];   /* saved by the owning device */
    uint8_t irq_level;     /* INTx level (saved by the owning device if it uses INTx) */

    /* Set up at realize, not saved. */
    uint8_t wmask[256];
    uint8_t w1cmask[256];
    uint32_t bar_size[7];
    uint8_t bar_flags[7];
    uint64_t bar_mapped[7];
    /* The expansion ROM decodes whenever its BAR holds an address, whatever the ROM enable bit
     * and the command register's Memory Space bit say, as the Bochs emulator's devices do (the
     * Bochs BIOS copies the VGA ROM while memory decoding is still off). Real PCI devices need
     * both (PCI 2.1 §6.2.5.2, §6.2.2); off by default. */
    bool rom_ignores_enable;
    PciConfigWriteFn write_hook;
    PciBarMapFn bar_map;
    void *opaque;
    PciBus *bus;
    uint8_t devfn;
};

/* Identity and the standard writable bits (command, status w1c, latency, interrupt line). */
void pci_function_init(PciFunction *f, uint16_t vendor, uint16_t device, uint8_t revision,
                       uint32_t class_code, uint8_t header_type);
/* BAR 0-5, or PCI_ROM_BAR; size a power of two (I/O >= 4, memory >= 16, ROM >= 2 KiB). */
void pci_function_set_bar(PciFunction *f, unsigned bar, uint32_t size, unsigned flags);
/* Interrupt pin 1-4 (INTA-INTD), 0 = none. */
void pci_function_set_pin(PciFunction *f, unsigned pin);
uint64_t pci_function_bar_address(const PciFunction *f, unsigned bar);
void pci_function_update_mappings(PciFunction *f);
void pci_set_irq(PciFunction *f, bool level);

/* Config accesses at any width inside one dword (used by host bridges and tests). */
uint32_t pci_config_read(PciFunction *f, unsigned off, unsigned size);
void pci_config_write(PciFunction *f, unsigned off, uint32_t value, unsigned size);

typedef void (*PciIrqRouteFn)(void *opaque, unsigned pirq, bool level);

struct PciBus {
    Machine *machine;
    PciFunction *fn[256];
    PciIrqRouteFn route;
    void *route_opaque;
    uint8_t pirq_level; /* bit per PIRQ A-D, last level given to the router */
};

void pci_bus_init(PciBus *bus, Machine *m);
bool pci_bus_add(PciBus *bus, unsigned devfn, PciFunction *f, AmberError *err);
PciFunction *pci_bus_function(PciBus *bus, unsigned devfn);
void pci_bus_set_router(PciBus *bus, PciIrqRouteFn route, void *opaque);
/* PIRQ (0 = A) that device slot's pin (1 = INTA) reaches. */
unsigned pci_swizzle(unsigned slot, unsigned pin);
/* Bus 0 of the machine's PCI host bridge (pci_host.c), or NULL when there is none. */
PciBus *pci_bus_find(Machine *m);

#endif
