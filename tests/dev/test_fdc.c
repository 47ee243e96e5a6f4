/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 82077AA floppy controller, driven through its ports on a CPU-less machine: reset and the
 * polling interrupts, SPECIFY, RECALIBRATE/SEEK timing with IRQ 6, READ DATA by DMA and without,
 * multi-track reads, READ ID, WRITE DATA + read back, write protect, wrong sector, missing media,
 * wrong data rate, FORMAT TRACK, VERSION/DUMPREG/CONFIGURE/LOCK.
 *
 * DMA mostly goes through a small IsaDmaOps in this file (a flat buffer standing in for guest
 * memory, served synchronously while DREQ is high), so most cases do not depend on the 8237
 * model; test_with_8237 repeats a read and a write through the real dma8237 into guest RAM,
 * programmed the way SeaBIOS does it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../testlib.h"
#include "chipset/dma8237.h"
#include "chipset/fdc82077.h"
#include "core/machine.h"

#define FDC 0x3F0
#define MS INT64_C(1000000)

typedef struct TestDma {
    IsaDmaTransferFn fn;
    void *opaque;
    unsigned chan;
    bool dreq;
    bool busy;
    size_t pos, len;
    uint8_t mem[16384];
} TestDma;

static bool tdma_register(void *dma, unsigned chan, IsaDmaTransferFn fn, void *opaque)
{
    TestDma *d = dma;
    d->fn = fn;
    d->opaque = opaque;
    d->chan = chan;
    return true;
}

static void tdma_set_dreq(void *dma, unsigned chan, bool level)
{
    TestDma *d = dma;
    d->dreq = level;
    if (!level || d->busy || !d->fn) {
        return;
    }
    d->busy = true;
    while (d->dreq && d->pos < d->len) {
        d->pos = d->fn(d->opaque, chan, d->pos, d->len);
    }
    d->busy = false;
}

static size_t tdma_read(void *dma, unsigned chan, void *buf, size_t pos, size_t len)
{
    TestDma *d = dma;
    memcpy(buf, d->mem + pos, len);
    return len;
}

static size_t tdma_write(void *dma, unsigned chan, const void *buf, size_t pos, size_t len)
{
    TestDma *d = dma;
    memcpy(d->mem + pos, buf, len);
    return len;
}

static const IsaDmaOps tdma_ops = { tdma_register, tdma_set_dreq, tdma_read, tdma_write };

typedef struct Rig {
    Machine *m;
    Device *fdc;
    TestDma dma;
    bool irq;
    unsigned irq_rises;
    char image[256];
} Rig;

static void irq_sink(void *opaque, int n, bool level)
{
    Rig *r = opaque;
    if (level && !r->irq) {
        r->irq_rises++;
    }
    r->irq = level;
}

static uint8_t pattern(uint64_t lba, unsigned i)
{
    return (uint8_t)(lba * 31 + i * 7 + (i >> 8));
}

static bool rig_init_drive(TestCtx *t, Rig *r, const char *drive0)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->image, sizeof(r->image), "/tmp/amber-fdc-%d.img", (int)getpid());
    FILE *f = fopen(r->image, "wb");
    if (!f) {
        return false;
    }
    uint8_t sec[512];
    for (uint64_t lba = 0; lba < 2880; lba++) {
        for (unsigned i = 0; i < 512; i++) {
            sec[i] = pattern(lba, i);
        }
        if (lba == 0) {
            /* No BPB: geometry from the size alone. */
            memset(sec, 0, 64);
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
    r->m->isa_dma.ops = &tdma_ops;
    r->m->isa_dma.dma = &r->dma;
    r->fdc = machine_add_device(r->m, &fdc82077_class, "fdc", &err);
    T_CHECK(t, r->fdc != NULL);
    bool ok = r->fdc && device_set_prop(r->fdc, "image0", r->image, NULL, &err) &&
              device_set_prop(r->fdc, "drive0", drive0, NULL, &err) &&
              device_set_prop(r->fdc, "drive1", "720K", NULL, &err) &&
              device_connect_irq_sink(r->fdc, 0, irq_sink, r, 0, &err) &&
              machine_realize(r->m, &err);
    if (!ok) {
        fprintf(stderr, "setup: %s\n", err.msg);
    }
    T_CHECK(t, ok);
    T_EQ(t, r->dma.chan, 2);
    return ok;
}

static bool rig_init(TestCtx *t, Rig *r)
{
    return rig_init_drive(t, r, "1.44M");
}

static void rig_free(Rig *r)
{
    machine_free(r->m);
    unlink(r->image);
}

static void step(Rig *r, int64_t ns)
{
    machine_run_until(r->m, clock_now(r->m->clock) + ns);
}

/* Steps guest time in 100 us slices until IRQ 6 is high; returns the time it took, or -1. */
static int64_t wait_irq(Rig *r, int64_t limit)
{
    int64_t t0 = clock_now(r->m->clock);
    while (!r->irq) {
        if (clock_now(r->m->clock) - t0 > limit) {
            return -1;
        }
        step(r, 100 * 1000);
    }
    return clock_now(r->m->clock) - t0;
}

static uint8_t msr(Rig *r)
{
    return iobus_read8(r->m->io, FDC + 4);
}

static void cmd(TestCtx *t, Rig *r, const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t s = msr(r);
        T_EQ(t, s & 0xC0, 0x80); /* RQM, DIO = host to FDC */
        iobus_write8(r->m->io, FDC + 5, bytes[i]);
    }
}

