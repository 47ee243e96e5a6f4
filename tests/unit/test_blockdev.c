/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The block layer: open errors, the copy-on-write overlay, floppy and hard-disk geometry. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "storage/blockdev.h"
#include "storage/geometry.h"
#include "../testlib.h"

static char tmpdir[256];

static void make_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static void test_open_errors(TestCtx *t)
{
    char p[512];
    AmberError err = { 0 };

    make_path(p, sizeof(p), "missing.img");
    T_CHECK(t, blockdev_open(p, NULL, &err) == NULL);
    T_CONTAINS(t, err.msg, p);
    T_CONTAINS(t, err.msg, "no such file");

    amber_error_clear(&err);
    T_CHECK(t, blockdev_open(tmpdir, NULL, &err) == NULL);
    T_CONTAINS(t, err.msg, tmpdir);
    T_CONTAINS(t, err.msg, "not a regular file");

    /* A named pipe is refused at once; a blocking open would wait forever for a writer. */
    amber_error_clear(&err);
    make_path(p, sizeof(p), "pipe.img");
    T_CHECK(t, mkfifo(p, 0600) == 0);
    T_CHECK(t, blockdev_open(p, NULL, &err) == NULL);
    T_CONTAINS(t, err.msg, p);
    T_CONTAINS(t, err.msg, "not a regular file");
    unlink(p);

    amber_error_clear(&err);
    make_path(p, sizeof(p), "empty.img");
    write_file(p, "", 0);
    T_CHECK(t, blockdev_open(p, NULL, &err) == NULL);
    T_CONTAINS(t, err.msg, p);
    T_CONTAINS(t, err.msg, "empty");

    amber_error_clear(&err);
    make_path(p, sizeof(p), "odd.img");
    static const uint8_t odd[1000];
    write_file(p, odd, sizeof(odd));
    T_CHECK(t, blockdev_open(p, NULL, &err) == NULL);
    T_CONTAINS(t, err.msg, p);
    T_CONTAINS(t, err.msg, "1000");
    T_CONTAINS(t, err.msg, "not a multiple");

    /* Unreadable: only meaningful when not running as root (root reads anything). */
    if (geteuid() != 0) {
        amber_error_clear(&err);
        make_path(p, sizeof(p), "noperm.img");
        static const uint8_t sec[512];
        write_file(p, sec, sizeof(sec));
        chmod(p, 0);
        T_CHECK(t, blockdev_open(p, NULL, &err) == NULL);
        T_CONTAINS(t, err.msg, p);
        T_CONTAINS(t, err.msg, "cannot open");
    } else {
        printf("note: running as root, unreadable-file case not exercised\n");
    }
}

