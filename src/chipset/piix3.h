/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371SB PIIX3 PCI-to-ISA bridge, device "piix3": function 01.0 (ISA bridge 8086:7000,
 * multi-function) with the PIRQ route control registers, and function 01.1 (IDE 8086:7010) as
 * a configuration space only (the ATA registers are the IDE device's).
 *
 * Outputs 0-15: ISA IRQ 0-15 driven by PIRQs routed to them (the board connects the ones it
 * lets PCI interrupts use to the PIC). Outputs 16/17: primary/secondary IDE decode enable (IDE
 * I/O space enable and IDETIM bit 15), for the IDE device's enable inputs.
 * The ELCR (0x4D0/0x4D1) is in pic8259 (prop elcr), the reset control register 0xCF9 in pci_host.
 * Props: slot (1).
 */
#ifndef AMBER_CHIPSET_PIIX3_H
#define AMBER_CHIPSET_PIIX3_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"

extern const DeviceClass piix3_class;

#define PIIX3_OUT_IDE_PRIMARY 16
#define PIIX3_OUT_IDE_SECONDARY 17

/* Called when the IDE function's bus master BAR (BAR4, 16 ports) moves; base is the I/O port or
 * UINT64_MAX when it stops decoding. For the IDE device's bus master registers. */
typedef void (*Piix3BmMapFn)(void *opaque, uint64_t base);
void piix3_set_busmaster_hook(Device *dev, Piix3BmMapFn fn, void *opaque);
bool piix3_ide_decode(Device *dev, unsigned channel);

#endif
