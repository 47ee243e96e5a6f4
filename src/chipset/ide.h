/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An ATA (IDE) channel with up to two hard disks: the host side (boards and front ends).
 *
 * Props: base (command block, 0x1F0; the secondary channel is 0x170), ctrl (device control /
 * alternate status, 0x3F6; 0x376), irq (14; 15: informational, the board wires irq_out 0 to
 * the interrupt controller), master / slave (raw disk images, opened read-only under an
 * in-memory copy-on-write overlay), master_wp / slave_wp (refuse guest writes).
 */
#ifndef AMBER_CHIPSET_IDE_H
#define AMBER_CHIPSET_IDE_H

#include <stdbool.h>

#include "core/device.h"
#include "core/error.h"
#include "storage/blockdev.h"

extern const DeviceClass ide_class;

/* Attaches a disk as unit 0 (master) or 1 (slave); the channel takes ownership of bd (closed
 * when the machine is freed; on failure the caller keeps it). Attach before machine_realize()
 * or before a reset: the drive appears as if powered on with the machine. */
bool ide_attach(Device *dev, unsigned unit, BlockDev *bd, AmberError *err);
BlockDev *ide_media(Device *dev, unsigned unit);

#endif
