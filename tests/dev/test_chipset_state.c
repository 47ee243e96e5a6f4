/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Save-state completeness of the chipset devices: a machine saved mid-activity (timers counting,
 * UART sending and receiving, typematic repeat, RTC interrupts), loaded into a fresh machine and
 * run on must behave exactly like the original run on. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chipset/dma8237.h"
#include "chipset/fdc82077.h"
#include "chipset/ide.h"
#include "chipset/kbc8042.h"
#include "chipset/lapic.h"
#include "chipset/pic8259.h"
#include "chipset/pit8254.h"
#include "chipset/ps2kbd.h"
#include "chipset/ps2mouse.h"
#include "chipset/rtc_cmos.h"
#include "chipset/uart16550.h"
#include "core/savestate.h"
#include "devtest.h"

#define MS INT64_C(1000000)

typedef struct Sink {
    Machine *m;
    unsigned n;
    uint8_t bytes[64];
    int64_t when[64];
} Sink;

static void sink_tx(void *opaque, uint8_t b)
{
    Sink *k = opaque;
    if (k->n < 64) {
        k->bytes[k->n] = b;
        k->when[k->n] = clock_now(k->m->clock);
        k->n++;
    }
}

typedef struct Pc {
    Machine *m;
    Device *pic, *pit, *rtc, *kbc, *kbd, *uart, *dma;
    Probe intr;
    Probe irq0;
    Sink sink;
} Pc;

static void pc_build(TestCtx *t, Pc *p)
{
    AmberError err = {0};
    p->m = dt_machine(t);
    p->pic = dt_add(t, p->m, &pic8259_class, "pic");
    p->pit = dt_add(t, p->m, &pit8254_class, "pit");
    p->rtc = dt_add(t, p->m, &rtc_cmos_class, "rtc");
    p->kbc = dt_add(t, p->m, &kbc8042_class, "kbc");
    p->kbd = dt_add(t, p->m, &ps2kbd_class, "kbd");
    p->uart = dt_add(t, p->m, &uart16550_class, "com1");
    p->dma = dt_add(t, p->m, &dma8237_class, "dma");
    T_CHECK(t, device_connect_irq(p->rtc, 0, p->pic, 8, &err));
    T_CHECK(t, device_connect_irq(p->kbc, 0, p->pic, 1, &err));
    T_CHECK(t, device_connect_irq(p->uart, 0, p->pic, 4, &err));
    probe_attach(t, p->pic, 0, &p->intr);
    probe_attach(t, p->pit, 0, &p->irq0);
    T_CHECK(t, membus_map_ram(p->m->mem, "ram", 0, 1u << 20, &err) != NULL);
    dt_realize(t, p->m);
    ps2kbd_attach(p->kbd, kbc8042_port(p->kbc, 0));
    memset(&p->sink, 0, sizeof p->sink);
    p->sink.m = p->m;
    uart16550_set_backend(p->uart, sink_tx, &p->sink);
}

static void pc_program(Pc *p)
{
    Machine *m = p->m;
    outb(m, 0x20, 0x11);
    outb(m, 0x21, 0x08);
    outb(m, 0x21, 0x04);
    outb(m, 0x21, 0x01);
    outb(m, 0xA0, 0x11);
    outb(m, 0xA1, 0x70);
    outb(m, 0xA1, 0x02);
    outb(m, 0xA1, 0x01);
    outb(m, 0x21, 0x00);
    outb(m, 0xA1, 0x00);
    outb(m, 0x43, 0x34);
    outb(m, 0x40, 0xE8);
    outb(m, 0x40, 0x03); /* 1000 clocks */
    outb(m, 0x43, 0xB6);
    outb(m, 0x42, 0x33);
    outb(m, 0x42, 0x01);
    outb(m, 0x61, 0x03);
    outb(m, 0x70, 0x0A);
    outb(m, 0x71, 0x2A);
    outb(m, 0x70, 0x0B);
    outb(m, 0x71, 0x52); /* PIE + UIE */
    outb(m, 0x64, 0x60);
    outb(m, 0x60, 0x61);
    outb(m, 0x60, 0xF3);
    outb(m, 0x60, 0x00);
    outb(m, 0x3FB, 0x80);
    outb(m, 0x3F8, 12);
    outb(m, 0x3F9, 0);
    outb(m, 0x3FB, 0x03);
    outb(m, 0x3FA, 0x87);
    outb(m, 0x3FC, 0x0B);
    outb(m, 0x3F9, 0x03);
    for (int i = 0; i < 10; i++) {
        outb(m, 0x3F8, (uint8_t)('0' + i));
    }
    uart16550_receive(p->uart, (const uint8_t *)"input", 5);
    outb(m, 0x0A, 0x06);
    outb(m, 0x0C, 0);
    outb(m, 0x04, 0x34);
    outb(m, 0x04, 0x12);
    outb(m, 0x05, 0xFF);
    outb(m, 0x05, 0x01);
    outb(m, 0x0B, 0x56);
    outb(m, 0x81, 0x02);
}

