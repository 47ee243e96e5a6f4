/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ATA channel, driven through its ports on a CPU-less machine: power-on signature, IDENTIFY
 * DEVICE contents, CHS and LBA reads of known data (16- and 32-bit data port), write then read
 * back (original image untouched), READ/WRITE MULTIPLE and SET MULTIPLE MODE, reads past the end
 * (ERR + IDNF), aborted commands, SRST and its signature, nIEN, the absent slave, EXECUTE DEVICE
 * DIAGNOSTIC, INITIALIZE DEVICE PARAMETERS, READ VERIFY, an empty channel.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../testlib.h"
#include "chipset/ide.h"
#include "core/machine.h"

#define IO 0x1F0
#define CTL 0x3F6
#define US INT64_C(1000)
#define MS INT64_C(1000000)
#define SECTORS 4032u /* 4 x 16 x 63 */

typedef struct Rig {
    Machine *m;
    Device *ide;
    bool irq;
    unsigned rises;
    char image[256];
} Rig;

static void irq_sink(void *opaque, int n, bool level)
{
    Rig *r = opaque;
    if (level && !r->irq) {
        r->rises++;
    }
    r->irq = level;
}

static uint8_t pattern(uint32_t lba, unsigned i)
{
    return (uint8_t)(lba * 13 + i * 3 + (lba >> 8));
}

static bool rig_init(TestCtx *t, Rig *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->image, sizeof(r->image), "/tmp/amber-ide-%d.img", (int)getpid());
    FILE *f = fopen(r->image, "wb");
    if (!f) {
        return false;
    }
    uint8_t sec[512];
    for (uint32_t lba = 0; lba < SECTORS; lba++) {
        for (unsigned i = 0; i < 512; i++) {
            sec[i] = pattern(lba, i);
        }
        if (lba == 0) {
            sec[510] = 0; /* no MBR signature: default 16/63 geometry */
        }
        fwrite(sec, 1, sizeof(sec), f);
    }
    fclose(f);
    AmberError err = { 0 };
    r->m = machine_new(32, &err);
    T_CHECK(t, r->m != NULL);
    if (!r->m) {
        return false;
    }
    r->ide = machine_add_device(r->m, &ide_class, "ide0", &err);
    Device *ide1 = r->ide ? machine_add_device(r->m, &ide_class, "ide1", &err) : NULL;
    bool ok = r->ide && ide1 && device_set_prop(r->ide, "master", r->image, NULL, &err) &&
              device_set_prop(ide1, "base", "0x170", NULL, &err) &&
              device_set_prop(ide1, "ctrl", "0x376", NULL, &err) &&
              device_connect_irq_sink(r->ide, 0, irq_sink, r, 0, &err) &&
              machine_realize(r->m, &err);
    if (!ok) {
        fprintf(stderr, "setup: %s\n", err.msg);
    }
    T_CHECK(t, ok);
    return ok;
}

static void rig_free(Rig *r)
{
    machine_free(r->m);
    unlink(r->image);
}

static uint8_t in8(Rig *r, uint16_t p) { return iobus_read8(r->m->io, p); }
static void out8(Rig *r, uint16_t p, uint8_t v) { iobus_write8(r->m->io, p, v); }

static void step(Rig *r, int64_t ns)
{
    machine_run_until(r->m, clock_now(r->m->clock) + ns);
}

static bool wait_irq(Rig *r)
{
    for (int i = 0; i < 1000 && !r->irq; i++) {
        step(r, 10 * US);
    }
    return r->irq;
}

static bool wait_not_busy(Rig *r)
{
    for (int i = 0; i < 1000; i++) {
        if (!(in8(r, CTL) & 0x80)) {
            return true;
        }
        step(r, 10 * US);
    }
    return false;
}

static void set_lba(Rig *r, uint32_t lba, uint8_t count)
{
    out8(r, IO + 6, (uint8_t)(0xE0 | (lba >> 24)));
    out8(r, IO + 2, count);
    out8(r, IO + 3, (uint8_t)lba);
    out8(r, IO + 4, (uint8_t)(lba >> 8));
    out8(r, IO + 5, (uint8_t)(lba >> 16));
}

