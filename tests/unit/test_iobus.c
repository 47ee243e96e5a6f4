/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The I/O bus: claims, overlaps, width splitting, unclaimed ports. */
#include "core/iobus.h"

#include "../testlib.h"

typedef struct Probe {
    uint8_t regs[65536 / 256]; /* indexed by port & 0xff */
    unsigned reads[5], writes[5]; /* by access size */
    uint16_t last_port;
    uint32_t last_val;
} Probe;

static uint32_t probe_read(void *opaque, uint16_t port, unsigned size)
{
    Probe *p = opaque;
    p->reads[size]++;
    p->last_port = port;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)p->regs[(port + i) & 0xff] << (8 * i);
    }
    return v;
}

static void probe_write(void *opaque, uint16_t port, uint32_t v, unsigned size)
{
    Probe *p = opaque;
    p->writes[size]++;
    p->last_port = port;
    p->last_val = v;
    for (unsigned i = 0; i < size; i++) {
        p->regs[(port + i) & 0xff] = (uint8_t)(v >> (8 * i));
    }
}

static const IoOps ops8 = { probe_read, probe_write, 1 };
static const IoOps ops16 = { probe_read, probe_write, 1 | 2 };
static const IoOps ops32 = { probe_read, probe_write, 1 | 2 | 4 };
static const IoOps ops_default = { probe_read, probe_write, 0 };

static void test_claims(TestCtx *t)
{
    AmberError err = { 0 };
    IoBus *bus = iobus_new(NULL, &err);
    Probe pic = { 0 }, pit = { 0 };
    T_CHECK(t, iobus_register(bus, "pic", 0x20, 2, &ops8, &pic, &err));
    T_CHECK(t, iobus_register(bus, "pit", 0x40, 4, &ops8, &pit, &err));
    T_CHECK(t, iobus_claimed(bus, 0x21));
    T_CHECK(t, !iobus_claimed(bus, 0x22));
    iobus_write8(bus, 0x21, 0xB8);
    T_EQ(t, pic.last_port, 0x21);
    T_EQ(t, pic.last_val, 0xB8);
    T_EQ(t, iobus_read8(bus, 0x21), 0xB8);
    iobus_write8(bus, 0x43, 0x36);
    T_EQ(t, pit.last_port, 0x43);
    T_EQ(t, pic.writes[1], 1);

    /* An overlap names both owners and the ports. */
    amber_error_clear(&err);
    Probe other = { 0 };
    T_CHECK(t, !iobus_register(bus, "kbc", 0x3E, 4, &ops8, &other, &err));
    T_CONTAINS(t, err.msg, "kbc");
    T_CONTAINS(t, err.msg, "pit");
    T_CONTAINS(t, err.msg, "0x40");
    /* Nothing of the failed claim remains. */
    T_CHECK(t, !iobus_claimed(bus, 0x3E));
    /* Out of the port space. */
    amber_error_clear(&err);
    T_CHECK(t, !iobus_register(bus, "wide", 0xFFFF, 2, &ops8, &other, &err));
    T_CONTAINS(t, err.msg, "wide");
    amber_error_clear(&err);
    T_CHECK(t, !iobus_register(bus, "none", 0x100, 0, &ops8, &other, &err));
    T_CHECK(t, err.set);
    /* The very last port can be claimed. */
    T_CHECK(t, iobus_register(bus, "last", 0xFFFF, 1, &ops8, &other, &err));

    /* Unregister frees the ports for someone else. */
    iobus_unregister(bus, 0x40, 4);
    T_CHECK(t, !iobus_claimed(bus, 0x40));
    amber_error_clear(&err);
    T_CHECK(t, iobus_register(bus, "kbc", 0x3E, 4, &ops8, &other, &err));
    T_EQ(t, iobus_read8(bus, 0x40), 0);
    T_EQ(t, other.last_port, 0x40);
    iobus_free(bus);
}