static unsigned result(TestCtx *t, Rig *r, uint8_t *out, unsigned max)
{
    unsigned n = 0;
    while ((msr(r) & 0xC0) == 0xC0 && n < max) {
        out[n++] = iobus_read8(r->m->io, FDC + 5);
    }
    return n;
}

static void sense_int(TestCtx *t, Rig *r, uint8_t *st0, uint8_t *pcn)
{
    static const uint8_t c[] = { 0x08 };
    uint8_t res[4] = { 0 };
    cmd(t, r, c, 1);
    unsigned n = result(t, r, res, 4);
    T_EQ(t, n, 2);
    *st0 = res[0];
    *pcn = res[1];
}

static void reset_controller(TestCtx *t, Rig *r)
{
    iobus_write8(r->m->io, FDC + 2, 0x08); /* reset asserted, DMA gate on */
    T_EQ(t, msr(r), 0x00);
    iobus_write8(r->m->io, FDC + 2, 0x1C); /* out of reset, motor A, drive 0 */
    T_CHECK(t, !r->irq);
    T_CHECK(t, wait_irq(r, 10 * MS) >= 0);
    for (unsigned d = 0; d < 4; d++) {
        uint8_t st0, pcn;
        sense_int(t, r, &st0, &pcn);
        T_EQ(t, st0, 0xC0 | d);
        T_EQ(t, pcn, 0);
        T_CHECK(t, !r->irq);
    }
    T_EQ(t, msr(r), 0x80);
}

static void seek(TestCtx *t, Rig *r, unsigned drive, unsigned head, unsigned cyl)
{
    const uint8_t c[] = { 0x0F, (uint8_t)(head << 2 | drive), (uint8_t)cyl };
    cmd(t, r, c, 3);
    T_CHECK(t, wait_irq(r, 2000 * MS) >= 0);
    uint8_t st0, pcn;
    sense_int(t, r, &st0, &pcn);
    T_EQ(t, st0, 0x20 | head << 2 | drive);
    T_EQ(t, pcn, cyl);
}

/* READ DATA (0xE6 = MT MFM SK) or WRITE DATA (0xC5) of C/H/R with EOT, by DMA of len bytes. */
static void rw(TestCtx *t, Rig *r, uint8_t op, unsigned c, unsigned h, unsigned s, unsigned eot,
               size_t len, uint8_t res[7])
{
    r->dma.pos = 0;
    r->dma.len = len;
    r->irq_rises = 0;
    const uint8_t b[9] = { op, (uint8_t)(h << 2), (uint8_t)c, (uint8_t)h, (uint8_t)s, 2,
                           (uint8_t)eot, 0x1B, 0xFF };
    cmd(t, r, b, 9);
    T_CHECK(t, (msr(r) & 0x10) != 0); /* busy in execution */
    T_CHECK(t, !r->irq);               /* nothing completes inside the I/O write */
    T_CHECK(t, wait_irq(r, 3000 * MS) >= 0);
    memset(res, 0, 7);
    T_EQ(t, result(t, r, res, 7), 7);
    T_CHECK(t, !r->irq);
    T_EQ(t, msr(r), 0x80);
}