static void test_cow_overlay(TestCtx *t)
{
    char p[512];
    make_path(p, sizeof(p), "cow.img");
    enum { N = 64 };
    static uint8_t data[N * 512];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7 + i / 512);
    }
    write_file(p, data, sizeof(data));
    struct stat st0;
    stat(p, &st0);
    uint64_t h0 = t_hash_file(p);

    AmberError err = { 0 };
    BlockDev *bd = blockdev_open(p, NULL, &err);
    T_CHECK(t, bd != NULL);
    if (!bd) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    T_EQ(t, blockdev_size(bd), sizeof(data));
    T_EQ(t, blockdev_sector_count(bd), N);
    T_CHECK(t, !blockdev_write_protected(bd));
    T_STREQ(t, blockdev_name(bd), p);

    uint8_t buf[3 * 512], w[3 * 512];
    T_CHECK(t, blockdev_read(bd, 5, 3, buf, &err));
    T_CHECK(t, memcmp(buf, data + 5 * 512, sizeof(buf)) == 0);

    /* Write three sectors and many scattered ones (forces the overlay's table to grow). */
    memset(w, 0xA5, sizeof(w));
    T_CHECK(t, blockdev_write(bd, 10, 3, w, &err));
    for (unsigned i = 20; i < N; i += 1) {
        uint8_t s[512];
        memset(s, (int)i, sizeof(s));
        T_CHECK(t, blockdev_write(bd, i, 1, s, &err));
    }
    T_EQ(t, blockdev_overlay_sectors(bd), 3 + (N - 20));
    T_CHECK(t, blockdev_read(bd, 9, 3, buf, &err));
    T_CHECK(t, memcmp(buf, data + 9 * 512, 512) == 0);
    T_EQ(t, buf[512], 0xA5);
    T_EQ(t, buf[3 * 512 - 1], 0xA5);
    T_CHECK(t, blockdev_read(bd, 33, 1, buf, &err));
    T_EQ(t, buf[0], 33);
    T_EQ(t, buf[511], 33);
    /* Rewriting a sector replaces it without growing the overlay. */
    memset(w, 0x5A, 512);
    T_CHECK(t, blockdev_write(bd, 11, 1, w, &err));
    T_EQ(t, blockdev_overlay_sectors(bd), 3 + (N - 20));
    T_CHECK(t, blockdev_read(bd, 11, 1, buf, &err));
    T_EQ(t, buf[100], 0x5A);

    /* Past the end: an error naming the file, nothing transferred. */
    amber_error_clear(&err);
    T_CHECK(t, !blockdev_read(bd, N - 1, 2, buf, &err));
    T_CONTAINS(t, err.msg, p);
    T_CONTAINS(t, err.msg, "past the end");
    amber_error_clear(&err);
    T_CHECK(t, !blockdev_write(bd, N, 1, w, &err));
    T_CONTAINS(t, err.msg, "past the end");

    /* Write protect refuses writes. */
    blockdev_set_write_protect(bd, true);
    amber_error_clear(&err);
    T_CHECK(t, !blockdev_write(bd, 0, 1, w, &err));
    T_CONTAINS(t, err.msg, "write-protected");
    T_CONTAINS(t, err.msg, p);
    blockdev_set_write_protect(bd, false);

    blockdev_discard_overlay(bd);
    T_EQ(t, blockdev_overlay_sectors(bd), 0);
    T_CHECK(t, blockdev_read(bd, 10, 1, buf, &err));
    T_CHECK(t, memcmp(buf, data + 10 * 512, 512) == 0);
    T_CHECK(t, blockdev_write(bd, 0, 1, w, &err));
    blockdev_close(bd);

    /* The original is byte-identical and untouched. */
    struct stat st1;
    stat(p, &st1);
    T_EQ(t, t_hash_file(p), h0);
    T_EQ(t, st1.st_size, st0.st_size);
    T_EQ(t, st1.st_mtime, st0.st_mtime);

    /* A write-protected open. */
    BlockOpenOptions o = { .write_protect = true };
    bd = blockdev_open(p, &o, &err);
    T_CHECK(t, bd && blockdev_write_protected(bd));
    blockdev_close(bd);

    /* A blank medium reads as zeros and takes writes. */
    bd = blockdev_new_blank("blank", 2880, &err);
    T_CHECK(t, bd != NULL);
    if (bd) {
        T_EQ(t, blockdev_size(bd), 1474560);
        T_CHECK(t, blockdev_read(bd, 2879, 1, buf, &err));
        T_EQ(t, buf[0] | buf[511], 0);
        T_CHECK(t, blockdev_write(bd, 2879, 1, w, &err));
        T_CHECK(t, blockdev_read(bd, 2879, 1, buf, &err));
        T_EQ(t, buf[0], 0x5A);
        blockdev_close(bd);
    }
}

