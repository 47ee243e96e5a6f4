/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Floppy and hard-disk geometry detection (see geometry.h).
 *
 * Floppy formats are the IBM PC family (media descriptors from the MS-DOS BPB tables, which the
 * FreeDOS images in shared/guests/freedos-bootdisks follow) plus Microsoft's DMF (21 sectors per
 * track on HD media). BPB layout: bytes/sector at 0x0B (u16), sectors/cluster 0x0D, reserved
 * 0x0E, FATs 0x10, root entries 0x11, total sectors 0x13 (u16, 0 means use 0x20 as u32), media
 * 0x15, sectors/FAT 0x16, sectors/track 0x18 (u16), heads 0x1A (u16).
 */
#include "storage/geometry.h"

#include <stddef.h>

#include "core/endian.h"

typedef struct FloppyFormat {
    const char *name;
    uint16_t cylinders;
    uint8_t heads;
    uint8_t sectors;
    uint8_t media;
    FloppyDensity density;
    bool five_inch;
} FloppyFormat;

/* Ordered so that, for a size with several formats, the common one comes first. */
static const FloppyFormat floppy_formats[] = {
    { "160K", 40, 1, 8, 0xFE, FLOPPY_DD, true },
    { "180K", 40, 1, 9, 0xFC, FLOPPY_DD, true },
    { "320K", 40, 2, 8, 0xFF, FLOPPY_DD, true },
    { "320K (80x1x8)", 80, 1, 8, 0xFA, FLOPPY_DD, false },
    { "360K", 40, 2, 9, 0xFD, FLOPPY_DD, true },
    { "360K (80x1x9)", 80, 1, 9, 0xF8, FLOPPY_DD, false },
    { "640K", 80, 2, 8, 0xFB, FLOPPY_DD, false },
    { "720K", 80, 2, 9, 0xF9, FLOPPY_DD, false },
    { "1.2M", 80, 2, 15, 0xF9, FLOPPY_HD, true },
    { "1.44M", 80, 2, 18, 0xF0, FLOPPY_HD, false },
    { "1.68M DMF", 80, 2, 21, 0xF0, FLOPPY_HD, false },
    { "2.88M", 80, 2, 36, 0xF0, FLOPPY_ED, false },
};

static void floppy_fill(const FloppyFormat *f, FloppyGeometry *out)
{
    out->name = f->name;
    out->cylinders = f->cylinders;
    out->heads = f->heads;
    out->sectors = f->sectors;
    out->bytes_per_sector = 512;
    out->total_sectors = (uint32_t)f->cylinders * f->heads * f->sectors;
    out->media = f->media;
    out->density = f->density;
    out->five_inch = f->five_inch;
    out->from_bpb = false;
}

static uint64_t floppy_format_size(const FloppyFormat *f)
{
    return (uint64_t)f->cylinders * f->heads * f->sectors * 512u;
}

bool geometry_floppy_from_size(uint64_t size, FloppyGeometry *out, AmberError *err)
{
    return geometry_floppy_detect_image("floppy image", size, NULL, out, err);
}

/* A BPB is believed only if every field is plausible and it describes exactly `size` bytes. */
static bool bpb_geometry(const uint8_t *boot, uint64_t size, unsigned *cyl, unsigned *heads,
                         unsigned *spt, uint8_t *media)
{
    unsigned bps = ld_le16(boot + 0x0B);
    unsigned total = ld_le16(boot + 0x13);
    if (total == 0) {
        total = (unsigned)ld_le32(boot + 0x20);
    }
    *spt = ld_le16(boot + 0x18);
    *heads = ld_le16(boot + 0x1A);
    *media = boot[0x15];
    if (bps != 512 || *spt == 0 || *spt > 63 || *heads == 0 || *heads > 2 || *media < 0xF0) {
        return false;
    }
    if ((uint64_t)total * 512u != size || total % (*spt * *heads) != 0) {
        return false;
    }
    *cyl = total / (*spt * *heads);
    return *cyl >= 1 && *cyl <= 84;
}