static void test_reset_and_misc(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        return;
    }
    /* Cold reset leaves DOR = 0: the controller is held in reset. */
    T_EQ(t, iobus_read8(r.m->io, FDC + 2), 0x00);
    T_EQ(t, msr(&r), 0x00);
    reset_controller(t, &r);
    /* Nothing pending now: SENSE INTERRUPT is invalid. */
    static const uint8_t si[] = { 0x08 };
    uint8_t res[10];
    cmd(t, &r, si, 1);
    T_EQ(t, result(t, &r, res, 10), 1);
    T_EQ(t, res[0], 0x80);

    static const uint8_t ver[] = { 0x10 };
    cmd(t, &r, ver, 1);
    T_EQ(t, msr(&r), 0xD0);
    T_EQ(t, result(t, &r, res, 10), 1);
    T_EQ(t, res[0], 0x90);

    static const uint8_t bad[] = { 0x1F };
    cmd(t, &r, bad, 1);
    T_EQ(t, result(t, &r, res, 10), 1);
    T_EQ(t, res[0], 0x80);

    static const uint8_t spec[] = { 0x03, 0xAF, 0x02 };
    cmd(t, &r, spec, 3);
    T_EQ(t, msr(&r), 0x80);
    static const uint8_t conf[] = { 0x13, 0x00, 0x57, 0x05 }; /* EIS, POLL off, FIFOTHR 7 */
    cmd(t, &r, conf, 4);
    static const uint8_t lock[] = { 0x94 };
    cmd(t, &r, lock, 1);
    T_EQ(t, result(t, &r, res, 10), 1);
    T_EQ(t, res[0], 0x10);
    static const uint8_t perp[] = { 0x12, 0x84 };
    cmd(t, &r, perp, 2);
    static const uint8_t dump[] = { 0x0E };
    cmd(t, &r, dump, 1);
    T_EQ(t, result(t, &r, res, 10), 10);
    T_EQ(t, res[4], 0xAF);
    T_EQ(t, res[5], 0x02);
    T_EQ(t, res[7], 0x80 | 0x04);
    T_EQ(t, res[8], 0x57);
    T_EQ(t, res[9], 0x05);

    /* A DSR software reset keeps the LOCKed FIFO settings but clears EIS and POLL. */
    iobus_write8(r.m->io, FDC + 4, 0x80);
    T_CHECK(t, wait_irq(&r, 10 * MS) >= 0); /* POLL is not kept by LOCK: polling is back on */
    for (unsigned d = 0; d < 4; d++) {
        uint8_t st0, pcn;
        sense_int(t, &r, &st0, &pcn);
        T_EQ(t, st0, 0xC0 | d);
    }
    cmd(t, &r, dump, 1);
    T_EQ(t, result(t, &r, res, 10), 10);
    T_EQ(t, res[8], 0x07 | 0x00);
    T_EQ(t, res[9], 0x05);
    rig_free(&r);
}