static void test_geometry_sizes(TestCtx *t)
{
    static const struct {
        uint64_t size;
        unsigned c, h, s;
        uint8_t media;
    } cases[] = {
        { 163840, 40, 1, 8, 0xFE },   { 184320, 40, 1, 9, 0xFC },   { 327680, 40, 2, 8, 0xFF },
        { 368640, 40, 2, 9, 0xFD },   { 655360, 80, 2, 8, 0xFB },   { 737280, 80, 2, 9, 0xF9 },
        { 1228800, 80, 2, 15, 0xF9 }, { 1474560, 80, 2, 18, 0xF0 }, { 1720320, 80, 2, 21, 0xF0 },
        { 2949120, 80, 2, 36, 0xF0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        FloppyGeometry g;
        AmberError err = { 0 };
        T_CHECK(t, geometry_floppy_from_size(cases[i].size, &g, &err));
        T_EQ(t, g.cylinders, cases[i].c);
        T_EQ(t, g.heads, cases[i].h);
        T_EQ(t, g.sectors, cases[i].s);
        T_EQ(t, g.media, cases[i].media);
        T_EQ(t, (uint64_t)g.total_sectors * 512, cases[i].size);
    }
    FloppyGeometry g;
    AmberError err = { 0 };
    T_CHECK(t, !geometry_floppy_from_size(1474560 - 512, &g, &err));
    T_CONTAINS(t, err.msg, "1474048");
    T_CONTAINS(t, err.msg, "matches no floppy format");

    /* A BPB chooses between formats of one size; a BPB that disagrees with the size is ignored. */
    uint8_t boot[512] = { 0 };
    boot[0x0B] = 0x00, boot[0x0C] = 0x02;
    boot[0x13] = (uint8_t)(720 & 0xFF), boot[0x14] = (uint8_t)(720 >> 8);
    boot[0x15] = 0xF8;
    boot[0x18] = 9;
    boot[0x1A] = 1;
    T_CHECK(t, geometry_floppy_detect_image("x.img", 368640, boot, &g, &err));
    T_EQ(t, g.cylinders, 80);
    T_EQ(t, g.heads, 1);
    T_CHECK(t, g.from_bpb);
    boot[0x1A] = 2; /* now claims 720 sectors of 2x9 = 40 cylinders: the usual 360K */
    T_CHECK(t, geometry_floppy_detect_image("x.img", 368640, boot, &g, &err));
    T_EQ(t, g.cylinders, 40);
    T_EQ(t, g.media, 0xF8);
    boot[0x18] = 18; /* inconsistent with the size: ignored */
    T_CHECK(t, geometry_floppy_detect_image("x.img", 368640, boot, &g, &err));
    T_EQ(t, g.sectors, 9);
    T_CHECK(t, !g.from_bpb);
}

static void test_disk_geometry(TestCtx *t)
{
    DiskGeometry d;
    geometry_disk_from_mbr(1008 * 100, NULL, &d);
    T_EQ(t, d.heads, 16);
    T_EQ(t, d.sectors, 63);
    T_EQ(t, d.cylinders, 100);
    T_CHECK(t, !d.from_mbr);

    uint8_t mbr[512] = { 0 };
    mbr[510] = 0x55, mbr[511] = 0xAA;
    uint8_t *e = mbr + 0x1BE;
    e[0] = 0x80, e[4] = 0x06;          /* FAT16, bootable */
    e[5] = 14, e[6] = 17 | (1 << 6), e[7] = 0x2B; /* end C=0x12B H=14 S=17 */
    geometry_disk_from_mbr(300 * 15 * 17, mbr, &d);
    T_CHECK(t, d.from_mbr);
    T_EQ(t, d.heads, 15);
    T_EQ(t, d.sectors, 17);
    T_EQ(t, d.cylinders, 300);

    /* Huge disks cap at 16383 cylinders; the total is kept. */
    geometry_disk_from_mbr(UINT64_C(40000000), NULL, &d);
    T_EQ(t, d.cylinders, 16383);
    T_EQ(t, d.total_sectors, 40000000);
}

/* Decompresses a shared image into tmpdir. Returns false if the file cannot be read. */
static bool gunzip_to(const char *src, const char *dst)
{
    gzFile in = gzopen(src, "rb");
    if (!in) {
        return false;
    }
    FILE *out = fopen(dst, "wb");
    if (!out) {
        gzclose(in);
        return false;
    }
    char buf[65536];
    int n;
    bool ok = true;
    while ((n = gzread(in, buf, sizeof(buf))) > 0) {
        if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
            ok = false;
        }
    }
    if (n < 0) {
        ok = false;
    }
    gzclose(in);
    fclose(out);
    return ok;
}

