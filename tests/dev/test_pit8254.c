/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 8254: modes 0-5 counts and outputs at exact guest times, latch, read-back, BCD, port 0x61. */
#include "chipset/pit8254.h"
#include "devtest.h"

/* Time of input clock tick k, computed independently: k * 88000 / 105 ns, rounded up. */
static int64_t tick_ns(int64_t k)
{
    return (k * 88000 + 104) / 105;
}

typedef struct Rig {
    Machine *m;
    Device *pit;
    Probe irq0;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    r->m = dt_machine(t);
    r->pit = dt_add(t, r->m, &pit8254_class, "pit");
    dt_realize(t, r->m);
    probe_attach(t, r->pit, 0, &r->irq0);
}

static uint16_t read_latched(Machine *m, unsigned ch)
{
    outb(m, 0x43, (uint8_t)(ch << 6));
    uint8_t lo = inb(m, (uint16_t)(0x40 + ch));
    uint8_t hi = inb(m, (uint16_t)(0x40 + ch));
    return (uint16_t)(lo | hi << 8);
}

static void test_mode2_irq_times(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x43, 0x34); /* ch0, lo/hi, mode 2 */
    outb(r.m, 0x40, 100);
    outb(r.m, 0x40, 0);
    /* Loaded at tick 1; OUT low at count 1 (tick 100), high again at tick 101, period 100. */
    machine_run_until(r.m, tick_ns(1000));
    T_CHECK(t, r.irq0.n_edges >= 20);
    T_EQ(t, r.irq0.edge_level[0], 1); /* OUT high right after the mode write */
    T_EQ(t, r.irq0.edge_time[0], 0);
    T_EQ(t, r.irq0.edge_level[1], 0);
    T_EQ(t, r.irq0.edge_time[1], tick_ns(100));
    T_EQ(t, r.irq0.edge_time[2], tick_ns(101));
    T_EQ(t, r.irq0.edge_time[3], tick_ns(200));
    T_EQ(t, r.irq0.edge_time[4], tick_ns(201));
    T_EQ(t, r.irq0.rises, 10); /* 0, 101, 201, ..., 901 */
    /* Counter value: at tick 150, 50 clocks into the second period (count 100 - 50). */
    machine_run_until(r.m, tick_ns(1050));
    T_EQ(t, read_latched(r.m, 0), 51); /* 49 clocks into the period from tick 1001 */
    /* A new count takes effect at the end of the period. */
    outb(r.m, 0x40, 10);
    outb(r.m, 0x40, 0);
    probe_clear(&r.irq0);
    machine_run_until(r.m, tick_ns(1130));
    T_EQ(t, r.irq0.edge_time[0], tick_ns(1100));
    T_EQ(t, r.irq0.edge_time[1], tick_ns(1101)); /* old period ends; new count loaded */
    T_EQ(t, r.irq0.edge_time[2], tick_ns(1110));
    T_EQ(t, r.irq0.edge_time[3], tick_ns(1111));
    machine_free(r.m);
}

static void test_mode3_square(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x43, 0x36);
    outb(r.m, 0x40, 0xE8);
    outb(r.m, 0x40, 0x03); /* 1000 */
    machine_run_until(r.m, tick_ns(3000));
    T_EQ(t, r.irq0.edge_time[1], tick_ns(501)); /* high 500 clocks from the load at tick 1 */
    T_EQ(t, r.irq0.edge_time[2], tick_ns(1001));
    T_EQ(t, r.irq0.edge_time[3], tick_ns(1501));
    /* Odd count: high (n+1)/2, low (n-1)/2. */
    outb(r.m, 0x43, 0x36);
    outb(r.m, 0x40, 5);
    outb(r.m, 0x40, 0);
    probe_clear(&r.irq0);
    int64_t k0 = 3000;
    machine_run_until(r.m, tick_ns(k0 + 20));
    T_EQ(t, r.irq0.edge_time[0], tick_ns(k0 + 1 + 3));
    T_EQ(t, r.irq0.edge_time[1], tick_ns(k0 + 1 + 5));
    T_EQ(t, r.irq0.edge_time[2], tick_ns(k0 + 1 + 8));
    /* The count decrements by two: odd 5 reads 4, 2, 0 high, then 4, 2 low. */
    machine_run_until(r.m, tick_ns(k0 + 1 + 5 * 10 + 1));
    T_EQ(t, read_latched(r.m, 0), 2);
    machine_free(r.m);

    /* A new count written in the high half takes over at the end of that half cycle. */
    rig_init(t, &r);
    outb(r.m, 0x43, 0x36);
    outb(r.m, 0x40, 0xE8);
    outb(r.m, 0x40, 0x03); /* 1000: high ticks 1-500, low 501-1000 */
    machine_run_until(r.m, tick_ns(200));
    outb(r.m, 0x40, 100);
    outb(r.m, 0x40, 0);
    probe_clear(&r.irq0);
    machine_run_until(r.m, tick_ns(800));
    T_EQ(t, r.irq0.edge_time[0], tick_ns(501)); /* low: the old half ended */
    T_EQ(t, r.irq0.edge_time[1], tick_ns(551)); /* new count: 50 low, then 50 high */
    T_EQ(t, r.irq0.edge_time[2], tick_ns(601));
    T_EQ(t, r.irq0.edge_time[3], tick_ns(651));
    machine_free(r.m);
}