static void test_seek_recal(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        return;
    }
    reset_controller(t, &r);
    iobus_write8(r.m->io, FDC + 7, 0x00); /* 500 kb/s */
    static const uint8_t spec[] = { 0x03, 0xAF, 0x02 }; /* SRT = A: 6 ms steps */
    cmd(t, &r, spec, 3);

    /* The disk-change line is set after power-on, cleared by a step with a disk in. */
    T_CHECK(t, (iobus_read8(r.m->io, FDC + 7) & 0x80) != 0);

    static const uint8_t recal[] = { 0x07, 0x00 };
    cmd(t, &r, recal, 2);
    T_EQ(t, msr(&r), 0x81); /* drive 0 busy, ready for commands */
    T_CHECK(t, wait_irq(&r, 10 * MS) >= 0);
    uint8_t st0, pcn;
    sense_int(t, &r, &st0, &pcn);
    T_EQ(t, st0, 0x20);
    T_EQ(t, pcn, 0);

    static const uint8_t sk[] = { 0x0F, 0x00, 10 };
    cmd(t, &r, sk, 3);
    step(&r, 50 * MS);
    T_CHECK(t, !r.irq); /* 10 steps of 6 ms are not done after 50 ms */
    T_CHECK(t, (msr(&r) & 0x01) != 0);
    T_CHECK(t, wait_irq(&r, 20 * MS) >= 0);
    sense_int(t, &r, &st0, &pcn);
    T_EQ(t, st0, 0x20);
    T_EQ(t, pcn, 10);
    T_CHECK(t, (iobus_read8(r.m->io, FDC + 7) & 0x80) == 0);

    /* SENSE DRIVE STATUS: ready, two-sided, not on track 0, not protected. */
    static const uint8_t sds[] = { 0x04, 0x04 };
    uint8_t res[4];
    cmd(t, &r, sds, 2);
    T_EQ(t, result(t, &r, res, 4), 1);
    T_EQ(t, res[0], 0x20 | 0x08 | 0x04);
    T_CHECK(t, !r.irq);

    /* Recalibrate an absent drive: no track 0 after 79 steps -> equipment check. */
    static const uint8_t recal3[] = { 0x07, 0x03 };
    cmd(t, &r, recal3, 2);
    T_CHECK(t, wait_irq(&r, 1000 * MS) >= 0);
    sense_int(t, &r, &st0, &pcn);
    T_EQ(t, st0, 0x70 | 3);

    /* Relative seek inward by 5 from 10. */
    static const uint8_t rsk[] = { 0xCF, 0x00, 5 };
    cmd(t, &r, rsk, 3);
    T_CHECK(t, wait_irq(&r, 100 * MS) >= 0);
    sense_int(t, &r, &st0, &pcn);
    T_EQ(t, pcn, 15);
    rig_free(&r);
}

static bool sector_matches(const uint8_t *buf, uint64_t lba)
{
    for (unsigned i = 0; i < 512; i++) {
        if (buf[i] != pattern(lba, i)) {
            return false;
        }
    }
    return true;
}

