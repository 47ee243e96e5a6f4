/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82077AA floppy disk controller: the host side (boards and front ends). Devices never
 * include this header; they meet the FDC only through ports, IRQ 6 and ISA DMA channel 2.
 *
 * Props: base (0x3F0; the FDC claims base+0..5 and base+7, leaving base+6 to the IDE channel),
 * irq (6, informational: the board wires irq_out 0), dma (2), drive0..drive3 (none, 360K, 720K,
 * 1.2M, 1.44M, 2.88M; drive0 defaults to 1.44M), image0..image3 (raw image paths, inserted at
 * realize), wp0..wp3 (write-protect those images).
 */
#ifndef AMBER_CHIPSET_FDC82077_H
#define AMBER_CHIPSET_FDC82077_H

#include <stdbool.h>

#include "core/device.h"
#include "core/error.h"
#include "storage/blockdev.h"

#define FDC_MAX_DRIVES 4

typedef enum FdcDriveType {
    FDC_DRIVE_NONE = 0,
    FDC_DRIVE_360K,
    FDC_DRIVE_720K,
    FDC_DRIVE_1200K,
    FDC_DRIVE_1440K,
    FDC_DRIVE_2880K,
} FdcDriveType;

extern const DeviceClass fdc82077_class;

/*
 * Inserts a medium into a drive. The FDC takes ownership of bd (it is closed on eject or when the
 * machine is freed; on failure the caller keeps it). Fails with err naming the image if its size
 * is not a floppy format or the drive slot has no drive. Sets the drive's disk-change line.
 */
bool fdc82077_insert(Device *dev, unsigned drive, BlockDev *bd, AmberError *err);
/* Opens path (read-only original, in-memory overlay) and inserts it. */
bool fdc82077_insert_file(Device *dev, unsigned drive, const char *path, bool write_protect,
                          AmberError *err);
/* Removes and closes the medium (guest writes in its overlay are discarded). */
void fdc82077_eject(Device *dev, unsigned drive);
bool fdc82077_has_media(Device *dev, unsigned drive);
void fdc82077_set_write_protect(Device *dev, unsigned drive, bool on);
/* The medium in a drive, or NULL (for front ends that show or save it). */
BlockDev *fdc82077_media(Device *dev, unsigned drive);

#endif
