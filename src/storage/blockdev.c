/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw images under a copy-on-write overlay (see blockdev.h for the rules).
 *
 * The image file is opened O_RDONLY and only ever read with pread(); no code path in this file
 * can write it. The in-memory overlay is an open-addressing hash from sector number to a slot in
 * a pool of 512-byte sectors that grows in chunks, so a guest that writes a handful of sectors of
 * a large disk costs a handful of sectors of memory.
 */
#include "storage/blockdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OVERLAY_CHUNK_SECTORS 256u

/* The overlay seam: a file-backed overlay will implement the same four operations. */
typedef struct BlockOverlayOps {
    /* Copies the overlay's sector into buf and returns true, or returns false if not written. */
    bool (*lookup)(void *ov, uint64_t lba, uint8_t *buf);
    bool (*store)(void *ov, uint64_t lba, const uint8_t *buf, AmberError *err);
    uint64_t (*count)(const void *ov);
    void (*clear)(void *ov);
    void (*free)(void *ov);
} BlockOverlayOps;

typedef struct MemOverlay {
    uint64_t *keys;     /* lba + 1; 0 marks an empty bucket */
    uint32_t *slots;
    size_t buckets;     /* a power of two */
    size_t used;
    uint8_t **chunks;   /* OVERLAY_CHUNK_SECTORS sectors each */
    size_t n_chunks;
} MemOverlay;

struct BlockDev {
    char *name;
    int fd;             /* -1 for a blank medium */
    uint64_t size;
    bool write_protect;
    const BlockOverlayOps *ov_ops;
    void *ov;
};

static size_t memov_bucket(const MemOverlay *m, uint64_t key)
{
    /* Fibonacci hashing spreads consecutive sector numbers over the table. */
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & (m->buckets - 1);
}

static uint8_t *memov_sector(MemOverlay *m, uint32_t slot)
{
    return m->chunks[slot / OVERLAY_CHUNK_SECTORS] +
           (size_t)(slot % OVERLAY_CHUNK_SECTORS) * BLOCKDEV_SECTOR_SIZE;
}

static bool memov_find(const MemOverlay *m, uint64_t lba, uint32_t *slot)
{
    if (!m->buckets) {
        return false;
    }
    uint64_t key = lba + 1;
    for (size_t i = memov_bucket(m, key);; i = (i + 1) & (m->buckets - 1)) {
        if (m->keys[i] == 0) {
            return false;
        }
        if (m->keys[i] == key) {
            *slot = m->slots[i];
            return true;
        }
    }
}

static bool memov_lookup(void *ov, uint64_t lba, uint8_t *buf)
{
    MemOverlay *m = ov;
    uint32_t slot;
    if (!memov_find(m, lba, &slot)) {
        return false;
    }
    memcpy(buf, memov_sector(m, slot), BLOCKDEV_SECTOR_SIZE);
    return true;
}

static void memov_insert_key(MemOverlay *m, uint64_t key, uint32_t slot)
{
    size_t i = memov_bucket(m, key);
    while (m->keys[i] != 0) {
        i = (i + 1) & (m->buckets - 1);
    }
    m->keys[i] = key;
    m->slots[i] = slot;
}

static bool memov_grow(MemOverlay *m)
{
    size_t nb = m->buckets ? m->buckets * 2 : 64;
    MemOverlay old = *m;
    m->keys = calloc(nb, sizeof(*m->keys));
    m->slots = calloc(nb, sizeof(*m->slots));
    if (!m->keys || !m->slots) {
        free(m->keys);
        free(m->slots);
        m->keys = old.keys;
        m->slots = old.slots;
        return false;
    }
    m->buckets = nb;
    for (size_t i = 0; i < old.buckets; i++) {
        if (old.keys[i]) {
            memov_insert_key(m, old.keys[i], old.slots[i]);
        }
    }
    free(old.keys);
    free(old.slots);
    return true;
}