static void set_chs(Rig *r, unsigned c, unsigned h, unsigned s, uint8_t count)
{
    out8(r, IO + 6, (uint8_t)(0xA0 | h));
    out8(r, IO + 2, count);
    out8(r, IO + 3, (uint8_t)s);
    out8(r, IO + 4, (uint8_t)c);
    out8(r, IO + 5, (uint8_t)(c >> 8));
}

/* Issues a PIO data-in command and reads `blocks` DRQ blocks of `per_block` sectors each. */
static bool read_blocks(TestCtx *t, Rig *r, uint8_t cmd, unsigned blocks, unsigned per_block,
                        uint8_t *out, bool dword)
{
    out8(r, IO + 7, cmd);
    T_EQ(t, in8(r, CTL) & 0x80, 0x80); /* BSY straight after the command */
    T_CHECK(t, !r->irq);
    for (unsigned b = 0; b < blocks; b++) {
        if (!wait_irq(r)) {
            return false;
        }
        uint8_t st = in8(r, IO + 7); /* acknowledges */
        T_CHECK(t, !r->irq);
        if ((st & 0x89) != 0x08) {
            fprintf(stderr, "block %u: status %02x error %02x\n", b, st, in8(r, IO + 1));
            return false;
        }
        for (unsigned i = 0; i < per_block * 512; i += dword ? 4 : 2) {
            if (dword) {
                uint32_t v = iobus_read32(r->m->io, IO);
                memcpy(out + b * per_block * 512 + i, &v, 4);
            } else {
                uint16_t v = iobus_read16(r->m->io, IO);
                out[b * per_block * 512 + i] = (uint8_t)v;
                out[b * per_block * 512 + i + 1] = (uint8_t)(v >> 8);
            }
        }
    }
    return true;
}

static bool matches(const uint8_t *buf, uint32_t lba, unsigned count)
{
    for (unsigned s = 0; s < count; s++) {
        for (unsigned i = 0; i < 512; i++) {
            if (buf[s * 512 + i] != pattern(lba + s, i)) {
                return false;
            }
        }
    }
    return true;
}

