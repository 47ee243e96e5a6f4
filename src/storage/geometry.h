/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disk geometry detection (DESIGN.md: "Geometry is detected from size and boot sector; unknown
 * sizes are an error that names the size").
 *
 * Floppies: the image size picks a standard PC format; a DOS boot sector's BPB (BIOS Parameter
 * Block, at offset 0x0B of sector 0) confirms it or chooses between formats of the same size
 * (e.g. 360K as 40x2x9 or 80x1x9). A BPB that disagrees with the size is ignored.
 * Hard disks: CHS from the end CHS of the MBR's partition entries when they are consistent,
 * otherwise the usual ATA default of 16 heads and 63 sectors per track.
 */
#ifndef AMBER_STORAGE_GEOMETRY_H
#define AMBER_STORAGE_GEOMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "storage/blockdev.h"

/* Recording density of a floppy format; it fixes the data rate the controller must use. */
typedef enum FloppyDensity {
    FLOPPY_DD = 0, /* double density: 250 kb/s at 300 rpm (300 kb/s in a 360 rpm 1.2M drive) */
    FLOPPY_HD,     /* high density: 500 kb/s */
    FLOPPY_ED,     /* extra density (2.88M): 1 Mb/s */
} FloppyDensity;

typedef struct FloppyGeometry {
    const char *name;        /* "1.44M", "360K", ... */
    uint16_t cylinders;
    uint8_t heads;
    uint8_t sectors;         /* per track */
    uint16_t bytes_per_sector;
    uint32_t total_sectors;
    uint8_t media;           /* BPB media descriptor (F0, F9, FD, ...) */
    FloppyDensity density;
    bool five_inch;          /* a 5.25" format (40-track, or the 1.2M HD format) */
    bool from_bpb;           /* the boot sector's BPB confirmed or chose this geometry */
} FloppyGeometry;

/* Standard format for an image size, or false (with err naming the size) for an unknown size. */
bool geometry_floppy_from_size(uint64_t size, FloppyGeometry *out, AmberError *err);
/* Geometry from size and boot sector (512 bytes, may be NULL). name is for messages. */
bool geometry_floppy_detect_image(const char *name, uint64_t size, const uint8_t *boot,
                                  FloppyGeometry *out, AmberError *err);
/* Reads sector 0 of bd and detects. */
bool geometry_floppy_detect(BlockDev *bd, FloppyGeometry *out, AmberError *err);

typedef struct DiskGeometry {
    uint32_t cylinders;      /* capped at 16383 for ATA IDENTIFY */
    uint8_t heads;
    uint8_t sectors;
    uint64_t total_sectors;  /* the whole image, beyond what CHS can address */
    bool from_mbr;
} DiskGeometry;

/* Hard-disk CHS for a disk of total_sectors whose sector 0 is mbr (may be NULL). */
void geometry_disk_from_mbr(uint64_t total_sectors, const uint8_t *mbr, DiskGeometry *out);
bool geometry_disk_detect(BlockDev *bd, DiskGeometry *out, AmberError *err);

#endif