static bool memov_store(void *ov, uint64_t lba, const uint8_t *buf, AmberError *err)
{
    MemOverlay *m = ov;
    uint32_t slot;
    if (memov_find(m, lba, &slot)) {
        memcpy(memov_sector(m, slot), buf, BLOCKDEV_SECTOR_SIZE);
        return true;
    }
    if (m->used >= UINT32_MAX - 1) {
        return amber_error(err, "copy-on-write overlay is full");
    }
    /* Keep the load factor at or below one half. */
    if ((m->used + 1) * 2 > m->buckets && !memov_grow(m)) {
        return amber_error(err, "out of memory for the copy-on-write overlay");
    }
    slot = (uint32_t)m->used;
    if (slot / OVERLAY_CHUNK_SECTORS >= m->n_chunks) {
        uint8_t **nc = realloc(m->chunks, (m->n_chunks + 1) * sizeof(*nc));
        if (!nc) {
            return amber_error(err, "out of memory for the copy-on-write overlay");
        }
        m->chunks = nc;
        m->chunks[m->n_chunks] = malloc((size_t)OVERLAY_CHUNK_SECTORS * BLOCKDEV_SECTOR_SIZE);
        if (!m->chunks[m->n_chunks]) {
            return amber_error(err, "out of memory for the copy-on-write overlay");
        }
        m->n_chunks++;
    }
    memcpy(memov_sector(m, slot), buf, BLOCKDEV_SECTOR_SIZE);
    memov_insert_key(m, lba + 1, slot);
    m->used++;
    return true;
}

static uint64_t memov_count(const void *ov)
{
    return ((const MemOverlay *)ov)->used;
}