static void test_identify_and_reads(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        return;
    }
    /* Power-on: DRDY|DSC, the signature, diagnostics passed. */
    T_EQ(t, in8(&r, IO + 7), 0x50);
    T_EQ(t, in8(&r, IO + 2), 1);
    T_EQ(t, in8(&r, IO + 3), 1);
    T_EQ(t, in8(&r, IO + 4), 0);
    T_EQ(t, in8(&r, IO + 5), 0);
    T_EQ(t, in8(&r, IO + 1), 1);

    /* IDENTIFY DEVICE. */
    out8(&r, IO + 6, 0xA0);
    uint8_t id[512];
    T_CHECK(t, read_blocks(t, &r, 0xEC, 1, 1, id, false));
    T_EQ(t, in8(&r, IO + 7), 0x50);
    uint16_t w[256];
    for (unsigned i = 0; i < 256; i++) {
        w[i] = (uint16_t)(id[2 * i] | id[2 * i + 1] << 8);
    }
    T_EQ(t, w[0], 0x0040);
    T_EQ(t, w[1], 4);
    T_EQ(t, w[3], 16);
    T_EQ(t, w[6], 63);
    T_EQ(t, w[47] & 0xFF, 16);
    T_CHECK(t, (w[49] & 0x0200) != 0); /* LBA */
    T_CHECK(t, (w[49] & 0x0100) == 0); /* no DMA */
    T_EQ(t, w[53] & 1, 1);
    T_EQ(t, w[54], 4);
    T_EQ(t, w[55], 16);
    T_EQ(t, w[56], 63);
    T_EQ(t, w[57] | (uint32_t)w[58] << 16, SECTORS);
    T_EQ(t, w[60] | (uint32_t)w[61] << 16, SECTORS);
    T_EQ(t, w[64] & 3, 3);
    T_EQ(t, w[93] & 0xDF61, 0x4041); /* device 0, no device 1 */
    char model[41];
    for (unsigned i = 0; i < 20; i++) {
        model[2 * i] = (char)(w[27 + i] >> 8);
        model[2 * i + 1] = (char)w[27 + i];
    }
    model[40] = 0;
    T_CHECK(t, strncmp(model, "AMBER HARDDISK      ", 20) == 0);
    char serial[21];
    for (unsigned i = 0; i < 10; i++) {
        serial[2 * i] = (char)(w[10 + i] >> 8);
        serial[2 * i + 1] = (char)w[10 + i];
    }
    serial[20] = 0;
    T_CHECK(t, strncmp(serial, "AMB", 3) == 0);

    /* CHS read: C1 H2 S5, two sectors. */
    uint8_t buf[16 * 512];
    set_chs(&r, 1, 2, 5, 2);
    T_CHECK(t, read_blocks(t, &r, 0x20, 2, 1, buf, false));
    uint32_t lba = (1 * 16 + 2) * 63 + 4;
    T_CHECK(t, matches(buf, lba, 2));
    T_CHECK(t, !matches(buf, lba + 1, 1));
    T_EQ(t, in8(&r, CTL), 0x50);
    T_EQ(t, in8(&r, IO + 2), 0);   /* sector count ran down */
    T_EQ(t, in8(&r, IO + 3), 6);   /* the last sector read */
    T_EQ(t, in8(&r, IO + 6), 0xA2);

    /* LBA read through the 32-bit data port, no-retry opcode. */
    set_lba(&r, 3000, 3);
    T_CHECK(t, read_blocks(t, &r, 0x21, 3, 1, buf, true));
    T_CHECK(t, matches(buf, 3000, 3));
    T_EQ(t, in8(&r, IO + 3), (3002 & 0xFF));
    T_EQ(t, in8(&r, IO + 4), (3002 >> 8));

    /* Sector count 0 means 256 sectors. */
    set_lba(&r, 10, 0);
    uint8_t *big = malloc(256 * 512);
    T_CHECK(t, big && read_blocks(t, &r, 0x20, 256, 1, big, false));
    T_CHECK(t, big && matches(big, 10, 256));
    free(big);

    /* Reads past the end: ERR with IDNF; a partly valid range fails at the first bad sector. */
    set_lba(&r, SECTORS - 1, 2);
    out8(&r, IO + 7, 0x20);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x58);
    for (unsigned i = 0; i < 256; i++) {
        (void)iobus_read16(r.m->io, IO);
    }
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x10);
    T_EQ(t, in8(&r, IO + 3), SECTORS & 0xFF);
    set_lba(&r, 5000, 1);
    out8(&r, IO + 7, 0x20);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x10);
    set_chs(&r, 0, 0, 0, 1); /* sector 0 does not exist in CHS */
    out8(&r, IO + 7, 0x20);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x10);
    set_lba(&r, SECTORS - 4, 8); /* READ VERIFY past the end */
    out8(&r, IO + 7, 0x40);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x10);
    T_EQ(t, in8(&r, IO + 3), SECTORS & 0xFF); /* stopped at the first missing sector */
    T_EQ(t, in8(&r, IO + 2), 4);              /* with the 4 sectors it did not verify */
    set_lba(&r, 100, 8);
    out8(&r, IO + 7, 0x40);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x50);

    /* Aborted commands: IDENTIFY PACKET DEVICE (not ATAPI), an unknown opcode, a DMA mode. */
    out8(&r, IO + 7, 0xA1);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x04);
    out8(&r, IO + 7, 0xFE);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x04);
    out8(&r, IO + 1, 0x03);
    out8(&r, IO + 2, 0x22);
    out8(&r, IO + 7, 0xEF);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    out8(&r, IO + 2, 0x0C); /* PIO mode 4: accepted */
    out8(&r, IO + 7, 0xEF);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x50);

    /* INITIALIZE DEVICE PARAMETERS: 8 heads, 32 sectors changes the CHS mapping. */
    out8(&r, IO + 6, 0xA7);
    out8(&r, IO + 2, 32);
    out8(&r, IO + 7, 0x91);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x50);
    set_chs(&r, 2, 1, 1, 1);
    T_CHECK(t, read_blocks(t, &r, 0x20, 1, 1, buf, false));
    T_CHECK(t, matches(buf, (2 * 8 + 1) * 32, 1));
    rig_free(&r);
}