static void test_mode0_and_latch(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x43, 0x30); /* ch0 mode 0 */
    T_EQ(t, r.irq0.level, 0);
    outb(r.m, 0x40, 0x50);
    outb(r.m, 0x40, 0x00); /* 80 */
    machine_run_until(r.m, tick_ns(31));
    T_EQ(t, read_latched(r.m, 0), 50); /* loaded at tick 1, 30 clocks later */
    /* A latch holds while time moves on. */
    outb(r.m, 0x43, 0x00);
    machine_run_until(r.m, tick_ns(41));
    T_EQ(t, inb(r.m, 0x40), 50);
    T_EQ(t, inb(r.m, 0x40), 0);
    T_EQ(t, read_latched(r.m, 0), 40);
    machine_run_until(r.m, tick_ns(200));
    T_EQ(t, r.irq0.rises, 1);
    T_EQ(t, r.irq0.edge_time[0], tick_ns(81));
    /* The counter wraps after terminal count; OUT stays high. */
    T_EQ(t, read_latched(r.m, 0), 0x10000 - 119);
    /* Writing the LSB of a new count stops it and drops OUT. */
    outb(r.m, 0x40, 10);
    T_EQ(t, r.irq0.level, 0);
    outb(r.m, 0x40, 0);
    machine_run_until(r.m, tick_ns(300));
    T_EQ(t, r.irq0.rises, 2);
    machine_free(r.m);
}

static void test_readback_bcd(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x43, 0xB1); /* ch2, lo/hi, mode 0, BCD */
    outb(r.m, 0x42, 0x00);
    outb(r.m, 0x42, 0x01); /* BCD 100 */
    outb(r.m, 0x61, 0x01); /* gate 2 high */
    /* Read-back status before the load: null count. */
    outb(r.m, 0x43, 0xE8); /* status only, ch2 */
    T_EQ(t, inb(r.m, 0x42), 0x71);
    dt_step(r.m, tick_ns(31));
    outb(r.m, 0x43, 0xD8); /* count + status... bit 4 = 1: count only */
    uint8_t lo = inb(r.m, 0x42), hi = inb(r.m, 0x42);
    T_CHECK(t, ((hi << 8) | lo) <= 0x0071 && ((hi << 8) | lo) >= 0x0069);
    outb(r.m, 0x43, 0xC8); /* status and count */
    T_EQ(t, inb(r.m, 0x42), 0x31); /* OUT low, count loaded, lo/hi, mode 0, BCD */
    lo = inb(r.m, 0x42);
    hi = inb(r.m, 0x42);
    T_EQ(t, hi, 0x00);
    T_CHECK(t, (lo & 0x0F) <= 9);
    /* OUT2 on port 0x61 bit 5 once the count ends. */
    T_EQ(t, inb(r.m, 0x61) & 0x20, 0);
    dt_step(r.m, tick_ns(100));
    T_EQ(t, inb(r.m, 0x61) & 0x21, 0x21);
    /* The BCD counter wraps to 9999. */
    uint16_t w = read_latched(r.m, 2);
    T_EQ(t, w >> 8, 0x99);
    T_CHECK(t, (w & 0x0F) <= 9 && ((w >> 4) & 0x0F) <= 9);
    machine_free(r.m);
}