static void test_widths(TestCtx *t)
{
    AmberError err = { 0 };
    IoBus *bus = iobus_new(NULL, &err);
    Probe b8 = { 0 }, b16 = { 0 }, b32 = { 0 }, bdef = { 0 };
    T_CHECK(t, iobus_register(bus, "b8", 0x100, 8, &ops8, &b8, &err));
    T_CHECK(t, iobus_register(bus, "b16", 0x200, 8, &ops16, &b16, &err));
    T_CHECK(t, iobus_register(bus, "b32", 0xCF8, 8, &ops32, &b32, &err));
    T_CHECK(t, iobus_register(bus, "bdef", 0x300, 4, &ops_default, &bdef, &err));

    /* 16-bit write to a byte-only device: two byte writes, low port first (little-endian). */
    iobus_write16(bus, 0x100, 0xBEEF);
    T_EQ(t, b8.writes[1], 2);
    T_EQ(t, b8.writes[2], 0);
    T_EQ(t, b8.regs[0], 0xEF);
    T_EQ(t, b8.regs[1], 0xBE);
    T_EQ(t, b8.last_port, 0x101);
    T_EQ(t, iobus_read16(bus, 0x100), 0xBEEF);
    T_EQ(t, b8.reads[1], 2);
    /* 32-bit to a 16-bit device: four byte accesses (the device lacks 32). */
    iobus_write32(bus, 0x200, 0x11223344);
    T_EQ(t, b16.writes[1], 4);
    T_EQ(t, b16.writes[4], 0);
    iobus_write16(bus, 0x202, 0x5566);
    T_EQ(t, b16.writes[2], 1);
    T_EQ(t, b16.last_val, 0x5566);
    T_EQ(t, iobus_read32(bus, 0x200), 0x55663344);
    /* Native 32-bit. */
    iobus_write32(bus, 0xCF8, 0x80000000);
    T_EQ(t, b32.writes[4], 1);
    T_EQ(t, b32.last_val, 0x80000000);
    T_EQ(t, iobus_read32(bus, 0xCF8), 0x80000000);
    T_EQ(t, b32.reads[4], 1);
    /* sizes == 0 means byte-only. */
    iobus_write16(bus, 0x300, 0x0102);
    T_EQ(t, bdef.writes[1], 2);
    T_EQ(t, bdef.writes[2], 0);

    /* An access that runs past the claim is split: the claimed bytes go to the device, the rest
     * float high. */
    T_EQ(t, iobus_read16(bus, 0x107), 0xFF00 | b8.regs[7]);
    T_EQ(t, iobus_unclaimed_reads(bus), 1);
    /* Spanning two devices: each gets its bytes. */
    Probe nb = { 0 };
    T_CHECK(t, iobus_register(bus, "next", 0x108, 1, &ops16, &nb, &err));
    iobus_write16(bus, 0x107, 0xAA55);
    T_EQ(t, b8.regs[7], 0x55);
    T_EQ(t, nb.regs[8], 0xAA);
    T_EQ(t, nb.writes[1], 1);
    /* Port numbers wrap at 0xFFFF. */
    Probe top = { 0 }, zero = { 0 };
    T_CHECK(t, iobus_register(bus, "top", 0xFFFF, 1, &ops8, &top, &err));
    T_CHECK(t, iobus_register(bus, "zero", 0x0, 1, &ops8, &zero, &err));
    iobus_write16(bus, 0xFFFF, 0x2211);
    T_EQ(t, top.regs[0xFF], 0x11);
    T_EQ(t, zero.regs[0], 0x22);
    iobus_free(bus);
}

static void test_unclaimed(TestCtx *t)
{
    AmberError err = { 0 };
    Log log;
    amber_log_init(&log);
    IoBus *bus = iobus_new(&log, &err);
    T_EQ(t, iobus_read8(bus, 0x80), 0xFF);
    T_EQ(t, iobus_read16(bus, 0x80), 0xFFFF);
    T_EQ(t, iobus_read32(bus, 0x80), 0xFFFFFFFFu);
    T_EQ(t, iobus_unclaimed_reads(bus), 3);
    T_EQ(t, iobus_unclaimed_writes(bus), 0);
    iobus_write8(bus, 0x80, 0x12);
    iobus_write16(bus, 0x80, 0x1234);
    iobus_write32(bus, 0xE9, 0);
    T_EQ(t, iobus_unclaimed_writes(bus), 3);
    T_EQ(t, log.unclaimed_io_writes, 3);

    /* With -d io, unclaimed accesses are logged to the machine's log output. */
    FILE *f = tmpfile();
    T_CHECK(t, f != NULL);
    log.out = f;
    log.mask = UINT64_C(1) << LOG_IO;
    iobus_write8(bus, 0x1234, 0x5A);
    iobus_read8(bus, 0x4321);
    fflush(f);
    rewind(f);
    char text[256] = { 0 };
    size_t n = fread(text, 1, sizeof text - 1, f);
    T_CHECK(t, n > 0);
    T_CONTAINS(t, text, "0x1234");
    T_CONTAINS(t, text, "0x4321");
    T_CONTAINS(t, text, "[io]");
    fclose(f);

    /* A handler set without read still floats high. */
    static const IoOps wo = { NULL, probe_write, 1 };
    Probe p = { 0 };
    log.out = NULL;
    log.mask = 0;
    T_CHECK(t, iobus_register(bus, "wo", 0x60, 1, &wo, &p, &err));
    T_EQ(t, iobus_read8(bus, 0x60), 0xFF);
    iobus_write8(bus, 0x60, 3);
    T_EQ(t, p.writes[1], 1);
    amber_error_clear(&err);
    static const IoOps none = { NULL, NULL, 1 };
    T_CHECK(t, !iobus_register(bus, "none", 0x70, 1, &none, &p, &err));
    T_CONTAINS(t, err.msg, "none");
    iobus_free(bus);
}

static void test_many_claims(TestCtx *t)
{
    /* Claim slots are reused after unregistering, so a long life of remaps does not run out. */
    AmberError err = { 0 };
    IoBus *bus = iobus_new(NULL, &err);
    Probe p = { 0 };
    bool ok = true;
    for (unsigned i = 0; i < 100000 && ok; i++) {
        ok = iobus_register(bus, "bar", (uint16_t)(0x1000 + (i % 16) * 16), 16, &ops8, &p, &err);
        iobus_unregister(bus, (uint16_t)(0x1000 + (i % 16) * 16), 16);
    }
    T_CHECK(t, ok);
    T_CHECK(t, !err.set);
    iobus_free(bus);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_claims);
    T_RUN(&t, test_widths);
    T_RUN(&t, test_unclaimed);
    T_RUN(&t, test_many_claims);
    return t_finish(&t);
}
