/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AT's two Intel 8237A DMA controllers with their page registers, device "dma8237".
 * Channels 0-3 (8-bit) at 0x00-0x0F, 4-7 (16-bit, channel 4 = cascade) at 0xC0-0xDF, page
 * registers 0x80-0x8F. The device owns port 0x80 too: it is a page register that reads back, and
 * writes to it are logged as POST codes (component post). At realize it installs itself as the
 * machine's IsaDma (core/isadma.h), through which floppy and sound devices transfer.
 * Create it before the devices that use DMA: they register their channels at their realize, and
 * isadma_register() fails while the machine has no controller yet.
 * Props: base1 (0x00), base2 (0xC0), page (0x80).
 */
#ifndef AMBER_CHIPSET_DMA8237_H
#define AMBER_CHIPSET_DMA8237_H

#include <stdint.h>

#include "core/device.h"

extern const DeviceClass dma8237_class;

/* The last value written to port 0x80. */
uint8_t dma8237_post_code(Device *dev);

#endif