static void test_freedos_images(TestCtx *t)
{
    static const struct {
        const char *file;
        unsigned c, h, s;
        uint8_t media;
    } imgs[] = {
        { "freedos.boot.disk.160K.img.gz", 40, 1, 8, 0xFE },
        { "freedos.boot.disk.180K.img.gz", 40, 1, 9, 0xFC },
        { "freedos.boot.disk.320K.img.gz", 40, 2, 8, 0xFF },
        { "freedos.boot.disk.360K.img.gz", 40, 2, 9, 0xFD },
        { "freedos.boot.disk.640K.img.gz", 80, 2, 8, 0xFB },
        { "freedos.boot.disk.720K.img.gz", 80, 2, 9, 0xF9 },
        { "freedos.boot.disk.1200K.img.gz", 80, 2, 15, 0xF9 },
        { "freedos.boot.disk.1.4MB.img.gz", 80, 2, 18, 0xF0 },
    };
    for (size_t i = 0; i < sizeof(imgs) / sizeof(imgs[0]); i++) {
        char src[1024], dst[512];
        snprintf(src, sizeof(src), "%s/guests/freedos-bootdisks/%s", t_shared_dir(), imgs[i].file);
        make_path(dst, sizeof(dst), "freedos.img");
        T_CHECK(t, gunzip_to(src, dst));
        AmberError err = { 0 };
        uint64_t h0 = t_hash_file(dst);
        BlockDev *bd = blockdev_open(dst, NULL, &err);
        T_CHECK(t, bd != NULL);
        if (!bd) {
            fprintf(stderr, "%s: %s\n", imgs[i].file, err.msg);
            continue;
        }
        FloppyGeometry g;
        T_CHECK(t, geometry_floppy_detect(bd, &g, &err));
        T_EQ(t, g.cylinders, imgs[i].c);
        T_EQ(t, g.heads, imgs[i].h);
        T_EQ(t, g.sectors, imgs[i].s);
        T_EQ(t, g.media, imgs[i].media);
        T_CHECK(t, g.from_bpb);
        /* Scribble over the boot sector and FAT in the overlay; the file must not change. */
        uint8_t junk[4 * 512];
        memset(junk, 0xEE, sizeof(junk));
        T_CHECK(t, blockdev_write(bd, 0, 4, junk, &err));
        uint8_t back[512];
        T_CHECK(t, blockdev_read(bd, 0, 1, back, &err));
        T_EQ(t, back[0], 0xEE);
        blockdev_close(bd);
        T_EQ(t, t_hash_file(dst), h0);

        /* Truncated by one sector: the error names the file and the size. */
        if (truncate(dst, (off_t)(imgs[i].c * imgs[i].h * imgs[i].s - 1) * 512) == 0) {
            amber_error_clear(&err);
            bd = blockdev_open(dst, NULL, &err);
            T_CHECK(t, bd != NULL);
            if (bd) {
                T_CHECK(t, !geometry_floppy_detect(bd, &g, &err));
                T_CONTAINS(t, err.msg, dst);
                char sz[32];
                snprintf(sz, sizeof(sz), "%u", (imgs[i].c * imgs[i].h * imgs[i].s - 1) * 512);
                T_CONTAINS(t, err.msg, sz);
                blockdev_close(bd);
            }
        }
        unlink(dst);
    }
}

static void cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", tmpdir);
    }
}

int main(void)
{
    TestCtx t = { 0 };
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/amber-blockdev-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    T_RUN(&t, test_open_errors);
    T_RUN(&t, test_cow_overlay);
    T_RUN(&t, test_geometry_sizes);
    T_RUN(&t, test_disk_geometry);

    char probe[1024];
    snprintf(probe, sizeof(probe), "%s/guests/freedos-bootdisks/freedos.boot.disk.1.4MB.img.gz",
             t_shared_dir());
    if (access(probe, R_OK) == 0) {
        T_RUN(&t, test_freedos_images);
    } else {
        printf("note: FreeDOS images not found under %s (set AMBER_SHARED); image tests skipped\n",
               t_shared_dir());
    }
    cleanup();
    int rc = t_finish(&t);
    return rc;
}
