/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82441FX PMC (the i440FX host bridge, PCI 8086:1237), device "i440fx": function 00.0 on
 * the pci_host bus, with the PAM registers really switching 0xC0000-0xFFFFF between the bus
 * (the BIOS ROM's high alias for 0xE0000-0xFFFFF) and DRAM. Props: slot (0).
 * The board maps RAM and the BIOS ROM (at 4 GiB - size) before the machine's reset, or calls
 * i440fx_apply_pam() after changing the memory map under 1 MiB.
 */
#ifndef AMBER_CHIPSET_I440FX_H
#define AMBER_CHIPSET_I440FX_H

#include "core/device.h"

extern const DeviceClass i440fx_class;

void i440fx_apply_pam(Device *dev);

#endif