static void test_write_and_multiple(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        return;
    }
    uint64_t h0 = t_hash_file(r.image);
    uint8_t buf[16 * 512];

    /* WRITE SECTORS: DRQ at once for the first block, an interrupt after each block. */
    set_lba(&r, 100, 2);
    out8(&r, IO + 7, 0x30);
    T_EQ(t, in8(&r, CTL), 0x58);
    T_CHECK(t, !r.irq);
    for (unsigned s = 0; s < 2; s++) {
        for (unsigned i = 0; i < 256; i++) {
            iobus_write16(r.m->io, IO, (uint16_t)(0xBEEF ^ (s * 256 + i)));
        }
        T_EQ(t, in8(&r, CTL) & 0x88, 0x80); /* BSY while the block is written */
        T_CHECK(t, wait_irq(&r));
        uint8_t st = in8(&r, IO + 7);
        T_EQ(t, st, s == 0 ? 0x58 : 0x50);
    }
    T_EQ(t, in8(&r, IO + 2), 0);
    set_lba(&r, 99, 3);
    T_CHECK(t, read_blocks(t, &r, 0x20, 3, 1, buf, false));
    T_CHECK(t, matches(buf, 99, 1));
    bool same = true;
    for (unsigned i = 0; i < 512; i++) {
        uint16_t v = (uint16_t)(buf[512 + 2 * i] | buf[512 + 2 * i + 1] << 8);
        same = same && v == (uint16_t)(0xBEEF ^ i);
    }
    T_CHECK(t, same);

    /* A sector through the 32-bit data port. */
    set_lba(&r, 200, 1);
    out8(&r, IO + 7, 0x31);
    for (unsigned i = 0; i < 128; i++) {
        iobus_write32(r.m->io, IO, 0xA5000000u | i);
    }
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x50);
    set_lba(&r, 200, 1);
    T_CHECK(t, read_blocks(t, &r, 0x20, 1, 1, buf, true));
    T_EQ(t, buf[4 * 77], 77);
    T_EQ(t, buf[4 * 77 + 3], 0xA5);

    /* READ MULTIPLE before SET MULTIPLE MODE: aborted. */
    set_lba(&r, 0, 4);
    out8(&r, IO + 7, 0xC4);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    T_EQ(t, in8(&r, IO + 1), 0x04);
    /* A block size that is not a power of two: aborted. */
    out8(&r, IO + 2, 3);
    out8(&r, IO + 7, 0xC6);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x51);
    out8(&r, IO + 2, 4);
    out8(&r, IO + 7, 0xC6);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x50);

    /* READ MULTIPLE of 6 sectors: a block of 4, then a block of 2. */
    set_lba(&r, 2000, 6);
    T_CHECK(t, read_blocks(t, &r, 0xC4, 1, 4, buf, false));
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 7), 0x58);
    for (unsigned i = 0; i < 512; i++) {
        uint16_t v = iobus_read16(r.m->io, IO);
        buf[4 * 512 + 2 * i] = (uint8_t)v;
        buf[4 * 512 + 2 * i + 1] = (uint8_t)(v >> 8);
    }
    T_CHECK(t, matches(buf, 2000, 6));
    T_EQ(t, in8(&r, CTL), 0x50);

    /* WRITE MULTIPLE of 5 sectors: blocks of 4 and 1. */
    set_lba(&r, 3000, 5);
    out8(&r, IO + 7, 0xC5);
    T_EQ(t, in8(&r, CTL), 0x58);
    unsigned irqs = 0;
    for (unsigned b = 0; b < 2; b++) {
        unsigned words = (b == 0 ? 4 : 1) * 256;
        for (unsigned i = 0; i < words; i++) {
            iobus_write16(r.m->io, IO, 0x1234);
        }
        if (wait_irq(&r)) {
            irqs++;
        }
        (void)in8(&r, IO + 7);
    }
    T_EQ(t, irqs, 2);
    T_EQ(t, in8(&r, CTL), 0x50);
    set_lba(&r, 3004, 1);
    T_CHECK(t, read_blocks(t, &r, 0x20, 1, 1, buf, false));
    T_EQ(t, buf[0], 0x34);
    T_EQ(t, buf[511], 0x12);

    /* IDENTIFY reports the multiple setting. */
    uint8_t id[512];
    T_CHECK(t, read_blocks(t, &r, 0xEC, 1, 1, id, false));
    T_EQ(t, id[59 * 2] | id[59 * 2 + 1] << 8, 0x0104);

    /* The image file itself never changed. */
    T_EQ(t, t_hash_file(r.image), h0);
    T_CHECK(t, blockdev_overlay_sectors(ide_media(r.ide, 0)) >= 7);
    rig_free(&r);
}