static void test_gate_modes(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    /* Mode 1 on ch2: OUT high until the gate triggers, then low for the count. */
    outb(r.m, 0x43, 0xB2);
    outb(r.m, 0x42, 20);
    outb(r.m, 0x42, 0);
    dt_step(r.m, 10000);
    T_EQ(t, (inb(r.m, 0x61) >> 5) & 1, 1);
    int64_t k = (dt_now(r.m) * 105) / 88000;
    outb(r.m, 0x61, 0x01); /* trigger */
    machine_run_until(r.m, tick_ns(k + 2));
    T_EQ(t, (inb(r.m, 0x61) >> 5) & 1, 0);
    machine_run_until(r.m, tick_ns(k + 20));
    T_EQ(t, (inb(r.m, 0x61) >> 5) & 1, 0);
    machine_run_until(r.m, tick_ns(k + 21));
    T_EQ(t, (inb(r.m, 0x61) >> 5) & 1, 1);
    /* Mode 0 pauses while the gate is low. */
    outb(r.m, 0x61, 0x00);
    outb(r.m, 0x43, 0xB0);
    outb(r.m, 0x42, 50);
    outb(r.m, 0x42, 0);
    dt_step(r.m, tick_ns(100));
    T_EQ(t, read_latched(r.m, 2), 50);
    k = (dt_now(r.m) * 105) / 88000;
    outb(r.m, 0x61, 0x01);
    machine_run_until(r.m, tick_ns(k + 10));
    T_EQ(t, read_latched(r.m, 2), 40);
    outb(r.m, 0x61, 0x00);
    dt_step(r.m, tick_ns(100));
    T_EQ(t, read_latched(r.m, 2), 40);
    /* Mode 4: one low clock at terminal count. */
    outb(r.m, 0x43, 0x38);
    outb(r.m, 0x40, 10);
    probe_clear(&r.irq0);
    int64_t k0 = (dt_now(r.m) * 105) / 88000;
    outb(r.m, 0x40, 0);
    machine_run_until(r.m, tick_ns(k0 + 100));
    T_EQ(t, r.irq0.falls, 1);
    T_EQ(t, r.irq0.edge_time[0], tick_ns(k0 + 11));
    T_EQ(t, r.irq0.edge_time[1], tick_ns(k0 + 12));
    /* Mode 5 on ch2: strobe after the gate trigger. */
    outb(r.m, 0x43, 0xBA);
    outb(r.m, 0x42, 5);
    outb(r.m, 0x42, 0);
    k = (dt_now(r.m) * 105) / 88000;
    outb(r.m, 0x61, 0x01);
    machine_run_until(r.m, tick_ns(k + 6));
    T_EQ(t, (inb(r.m, 0x61) >> 5) & 1, 0);
    machine_run_until(r.m, tick_ns(k + 7));
    T_EQ(t, (inb(r.m, 0x61) >> 5) & 1, 1);
    machine_free(r.m);
}

static void test_refresh_toggle(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    unsigned toggles = 0;
    uint8_t last = inb(r.m, 0x61) & 0x10;
    for (int i = 0; i < 100; i++) {
        dt_step(r.m, 5000);
        uint8_t v = inb(r.m, 0x61) & 0x10;
        toggles += v != last;
        last = v;
    }
    /* 500 us at one toggle per 15.09 us. */
    T_CHECK(t, toggles >= 30 && toggles <= 34);
    outb(r.m, 0x61, 0x03);
    T_EQ(t, inb(r.m, 0x61) & 0x0F, 0x03);
    T_EQ(t, pit8254_speaker_bits(r.pit), 3);
    machine_free(r.m);
}

static void test_speaker_line(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Probe spk;
    probe_attach(t, r.pit, 1, &spk);
    Event *ev = clock_event_find(r.m->clock, "pit.speaker");
    T_CHECK(t, ev != NULL);
    outb(r.m, 0x43, 0xB6); /* ch2 mode 3 */
    outb(r.m, 0x42, 100);
    outb(r.m, 0x42, 0);
    outb(r.m, 0x61, 0x01); /* gate on, speaker off */
    dt_step(r.m, tick_ns(1000));
    T_EQ(t, spk.n_edges, 0);
    T_CHECK(t, !clock_event_pending(ev)); /* no events while silent */
    int64_t k = (dt_now(r.m) * 105) / 88000;
    outb(r.m, 0x61, 0x03);
    dt_step(r.m, tick_ns(300));
    /* Gate rose at tick 0 (load at tick 1): OUT2 toggles every 50 clocks from tick 51. */
    T_CHECK(t, spk.n_edges >= 5);
    for (unsigned i = 1; i < spk.n_edges; i++) {
        T_EQ(t, spk.edge_time[i] - spk.edge_time[i - 1] <= tick_ns(50) + 1, 1);
        T_EQ(t, (spk.edge_time[i] * 105 / 88000 - 1) % 50, 0); /* edges at ticks 1 + 50n */
    }
    T_CHECK(t, spk.edge_time[0] >= tick_ns(k));
    outb(r.m, 0x61, 0x01);
    T_EQ(t, spk.level, 0);
    T_CHECK(t, !clock_event_pending(ev));
    machine_free(r.m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_mode2_irq_times);
    T_RUN(&t, test_mode3_square);
    T_RUN(&t, test_mode0_and_latch);
    T_RUN(&t, test_readback_bcd);
    T_RUN(&t, test_gate_modes);
    T_RUN(&t, test_refresh_toggle);
    T_RUN(&t, test_speaker_line);
    return t_finish(&t);
}
