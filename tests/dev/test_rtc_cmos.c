/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MC146818A: update cycle timing, UIP, periodic rates, alarm, BCD/binary, 12h, CMOS checksum. */
#include "chipset/rtc_cmos.h"
#include "devtest.h"

#define MS INT64_C(1000000)
#define US INT64_C(1000)

typedef struct Rig {
    Machine *m;
    Device *rtc;
    Probe irq8;
} Rig;

static void rig_init(TestCtx *t, Rig *r, const char *epoch)
{
    r->m = dt_machine(t);
    r->rtc = dt_add(t, r->m, &rtc_cmos_class, "rtc");
    if (epoch) {
        dt_prop(t, r->rtc, "epoch", epoch);
    }
    dt_realize(t, r->m);
    probe_attach(t, r->rtc, 0, &r->irq8);
}

static uint8_t rd(Rig *r, uint8_t idx)
{
    outb(r->m, 0x70, idx);
    return inb(r->m, 0x71);
}

static void wr(Rig *r, uint8_t idx, uint8_t v)
{
    outb(r->m, 0x70, idx);
    outb(r->m, 0x71, v);
}

static void test_time_and_update(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, NULL);
    T_EQ(t, rd(&r, 0x00), 0x00);
    T_EQ(t, rd(&r, 0x04), 0x00);
    T_EQ(t, rd(&r, 0x06), 7); /* 2000-01-01 was a Saturday */
    T_EQ(t, rd(&r, 0x07), 0x01);
    T_EQ(t, rd(&r, 0x08), 0x01);
    T_EQ(t, rd(&r, 0x09), 0x00);
    T_EQ(t, rd(&r, 0x32), 0x20);
    T_EQ(t, rd(&r, 0x0A), 0x26);
    T_EQ(t, rd(&r, 0x0B), 0x02);
    T_EQ(t, rd(&r, 0x0D), 0x80);
    /* UIP: set 244 us before the update at t = 1 s. */
    machine_run_until(r.m, 1000 * MS - 245 * US);
    T_EQ(t, rd(&r, 0x0A) & 0x80, 0);
    T_EQ(t, rd(&r, 0x00), 0x00);
    machine_run_until(r.m, 1000 * MS - 243 * US);
    T_EQ(t, rd(&r, 0x0A) & 0x80, 0x80);
    machine_run_until(r.m, 1000 * MS - 1);
    T_EQ(t, rd(&r, 0x00), 0x00);
    machine_run_until(r.m, 1000 * MS);
    T_EQ(t, rd(&r, 0x00), 0x01);
    T_EQ(t, rd(&r, 0x0A) & 0x80, 0);
    machine_run_until(r.m, 61000 * MS);
    T_EQ(t, rd(&r, 0x00), 0x01);
    T_EQ(t, rd(&r, 0x02), 0x01);
    /* Update-ended interrupt at each second; reading C clears it. */
    rd(&r, 0x0C);
    wr(&r, 0x0B, 0x12);
    machine_run_until(r.m, 61999 * MS);
    T_EQ(t, r.irq8.level, 0);
    machine_run_until(r.m, 62000 * MS);
    T_EQ(t, r.irq8.level, 1);
    T_EQ(t, r.irq8.edge_time[0], 62000 * MS);
    T_EQ(t, rd(&r, 0x0C) & 0xB0, 0x90); /* PF runs too (rate 6), without PIE */
    T_EQ(t, r.irq8.level, 0);
    T_EQ(t, rd(&r, 0x0C), 0x00);
    machine_free(r.m);
}

static void test_epoch_calendar(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, "1999-12-31T23:59:58");
    T_EQ(t, rd(&r, 0x09), 0x99);
    T_EQ(t, rd(&r, 0x06), 6); /* Friday */
    machine_run_until(r.m, 2000 * MS);
    T_EQ(t, rd(&r, 0x00), 0x00);
    T_EQ(t, rd(&r, 0x02), 0x00);
    T_EQ(t, rd(&r, 0x04), 0x00);
    T_EQ(t, rd(&r, 0x07), 0x01);
    T_EQ(t, rd(&r, 0x08), 0x01);
    T_EQ(t, rd(&r, 0x09), 0x00);
    T_EQ(t, rd(&r, 0x06), 7);
    /* Leap day in binary mode. */
    wr(&r, 0x0B, 0x86); /* SET, binary, 24h */
    wr(&r, 0x00, 59);
    wr(&r, 0x02, 59);
    wr(&r, 0x04, 23);
    wr(&r, 0x07, 28);
    wr(&r, 0x08, 2);
    wr(&r, 0x09, 4);
    machine_run_until(r.m, 3000 * MS);
    T_EQ(t, rd(&r, 0x00), 59); /* SET inhibits updates */
    wr(&r, 0x0B, 0x06);
    machine_run_until(r.m, 4000 * MS);
    T_EQ(t, rd(&r, 0x07), 29);
    T_EQ(t, rd(&r, 0x08), 2);
    T_EQ(t, rd(&r, 0x04), 0);
    /* 12-hour BCD: 11:59:59 AM -> 12:00:00 PM. */
    wr(&r, 0x0B, 0x80);
    wr(&r, 0x04, 0x11);
    wr(&r, 0x02, 0x59);
    wr(&r, 0x00, 0x59);
    wr(&r, 0x0B, 0x00);
    machine_run_until(r.m, 5000 * MS);
    T_EQ(t, rd(&r, 0x04), 0x92);
    T_EQ(t, rd(&r, 0x00), 0x00);
    machine_free(r.m);
    /* A bad epoch is a clear error. */
    Machine *m = dt_machine(t);
    Device *d = dt_add(t, m, &rtc_cmos_class, "rtc");
    AmberError err = {0};
    device_set_prop(d, "epoch", "2000-13-01T00:00:00", NULL, &err);
    T_CHECK(t, !machine_realize(m, &err));
    T_CONTAINS(t, err.msg, "epoch");
    machine_free(m);
    /* time=host: the host's date, then guest time. */
    m = dt_machine(t);
    d = dt_add(t, m, &rtc_cmos_class, "rtc");
    dt_prop(t, d, "time", "host");
    dt_realize(t, m);
    T_EQ(t, rtc_cmos_get_byte(d, 0x32), 0x20);
    uint8_t mon = rtc_cmos_get_byte(d, 0x08);
    T_CHECK(t, mon >= 0x01 && mon <= 0x12);
    machine_free(m);
}

