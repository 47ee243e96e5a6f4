/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer: a disk image seen as an array of 512-byte sectors.
 *
 * Preservation rule (DESIGN.md, "Storage and preservation rules"): the original image is opened
 * read-only and is never written. Guest writes land in a copy-on-write overlay that sits on top
 * of the image; reads look in the overlay first. The only overlay today keeps written sectors in
 * memory for the life of the BlockDev (a sparse map: only written sectors cost memory). The
 * overlay is behind a small ops table (BlockOverlayOps in blockdev.c) so a file-backed overlay
 * can be added later without changing any caller.
 *
 * "Write protect" is the guest-visible switch (a floppy's tab): a write-protected BlockDev refuses
 * writes. It says nothing about the original file, which is never written in any case.
 *
 * Bad host input is an AmberError naming the file: missing, unreadable, not a regular file,
 * empty, or a size that is not a whole number of 512-byte sectors.
 */
#ifndef AMBER_STORAGE_BLOCKDEV_H
#define AMBER_STORAGE_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define BLOCKDEV_SECTOR_SIZE 512u

typedef struct BlockDev BlockDev;

typedef enum BlockOverlayKind {
    BLOCK_OVERLAY_MEMORY = 0, /* writes kept in memory for the run, then discarded */
} BlockOverlayKind;

typedef struct BlockOpenOptions {
    bool write_protect;       /* the guest sees a write-protected medium */
    BlockOverlayKind overlay;
} BlockOpenOptions;

/* Opens a raw image. opts may be NULL (memory overlay, writable by the guest). */
BlockDev *blockdev_open(const char *path, const BlockOpenOptions *opts, AmberError *err);
/* A blank (all-zero) medium of `sectors` sectors with no backing file; name is used in messages.
 * For freshly formatted media and tests. */
BlockDev *blockdev_new_blank(const char *name, uint64_t sectors, AmberError *err);
void blockdev_close(BlockDev *bd);

const char *blockdev_name(const BlockDev *bd);       /* the path given to open */
uint64_t blockdev_size(const BlockDev *bd);          /* bytes */
uint64_t blockdev_sector_count(const BlockDev *bd);
bool blockdev_write_protected(const BlockDev *bd);
void blockdev_set_write_protect(BlockDev *bd, bool on);

/*
 * Sector I/O. A range that runs past the end, a write to a write-protected medium, or a host read
 * error fails with err set (naming the file) and transfers nothing. Writes go to the overlay only.
 */
bool blockdev_read(BlockDev *bd, uint64_t lba, uint32_t count, void *buf, AmberError *err);
bool blockdev_write(BlockDev *bd, uint64_t lba, uint32_t count, const void *buf, AmberError *err);

/* How many distinct sectors the overlay holds (0 = the guest has written nothing). */
uint64_t blockdev_overlay_sectors(const BlockDev *bd);
/* Forgets every write (the medium reads as the original again). */
void blockdev_discard_overlay(BlockDev *bd);

#endif