/* What a CPU would do meanwhile: acknowledge and end interrupts, read the devices. */
static void pc_service(Pc *p, int64_t until)
{
    while (dt_now(p->m) < until) {
        dt_step(p->m, MS / 4);
        while (p->intr.level) {
            uint8_t vec = pic8259_inta(p->pic);
            if (vec == 0x70) {
                outb(p->m, 0x70, 0x0C);
                inb(p->m, 0x71);
            } else if (vec == 0x09) {
                inb(p->m, 0x60);
            } else if (vec == 0x0C) {
                inb(p->m, 0x3FA);
                while (inb(p->m, 0x3FD) & 1) {
                    inb(p->m, 0x3F8);
                }
            }
            if (vec >= 0x70) {
                outb(p->m, 0xA0, 0x20);
            }
            outb(p->m, 0x20, 0x20);
        }
    }
}

static void test_save_load_continue(TestCtx *t)
{
    char path[] = "/tmp/amber-chipset-state-XXXXXX";
    int fd = mkstemp(path);
    T_CHECK(t, fd >= 0);
    close(fd);

    Pc a;
    pc_build(t, &a);
    pc_program(&a);
    ps2kbd_key_event(a.kbd, 0x1E, true);
    pc_service(&a, 3 * MS + MS / 2);
    dt_save(t, a.m, path);
    unsigned sent_before = a.sink.n;
    probe_clear(&a.irq0);
    probe_clear(&a.intr);

    Pc b;
    pc_build(t, &b);
    dt_load(t, b.m, path);
    T_EQ(t, dt_now(b.m), dt_now(a.m));
    T_EQ(t, machine_state_hash(b.m), machine_state_hash(a.m));
    b.sink.n = sent_before;
    probe_clear(&b.irq0);
    T_EQ(t, b.intr.level, a.intr.level); /* post_load re-drove the outputs */
    T_EQ(t, b.irq0.level, a.irq0.level);

    pc_service(&a, 1200 * MS);
    pc_service(&b, 1200 * MS);
    T_EQ(t, machine_state_hash(b.m), machine_state_hash(a.m));
    T_EQ(t, a.sink.n, 10);
    T_EQ(t, b.sink.n, a.sink.n);
    for (unsigned i = sent_before; i < a.sink.n; i++) {
        T_EQ(t, b.sink.bytes[i], a.sink.bytes[i]);
        T_EQ(t, b.sink.when[i], a.sink.when[i]);
    }
    T_CHECK(t, a.irq0.rises > 1000);
    T_EQ(t, b.irq0.rises, a.irq0.rises);
    T_EQ(t, b.irq0.edge_time[100], a.irq0.edge_time[100]);
    outb(a.m, 0x43, 0x00);
    outb(b.m, 0x43, 0x00);
    T_EQ(t, inb(b.m, 0x40), inb(a.m, 0x40));
    outb(a.m, 0x70, 0x00);
    outb(b.m, 0x70, 0x00);
    T_EQ(t, inb(b.m, 0x71), inb(a.m, 0x71));
    T_EQ(t, inb(a.m, 0x71), 0x01); /* one second has passed */
    machine_free(a.m);
    machine_free(b.m);
    unlink(path);
}

/* A save-state file whose ring positions, port or drive numbers lie outside the arrays they index
 * is refused by post_load with a message naming the device, instead of reading or writing
 * outside the device's buffers later. A sane value for the same field is accepted. */
static void test_load_rejects_bad_positions(TestCtx *t)
{
    static const struct {
        const DeviceClass *cls;
        const char *field;
        unsigned good, bad;
    } cases[] = {
        { &uart16550_class, "rx_head", 15, 16 },   { &uart16550_class, "rx_count", 16, 17 },
        { &uart16550_class, "tx_head", 3, 200 },   { &uart16550_class, "tx_count", 0, 255 },
        { &uart16550_class, "line_head", 255, 256 }, { &uart16550_class, "line_count", 256, 257 },
        { &ps2kbd_class, "queue_head", 15, 16 },   { &ps2kbd_class, "queue_count", 16, 17 },
        { &ps2mouse_class, "queue_head", 0, 255 }, { &ps2mouse_class, "queue_count", 1, 200 },
        { &kbc8042_class, "xfer_port", 1, 2 },
        { &fdc82077_class, "drive", 3, 4 },        { &fdc82077_class, "res_pos", 0, 11 },
        { &fdc82077_class, "cmd_pos", 0, 200 },
        { &pit8254_class, "mode", 5, 6 },          { &pit8254_class, "n", 65536, 0 },
        { &lapic_class, "timer_running", 0, 1 }, /* with the reset initial count of 0 */
        { &ide_class, "u0.block", 16, 17 },        { &ide_class, "u1.block", 0, 4096 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Machine *m = dt_machine(t);
        Device *d = dt_add(t, m, cases[i].cls, "dut");
        dt_realize(t, m);
        AmberError err = {0};
        T_CHECK(t, dt_poke_post_load(t, d, cases[i].field, cases[i].good, &err));
        T_CHECK(t, !dt_poke_post_load(t, d, cases[i].field, cases[i].bad, &err));
        T_CONTAINS(t, err.msg, "dut: inconsistent");
        machine_free(m);
    }
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_save_load_continue);
    T_RUN(&t, test_load_rejects_bad_positions);
    return t_finish(&t);
}