static void test_periodic(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, NULL);
    wr(&r, 0x0A, 0x2F); /* 500 ms */
    wr(&r, 0x0B, 0x42);
    machine_run_until(r.m, 499 * MS);
    T_EQ(t, r.irq8.level, 0);
    machine_run_until(r.m, 500 * MS);
    T_EQ(t, r.irq8.level, 1);
    T_EQ(t, rd(&r, 0x0C), 0xC0);
    machine_run_until(r.m, 1000 * MS);
    T_EQ(t, r.irq8.rises, 2);
    T_EQ(t, r.irq8.edge_time[2], 1000 * MS);
    rd(&r, 0x0C);
    /* 1024 Hz: count interrupts over 100 ms, acknowledging each. */
    wr(&r, 0x0A, 0x26);
    probe_clear(&r.irq8);
    unsigned n = 0;
    int64_t start = dt_now(r.m);
    while (dt_now(r.m) < start + 100 * MS) {
        dt_step(r.m, 100 * US);
        if (r.irq8.level) {
            T_EQ(t, rd(&r, 0x0C) & 0xC0, 0xC0);
            n++;
        }
    }
    T_CHECK(t, n >= 101 && n <= 103);
    /* PF is set even with PIE off, without an interrupt. */
    wr(&r, 0x0B, 0x02);
    rd(&r, 0x0C);
    probe_clear(&r.irq8);
    dt_step(r.m, 2 * MS);
    T_EQ(t, r.irq8.rises, 0);
    T_EQ(t, rd(&r, 0x0C), 0x40);
    T_EQ(t, rd(&r, 0x0C), 0x00);
    machine_free(r.m);
}

static void test_alarm_and_divider(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, NULL);
    wr(&r, 0x01, 0x05);
    wr(&r, 0x03, 0xC0);
    wr(&r, 0x05, 0xFF);
    wr(&r, 0x0B, 0x22);
    machine_run_until(r.m, 4999 * MS);
    T_EQ(t, r.irq8.level, 0);
    machine_run_until(r.m, 5000 * MS);
    T_EQ(t, r.irq8.level, 1);
    T_EQ(t, rd(&r, 0x0C) & 0xB0, 0xB0); /* IRQF, AF, UF */
    /* Divider reset stops updates; leaving it makes the first update 500 ms later. */
    wr(&r, 0x0A, 0x76);
    machine_run_until(r.m, 8000 * MS);
    T_EQ(t, rd(&r, 0x00), 0x05);
    T_EQ(t, rd(&r, 0x0A) & 0x80, 0);
    wr(&r, 0x0A, 0x26);
    machine_run_until(r.m, 8499 * MS);
    T_EQ(t, rd(&r, 0x00), 0x05);
    machine_run_until(r.m, 8500 * MS);
    T_EQ(t, rd(&r, 0x00), 0x06);
    machine_free(r.m);
}

static void test_cmos(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, NULL);
    outb(r.m, 0x70, 0x8F); /* NMI off, index 0x0F */
    outb(r.m, 0x71, 0x55);
    T_CHECK(t, rtc_cmos_nmi_masked(r.rtc));
    T_EQ(t, rd(&r, 0x0F), 0x55);
    T_CHECK(t, !rtc_cmos_nmi_masked(r.rtc));
    rtc_cmos_set_byte(r.rtc, 0x10, 0x40);
    rtc_cmos_set_byte(r.rtc, 0x15, 0x80);
    rtc_cmos_set_byte(r.rtc, 0x16, 0x02);
    rtc_cmos_set_byte(r.rtc, 0x2D, 0xFF);
    rtc_cmos_fix_checksum(r.rtc);
    T_EQ(t, rd(&r, 0x2E), 0x01); /* 0x40 + 0x80 + 0x02 + 0xFF = 0x1C1 */
    T_EQ(t, rd(&r, 0x2F), 0xC1);
    T_EQ(t, rtc_cmos_get_byte(r.rtc, 0x10), 0x40);
    T_EQ(t, rd(&r, 0x7F), 0x00);
    wr(&r, 0xFF, 0x12); /* index & 0x7F */
    T_EQ(t, rd(&r, 0x7F), 0x12);
    /* CMOS RAM survives a reset; interrupt enables do not. */
    wr(&r, 0x0B, 0x72);
    machine_reset(r.m, RESET_COLD);
    T_EQ(t, rd(&r, 0x7F), 0x12);
    T_EQ(t, rd(&r, 0x0B), 0x02);
    machine_free(r.m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_time_and_update);
    T_RUN(&t, test_epoch_calendar);
    T_RUN(&t, test_periodic);
    T_RUN(&t, test_alarm_and_divider);
    T_RUN(&t, test_cmos);
    return t_finish(&t);
}