static void memov_clear(void *ov)
{
    MemOverlay *m = ov;
    for (size_t i = 0; i < m->n_chunks; i++) {
        free(m->chunks[i]);
    }
    free(m->chunks);
    free(m->keys);
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

static void memov_free(void *ov)
{
    memov_clear(ov);
    free(ov);
}

static const BlockOverlayOps memov_ops = {
    .lookup = memov_lookup,
    .store = memov_store,
    .count = memov_count,
    .clear = memov_clear,
    .free = memov_free,
};

static BlockDev *blockdev_alloc(const char *name, const BlockOpenOptions *opts, AmberError *err)
{
    BlockDev *bd = calloc(1, sizeof(*bd));
    MemOverlay *m = calloc(1, sizeof(*m));
    char *nm = strdup(name ? name : "(unnamed)");
    if (!bd || !m || !nm) {
        free(bd);
        free(m);
        free(nm);
        amber_error(err, "%s: out of memory", name ? name : "(unnamed)");
        return NULL;
    }
    bd->name = nm;
    bd->fd = -1;
    bd->write_protect = opts && opts->write_protect;
    bd->ov_ops = &memov_ops;
    bd->ov = m;
    return bd;
}

BlockDev *blockdev_open(const char *path, const BlockOpenOptions *opts, AmberError *err)
{
    if (!path || !*path) {
        amber_error(err, "no image file given");
        return NULL;
    }
    if (opts && opts->overlay != BLOCK_OVERLAY_MEMORY) {
        amber_error(err, "%s: unsupported overlay kind %d", path, (int)opts->overlay);
        return NULL;
    }
    /* O_NONBLOCK: opening a FIFO (or a device whose open waits for a medium) must not hang
     * before the regular-file check below can refuse it. Reads of a regular file ignore it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            amber_error(err, "%s: no such file", path);
        } else {
            amber_error(err, "%s: cannot open: %s", path, strerror(errno));
        }
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        amber_error(err, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        amber_error(err, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_size == 0) {
        amber_error(err, "%s: image is empty (0 bytes)", path);
        close(fd);
        return NULL;
    }
    if (st.st_size % BLOCKDEV_SECTOR_SIZE != 0) {
        amber_error(err, "%s: size %lld bytes is not a multiple of %u-byte sectors (truncated?)",
                    path, (long long)st.st_size, BLOCKDEV_SECTOR_SIZE);
        close(fd);
        return NULL;
    }
    /* Prove the file is readable now rather than at the guest's first access. */
    uint8_t probe[BLOCKDEV_SECTOR_SIZE];
    ssize_t n = pread(fd, probe, sizeof(probe), 0);
    if (n != (ssize_t)sizeof(probe)) {
        amber_error(err, "%s: cannot read: %s", path, n < 0 ? strerror(errno) : "short read");
        close(fd);
        return NULL;
    }
    BlockDev *bd = blockdev_alloc(path, opts, err);
    if (!bd) {
        close(fd);
        return NULL;
    }
    bd->fd = fd;
    bd->size = (uint64_t)st.st_size;
    return bd;
}

BlockDev *blockdev_new_blank(const char *name, uint64_t sectors, AmberError *err)
{
    if (sectors == 0) {
        amber_error(err, "%s: a blank medium needs at least one sector", name ? name : "(blank)");
        return NULL;
    }
    BlockDev *bd = blockdev_alloc(name ? name : "(blank)", NULL, err);
    if (bd) {
        bd->size = sectors * BLOCKDEV_SECTOR_SIZE;
    }
    return bd;
}

void blockdev_close(BlockDev *bd)
{
    if (!bd) {
        return;
    }
    if (bd->fd >= 0) {
        close(bd->fd);
    }
    bd->ov_ops->free(bd->ov);
    free(bd->name);
    free(bd);
}

const char *blockdev_name(const BlockDev *bd) { return bd->name; }
uint64_t blockdev_size(const BlockDev *bd) { return bd->size; }
uint64_t blockdev_sector_count(const BlockDev *bd) { return bd->size / BLOCKDEV_SECTOR_SIZE; }
bool blockdev_write_protected(const BlockDev *bd) { return bd->write_protect; }
void blockdev_set_write_protect(BlockDev *bd, bool on) { bd->write_protect = on; }

static bool blockdev_range_ok(const BlockDev *bd, uint64_t lba, uint32_t count, const char *what,
                              AmberError *err)
{
    uint64_t total = blockdev_sector_count(bd);
    if (lba > total || count > total - lba) {
        return amber_error(err, "%s: %s of sectors %llu..%llu past the end (%llu sectors)",
                           bd->name, what, (unsigned long long)lba,
                           (unsigned long long)(lba + count - 1), (unsigned long long)total);
    }
    return true;
}

bool blockdev_read(BlockDev *bd, uint64_t lba, uint32_t count, void *buf, AmberError *err)
{
    if (!blockdev_range_ok(bd, lba, count, "read", err)) {
        return false;
    }
    uint8_t *out = buf;
    for (uint32_t i = 0; i < count; i++, out += BLOCKDEV_SECTOR_SIZE) {
        if (bd->ov_ops->lookup(bd->ov, lba + i, out)) {
            continue;
        }
        if (bd->fd < 0) {
            memset(out, 0, BLOCKDEV_SECTOR_SIZE);
            continue;
        }
        off_t off = (off_t)((lba + i) * BLOCKDEV_SECTOR_SIZE);
        size_t done = 0;
        while (done < BLOCKDEV_SECTOR_SIZE) {
            ssize_t n = pread(bd->fd, out + done, BLOCKDEV_SECTOR_SIZE - done, off + (off_t)done);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return amber_error(err, "%s: read error at sector %llu: %s", bd->name,
                                   (unsigned long long)(lba + i),
                                   n < 0 ? strerror(errno) : "file shrank");
            }
            done += (size_t)n;
        }
    }
    return true;
}

bool blockdev_write(BlockDev *bd, uint64_t lba, uint32_t count, const void *buf, AmberError *err)
{
    if (bd->write_protect) {
        return amber_error(err, "%s: medium is write-protected", bd->name);
    }
    if (!blockdev_range_ok(bd, lba, count, "write", err)) {
        return false;
    }
    const uint8_t *in = buf;
    for (uint32_t i = 0; i < count; i++, in += BLOCKDEV_SECTOR_SIZE) {
        if (!bd->ov_ops->store(bd->ov, lba + i, in, err)) {
            return false;
        }
    }
    return true;
}

uint64_t blockdev_overlay_sectors(const BlockDev *bd)
{
    return bd->ov_ops->count(bd->ov);
}

void blockdev_discard_overlay(BlockDev *bd)
{
    bd->ov_ops->clear(bd->ov);
}