static void test_read_write(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        return;
    }
    uint64_t h0 = t_hash_file(r.image);
    reset_controller(t, &r);
    iobus_write8(r.m->io, FDC + 7, 0x00);
    static const uint8_t spec[] = { 0x03, 0xDF, 0x02 };
    cmd(t, &r, spec, 3);
    seek(t, &r, 0, 0, 1);

    /* Two sectors from C1 H1 R3, terminal count from the DMA controller. */
    uint8_t res[7];
    rw(t, &r, 0xE6, 1, 1, 3, 18, 1024, res);
    T_EQ(t, res[0], 0x04);
    T_EQ(t, res[1], 0x00);
    T_EQ(t, res[2], 0x00);
    T_EQ(t, res[3], 1);
    T_EQ(t, res[4], 1);
    T_EQ(t, res[5], 5);
    T_EQ(t, res[6], 2);
    T_CHECK(t, sector_matches(r.dma.mem, (1 * 2 + 1) * 18 + 2));
    T_CHECK(t, sector_matches(r.dma.mem + 512, (1 * 2 + 1) * 18 + 3));
    T_CHECK(t, !sector_matches(r.dma.mem, (1 * 2 + 1) * 18 + 3));

    /* Multi-track: the last sector of head 0, then sector 1 of head 1. */
    rw(t, &r, 0xE6, 1, 0, 18, 18, 1024, res);
    T_EQ(t, res[0], 0x04);
    T_EQ(t, res[4], 1);
    T_EQ(t, res[5], 2);
    T_CHECK(t, sector_matches(r.dma.mem, 1 * 36 + 17));
    T_CHECK(t, sector_matches(r.dma.mem + 512, 1 * 36 + 18));

    /* Without MT the command stops at the end of the track: end of cylinder. */
    rw(t, &r, 0x66, 1, 0, 18, 18, 1024, res);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x80);
    T_EQ(t, res[3], 2);
    T_EQ(t, res[5], 1);

    /* A sector that does not exist: ND after two revolutions. */
    int64_t t0 = clock_now(r.m->clock);
    rw(t, &r, 0xE6, 1, 0, 19, 19, 512, res);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x04);
    T_CHECK(t, clock_now(r.m->clock) - t0 >= 400 * MS);
    /* The wrong cylinder: ND and WC. */
    rw(t, &r, 0xE6, 7, 0, 1, 18, 512, res);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x04);
    T_EQ(t, res[2], 0x10);

    /* READ ID returns an ID of the current track. */
    static const uint8_t rid[] = { 0x4A, 0x04 };
    cmd(t, &r, rid, 2);
    T_CHECK(t, wait_irq(&r, 500 * MS) >= 0);
    uint8_t idr[7];
    T_EQ(t, result(t, &r, idr, 7), 7);
    T_EQ(t, idr[0], 0x04);
    T_EQ(t, idr[3], 1);
    T_EQ(t, idr[4], 1);
    T_CHECK(t, idr[5] >= 1 && idr[5] <= 18);
    T_EQ(t, idr[6], 2);

    /* Write two sectors at C1 H0 R1, then read them back. */
    for (unsigned i = 0; i < 1024; i++) {
        r.dma.mem[i] = (uint8_t)(0xC3 ^ i);
    }
    rw(t, &r, 0xC5, 1, 0, 1, 18, 1024, res);
    T_EQ(t, res[0], 0x00);
    T_EQ(t, res[1], 0x00);
    T_EQ(t, res[5], 3);
    memset(r.dma.mem, 0, 1024);
    rw(t, &r, 0xE6, 1, 0, 1, 18, 1536, res);
    bool same = true;
    for (unsigned i = 0; i < 1024; i++) {
        same = same && r.dma.mem[i] == (uint8_t)(0xC3 ^ i);
    }
    T_CHECK(t, same);
    T_CHECK(t, sector_matches(r.dma.mem + 1024, 1 * 36 + 2));

    /* Write protect: WRITE DATA fails with NW, SENSE DRIVE STATUS shows WP. */
    fdc82077_set_write_protect(r.fdc, 0, true);
    rw(t, &r, 0xC5, 1, 0, 1, 18, 512, res);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x02);
    static const uint8_t sds[] = { 0x04, 0x00 };
    uint8_t st3[2];
    cmd(t, &r, sds, 2);
    T_EQ(t, result(t, &r, st3, 2), 1);
    T_CHECK(t, (st3[0] & 0x40) != 0);
    fdc82077_set_write_protect(r.fdc, 0, false);

    /* FORMAT TRACK of C1 H1: 18 IDs by DMA, filler F6. */
    for (unsigned s = 0; s < 18; s++) {
        r.dma.mem[4 * s] = 1, r.dma.mem[4 * s + 1] = 1;
        r.dma.mem[4 * s + 2] = (uint8_t)(s + 1), r.dma.mem[4 * s + 3] = 2;
    }
    r.dma.pos = 0;
    r.dma.len = 72;
    static const uint8_t fmt[] = { 0x4D, 0x04, 2, 18, 0x54, 0xF6 };
    cmd(t, &r, fmt, 6);
    T_CHECK(t, wait_irq(&r, 1000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x04);
    rw(t, &r, 0xE6, 1, 1, 9, 18, 512, res);
    T_EQ(t, r.dma.mem[0], 0xF6);
    T_EQ(t, r.dma.mem[511], 0xF6);

    /* The wrong data rate: nothing can be read (missing address mark). */
    iobus_write8(r.m->io, FDC + 7, 0x02);
    rw(t, &r, 0xE6, 1, 0, 1, 18, 512, res);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x01);
    iobus_write8(r.m->io, FDC + 7, 0x00);

    /* Non-DMA mode: bytes through the FIFO, INT as the byte request, no TC -> EN at EOT. */
    static const uint8_t specnd[] = { 0x03, 0xDF, 0x03 };
    cmd(t, &r, specnd, 3);
    static const uint8_t rd[] = { 0x46, 0x00, 1, 0, 5, 2, 5, 0x1B, 0xFF };
    cmd(t, &r, rd, 9);
    uint8_t buf[512];
    unsigned got = 0;
    for (int spins = 0; got < 512 && spins < 100000; spins++) {
        uint8_t s = msr(&r);
        if ((s & 0xE0) == 0xE0) {
            T_CHECK(t, r.irq);
            buf[got++] = iobus_read8(r.m->io, FDC + 5);
        } else {
            step(&r, 100 * 1000);
        }
    }
    T_EQ(t, got, 512);
    T_CHECK(t, sector_matches(buf, 1 * 36 + 4));
    T_CHECK(t, wait_irq(&r, 100 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x80);

    /* Non-DMA write of C1 H0 R6: the FIFO asks for bytes with RQM (DIO clear) and INT. */
    static const uint8_t wr[] = { 0x45, 0x00, 1, 0, 6, 2, 6, 0x1B, 0xFF };
    cmd(t, &r, wr, 9);
    unsigned put = 0;
    for (int spins = 0; put < 512 && spins < 100000; spins++) {
        uint8_t s = msr(&r);
        if ((s & 0xE0) == 0xA0) {
            iobus_write8(r.m->io, FDC + 5, (uint8_t)(put * 5));
            put++;
        } else {
            step(&r, 100 * 1000);
        }
    }
    T_EQ(t, put, 512);
    T_CHECK(t, wait_irq(&r, 1000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x80);
    cmd(t, &r, spec, 3);
    rw(t, &r, 0xE6, 1, 0, 6, 18, 512, res);
    T_EQ(t, r.dma.mem[0], 0);
    T_EQ(t, r.dma.mem[3], 15);
    T_EQ(t, r.dma.mem[511], (uint8_t)(511 * 5));

    /* Eject: DSKCHG rises, reads fail. */
    fdc82077_eject(r.fdc, 0);
    T_CHECK(t, !fdc82077_has_media(r.fdc, 0));
    T_CHECK(t, (iobus_read8(r.m->io, FDC + 7) & 0x80) != 0);
    rw(t, &r, 0xE6, 1, 0, 1, 18, 512, res);
    T_EQ(t, res[0], 0x40);
    T_EQ(t, res[1], 0x01);

    /* The original image never changed. */
    T_EQ(t, t_hash_file(r.image), h0);
    AmberError err = { 0 };
    T_CHECK(t, fdc82077_insert_file(r.fdc, 0, r.image, false, &err));
    T_CHECK(t, !fdc82077_insert_file(r.fdc, 2, r.image, false, &err));
    T_CONTAINS(t, err.msg, "not fitted");

    /* A size that is no floppy format is refused with the size named. */
    BlockDev *odd = blockdev_new_blank("odd.img", 1000, &err);
    amber_error_clear(&err);
    T_CHECK(t, odd && !fdc82077_insert(r.fdc, 1, odd, &err));
    T_CONTAINS(t, err.msg, "512000");
    blockdev_close(odd);

    /* A 720K (double density) disk in the 720K drive 1: readable at 250 kb/s only. */
    BlockDev *dd = blockdev_new_blank("dd.img", 1440, &err);
    T_CHECK(t, dd && fdc82077_insert(r.fdc, 1, dd, &err));
    iobus_write8(r.m->io, FDC + 2, 0x2D); /* select drive 1, motor B */
    T_CHECK(t, (iobus_read8(r.m->io, FDC + 7) & 0x80) != 0);
    static const uint8_t rid1[] = { 0x4A, 0x01 };
    cmd(t, &r, rid1, 2); /* still 500 kb/s: nothing readable */
    T_CHECK(t, wait_irq(&r, 1000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x41);
    T_EQ(t, res[1], 0x01);
    iobus_write8(r.m->io, FDC + 7, 0x02); /* 250 kb/s */
    cmd(t, &r, rid1, 2);
    T_CHECK(t, wait_irq(&r, 1000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x01);
    T_CHECK(t, res[5] >= 1 && res[5] <= 9);
    seek(t, &r, 1, 0, 3);
    T_CHECK(t, (iobus_read8(r.m->io, FDC + 7) & 0x80) == 0);
    rig_free(&r);
}

static bool gunzip_to(const char *src, const char *dst)
{
    gzFile in = gzopen(src, "rb");
    FILE *out = in ? fopen(dst, "wb") : NULL;
    bool ok = in && out;
    char buf[65536];
    int n = 0;
    while (ok && (n = gzread(in, buf, sizeof(buf))) > 0) {
        ok = fwrite(buf, 1, (size_t)n, out) == (size_t)n;
    }
    if (out) {
        fclose(out);
    }
    if (in) {
        gzclose(in);
    }
    return ok && n == 0;
}

/* Real FreeDOS disks: a 360K disk in a 1.2M drive (300 kb/s) and a 1.44M disk, boot sector and
 * a sector on the last cylinder read through the controller. */
static void test_freedos_disks(TestCtx *t)
{
    static const struct {
        const char *file, *drive;
        uint8_t rate;
        unsigned c, h, s, spt, heads;
    } disks[] = {
        { "freedos.boot.disk.360K.img.gz", "1.2M", 0x01, 39, 1, 9, 9, 2 },
        { "freedos.boot.disk.1.4MB.img.gz", "1.44M", 0x00, 79, 1, 18, 18, 2 },
    };
    for (size_t i = 0; i < sizeof(disks) / sizeof(disks[0]); i++) {
        char src[1024], img[256];
        snprintf(src, sizeof(src), "%s/guests/freedos-bootdisks/%s", t_shared_dir(),
                 disks[i].file);
        snprintf(img, sizeof(img), "/tmp/amber-fdc-fd-%d.img", (int)getpid());
        T_CHECK(t, gunzip_to(src, img));
        Rig r;
        if (!rig_init_drive(t, &r, disks[i].drive)) {
            unlink(img);
            return;
        }
        AmberError err = { 0 };
        fdc82077_eject(r.fdc, 0);
        T_CHECK(t, fdc82077_insert_file(r.fdc, 0, img, true, &err));
        reset_controller(t, &r);
        iobus_write8(r.m->io, FDC + 7, disks[i].rate);
        static const uint8_t spec[] = { 0x03, 0xDF, 0x02 };
        cmd(t, &r, spec, 3);
        static const uint8_t recal[] = { 0x07, 0x00 };
        cmd(t, &r, recal, 2);
        T_CHECK(t, wait_irq(&r, 1000 * MS) >= 0);
        uint8_t st0, pcn, res[7];
        sense_int(t, &r, &st0, &pcn);
        rw(t, &r, 0xE6, 0, 0, 1, disks[i].spt, 512, res);
        T_EQ(t, res[0], 0x00);
        T_CHECK(t, memcmp(r.dma.mem + 3, "FreeDOS", 7) == 0);
        T_EQ(t, r.dma.mem[510], 0x55);
        T_EQ(t, r.dma.mem[511], 0xAA);
        /* The last sector of the disk, compared with the file. */
        seek(t, &r, 0, disks[i].h, disks[i].c);
        rw(t, &r, 0xE6, disks[i].c, disks[i].h, disks[i].s, disks[i].spt, 512, res);
        T_EQ(t, res[0], 0x04);
        FILE *f = fopen(img, "rb");
        uint8_t want[512] = { 0 };
        long off = (long)(((disks[i].c * disks[i].heads + disks[i].h) * disks[i].spt +
                           disks[i].s - 1) * 512);
        T_CHECK(t, f && fseek(f, off, SEEK_SET) == 0 && fread(want, 1, 512, f) == 512);
        if (f) {
            fclose(f);
        }
        T_CHECK(t, memcmp(r.dma.mem, want, 512) == 0);
        rig_free(&r);
        unlink(img);
    }
}

/* SeaBIOS's floppy DMA setup (hw/dma.c, hw/floppy.c): mask ch2, flip-flop, address, count-1,
 * mode, page, unmask. */
static void dma_setup(Machine *m, uint32_t addr, uint16_t len, bool to_mem)
{
    iobus_write8(m->io, 0x0A, 0x06);
    iobus_write8(m->io, 0x0C, 0x00);
    iobus_write8(m->io, 0x04, (uint8_t)addr);
    iobus_write8(m->io, 0x04, (uint8_t)(addr >> 8));
    iobus_write8(m->io, 0x0C, 0x00);
    iobus_write8(m->io, 0x05, (uint8_t)(len - 1));
    iobus_write8(m->io, 0x05, (uint8_t)((len - 1) >> 8));
    iobus_write8(m->io, 0x0B, to_mem ? 0x46 : 0x4A);
    iobus_write8(m->io, 0x81, (uint8_t)(addr >> 16));
    iobus_write8(m->io, 0x0A, 0x02);
}

static void test_with_8237(TestCtx *t)
{
    Rig r;
    memset(&r, 0, sizeof(r));
    snprintf(r.image, sizeof(r.image), "/tmp/amber-fdc8237-%d.img", (int)getpid());
    FILE *f = fopen(r.image, "wb");
    T_CHECK(t, f != NULL);
    if (!f) {
        return;
    }
    uint8_t sec[512];
    for (uint64_t lba = 0; lba < 2880; lba++) {
        for (unsigned i = 0; i < 512; i++) {
            sec[i] = pattern(lba, i);
        }
        fwrite(sec, 1, sizeof(sec), f);
    }
    fclose(f);
    AmberError err = { 0 };
    r.m = machine_new(32, &err);
    T_CHECK(t, r.m != NULL);
    if (!r.m) {
        return;
    }
    uint8_t *ram = membus_map_ram(r.m->mem, "ram", 0, 1u << 20, &err);
    Device *dma = machine_add_device(r.m, &dma8237_class, "dma", &err);
    r.fdc = dma ? machine_add_device(r.m, &fdc82077_class, "fdc", &err) : NULL;
    bool ok = ram && r.fdc && device_set_prop(r.fdc, "image0", r.image, NULL, &err) &&
              device_connect_irq_sink(r.fdc, 0, irq_sink, &r, 0, &err) &&
              machine_realize(r.m, &err);
    if (!ok) {
        fprintf(stderr, "setup: %s\n", err.msg);
    }
    T_CHECK(t, ok);
    if (!ok) {
        rig_free(&r);
        return;
    }
    /* SeaBIOS dma_setup: master clear both, ch4 cascade, unmask ch4. */
    iobus_write8(r.m->io, 0x0D, 0);
    iobus_write8(r.m->io, 0xDA, 0);
    iobus_write8(r.m->io, 0xD6, 0xC0);
    iobus_write8(r.m->io, 0xD4, 0);

    reset_controller(t, &r);
    iobus_write8(r.m->io, FDC + 7, 0x00);
    static const uint8_t spec[] = { 0x03, 0xAF, 0x02 };
    cmd(t, &r, spec, 3);
    seek(t, &r, 0, 0, 2);

    /* Three sectors C2 H0 R4..6 into 0x12300 (the page register supplies bits 23:16). */
    dma_setup(r.m, 0x12300, 3 * 512, true);
    uint8_t res[7];
    static const uint8_t rd[] = { 0xE6, 0x00, 2, 0, 4, 2, 6, 0x1B, 0xFF };
    cmd(t, &r, rd, 9);
    T_CHECK(t, wait_irq(&r, 2000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x00);
    T_EQ(t, res[1], 0x00);
    /* MT and TC on the last sector (= EOT) of head 0: C stays, H complemented, R = 1. */
    T_EQ(t, res[3], 2);
    T_EQ(t, res[4], 1);
    T_EQ(t, res[5], 1);
    T_CHECK(t, sector_matches(ram + 0x12300, 2 * 36 + 3));
    T_CHECK(t, sector_matches(ram + 0x12300 + 1024, 2 * 36 + 5));
    T_EQ(t, iobus_read8(r.m->io, 0x08) & 0x04, 0x04); /* 8237 status: channel 2 reached TC */

    /* Write one sector from RAM at 0x20000, read it back elsewhere. */
    for (unsigned i = 0; i < 512; i++) {
        ram[0x20000 + i] = (uint8_t)(i ^ 0x5A);
    }
    dma_setup(r.m, 0x20000, 512, false);
    static const uint8_t wr[] = { 0xC5, 0x00, 2, 0, 9, 2, 18, 0x1B, 0xFF };
    cmd(t, &r, wr, 9);
    T_CHECK(t, wait_irq(&r, 2000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_EQ(t, res[0], 0x00);
    T_EQ(t, res[5], 10);
    dma_setup(r.m, 0x30000, 512, true);
    static const uint8_t rd2[] = { 0xE6, 0x00, 2, 0, 9, 2, 18, 0x1B, 0xFF };
    cmd(t, &r, rd2, 9);
    T_CHECK(t, wait_irq(&r, 2000 * MS) >= 0);
    T_EQ(t, result(t, &r, res, 7), 7);
    T_CHECK(t, memcmp(ram + 0x30000, ram + 0x20000, 512) == 0);
    rig_free(&r);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_reset_and_misc);
    T_RUN(&t, test_seek_recal);
    T_RUN(&t, test_read_write);
    T_RUN(&t, test_with_8237);
    char probe[1024];
    snprintf(probe, sizeof(probe), "%s/guests/freedos-bootdisks/freedos.boot.disk.360K.img.gz",
             t_shared_dir());
    if (access(probe, R_OK) == 0) {
        T_RUN(&t, test_freedos_disks);
    } else {
        printf("note: FreeDOS images not found under %s (set AMBER_SHARED); image reads skipped\n",
               t_shared_dir());
    }
    return t_finish(&t);
}