static void test_reset_nien_slave(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        return;
    }
    /* Scribble on the task file, then SRST. */
    set_lba(&r, 0x123456, 9);
    out8(&r, CTL, 0x04);
    T_EQ(t, in8(&r, CTL) & 0x80, 0x80);
    step(&r, 10 * US);
    out8(&r, CTL, 0x00);
    T_EQ(t, in8(&r, CTL) & 0x80, 0x80);
    T_CHECK(t, wait_not_busy(&r));
    T_CHECK(t, !r.irq); /* no interrupt after a software reset */
    T_EQ(t, in8(&r, IO + 7), 0x50);
    T_EQ(t, in8(&r, IO + 1), 0x01);
    T_EQ(t, in8(&r, IO + 2), 1);
    T_EQ(t, in8(&r, IO + 3), 1);
    T_EQ(t, in8(&r, IO + 4), 0);
    T_EQ(t, in8(&r, IO + 5), 0);
    T_EQ(t, in8(&r, IO + 6) & 0x10, 0);

    /* nIEN: the command completes (DRQ) but INTRQ stays low until nIEN is cleared. */
    out8(&r, CTL, 0x02);
    out8(&r, IO + 6, 0xA0);
    out8(&r, IO + 7, 0xEC);
    T_CHECK(t, wait_not_busy(&r));
    T_EQ(t, in8(&r, CTL), 0x58);
    T_CHECK(t, !r.irq);
    T_EQ(t, r.rises, 0);
    out8(&r, CTL, 0x00);
    T_CHECK(t, r.irq);
    (void)in8(&r, IO + 7);
    T_CHECK(t, !r.irq);
    for (unsigned i = 0; i < 256; i++) {
        (void)iobus_read16(r.m->io, IO);
    }

    /* The absent slave: status and alternate status read 00h; its registers still latch;
     * commands to it are ignored. */
    out8(&r, IO + 6, 0xB0);
    T_EQ(t, in8(&r, IO + 7), 0x00);
    T_EQ(t, in8(&r, CTL), 0x00);
    out8(&r, IO + 2, 0x55);
    out8(&r, IO + 3, 0xAA);
    T_EQ(t, in8(&r, IO + 2), 0x55);
    T_EQ(t, in8(&r, IO + 3), 0xAA);
    out8(&r, IO + 7, 0xEC);
    step(&r, 1 * MS);
    T_CHECK(t, !r.irq);
    T_EQ(t, in8(&r, IO + 7), 0x00);
    out8(&r, IO + 6, 0xA0);
    T_EQ(t, in8(&r, IO + 7), 0x50);

    /* EXECUTE DEVICE DIAGNOSTIC: device 0 answers for both, with an interrupt. */
    out8(&r, IO + 6, 0xB0);
    out8(&r, IO + 7, 0x90);
    T_CHECK(t, wait_irq(&r));
    T_EQ(t, in8(&r, IO + 6) & 0x10, 0); /* the signature selects device 0 */
    T_EQ(t, in8(&r, IO + 7), 0x50);
    T_EQ(t, in8(&r, IO + 1), 0x01);
    T_EQ(t, in8(&r, IO + 2), 1);

    /* A channel with no disks floats high. */
    T_EQ(t, in8(&r, 0x177), 0xFF);
    T_EQ(t, in8(&r, 0x376), 0xFF);
    T_EQ(t, in8(&r, 0x172), 0xFF);
    rig_free(&r);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_identify_and_reads);
    T_RUN(&t, test_write_and_multiple);
    T_RUN(&t, test_reset_nien_slave);
    return t_finish(&t);
}