bool geometry_floppy_detect_image(const char *name, uint64_t size, const uint8_t *boot,
                                  FloppyGeometry *out, AmberError *err)
{
    const FloppyFormat *first = NULL;
    unsigned cyl = 0, heads = 0, spt = 0;
    uint8_t media = 0;
    bool bpb_ok = boot && bpb_geometry(boot, size, &cyl, &heads, &spt, &media);
    for (size_t i = 0; i < sizeof(floppy_formats) / sizeof(floppy_formats[0]); i++) {
        const FloppyFormat *f = &floppy_formats[i];
        if (floppy_format_size(f) != size) {
            continue;
        }
        if (!first) {
            first = f;
        }
        if (bpb_ok && f->cylinders == cyl && f->heads == heads && f->sectors == spt) {
            floppy_fill(f, out);
            out->media = media;
            out->from_bpb = true;
            return true;
        }
    }
    if (!first) {
        return amber_error(err,
                           "%s: size %llu bytes matches no floppy format (160K, 180K, 320K, 360K, "
                           "640K, 720K, 1.2M, 1.44M, 1.68M DMF, 2.88M); truncated image?",
                           name, (unsigned long long)size);
    }
    floppy_fill(first, out);
    return true;
}

bool geometry_floppy_detect(BlockDev *bd, FloppyGeometry *out, AmberError *err)
{
    uint8_t boot[BLOCKDEV_SECTOR_SIZE];
    if (!blockdev_read(bd, 0, 1, boot, err)) {
        return false;
    }
    return geometry_floppy_detect_image(blockdev_name(bd), blockdev_size(bd), boot, out, err);
}

/*
 * MBR partition entries are 16 bytes at 0x1BE; the end CHS is at entry offset 5..7:
 * head, sector (bits 5:0) | cylinder bits 9:8 (bits 7:6), cylinder bits 7:0. The partitioning
 * tool wrote the BIOS geometry there, so heads = max end head + 1 and sectors = end sector of
 * any partition that ends on a cylinder boundary. Entries must agree with each other.
 */
void geometry_disk_from_mbr(uint64_t total_sectors, const uint8_t *mbr, DiskGeometry *out)
{
    unsigned heads = 0, spt = 0;
    bool ok = mbr && mbr[510] == 0x55 && mbr[511] == 0xAA;
    for (int i = 0; ok && i < 4; i++) {
        const uint8_t *e = mbr + 0x1BE + 16 * i;
        if (e[4] == 0) {
            continue; /* unused entry */
        }
        if ((e[0] & 0x7F) != 0) {
            ok = false; /* boot flag must be 0x00 or 0x80 */
            break;
        }
        unsigned eh = e[5];
        unsigned es = e[6] & 0x3F;
        if (es == 0) {
            ok = false;
            break;
        }
        if (heads == 0) {
            heads = eh + 1;
            spt = es;
        } else if (heads != eh + 1 || spt != es) {
            ok = false;
        }
    }
    out->total_sectors = total_sectors;
    if (ok && heads != 0) {
        out->heads = (uint8_t)(heads > 255 ? 255 : heads);
        out->sectors = (uint8_t)spt;
        out->from_mbr = true;
    } else {
        out->heads = 16;
        out->sectors = 63;
        out->from_mbr = false;
    }
    uint64_t cyl = total_sectors / ((uint64_t)out->heads * out->sectors);
    if (cyl == 0) {
        cyl = 1;
    }
    out->cylinders = (uint32_t)(cyl > 16383 ? 16383 : cyl);
}

bool geometry_disk_detect(BlockDev *bd, DiskGeometry *out, AmberError *err)
{
    uint8_t mbr[BLOCKDEV_SECTOR_SIZE];
    if (!blockdev_read(bd, 0, 1, mbr, err)) {
        return false;
    }
    geometry_disk_from_mbr(blockdev_sector_count(bd), mbr, out);
    return true;
}
