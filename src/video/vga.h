/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA (IBM VGA register set + Bochs DISPI extension, as the Bochs/QEMU "stdvga"). Boards add
 * `vga_isa_class` for a plain ISA VGA (ports 0x3B0-0x3DF and 0x1CE-0x1D1, memory window
 * 0xA0000-0xBFFFF), or `vga_pci_class` on a PCI board (function 1234:1111, class 0300, the same
 * legacy ranges plus BAR0 = LFB and a ROM BAR).
 * Front ends read the picture and the text screen through render.h.
 *
 * Props: vram (size, default 16M, min 256K), dispi (bool, default true),
 *        lfb (ISA only: physical base of the linear frame buffer, 0 = none; default 0).
 */
#ifndef AMBER_VIDEO_VGA_H
#define AMBER_VIDEO_VGA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "core/error.h"

extern const DeviceClass vga_isa_class;
/* PCI function 1234:1111 (vga_pci.c): add the PCI host bridge first. Props: slot (default 2),
 * vram, dispi, rom (VGA BIOS image for the ROM BAR; empty = no ROM BAR). */
extern const DeviceClass vga_pci_class;

/* Moves the DISPI linear frame buffer to base (0 unmaps it). The PCI glue calls this when BAR0
 * changes; an ISA board may call it instead of setting the prop. */
bool vga_set_lfb_base(Device *vga, uint64_t base, AmberError *err);

#endif
