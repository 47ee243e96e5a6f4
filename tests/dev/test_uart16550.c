/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 16550A: detection, loopback, FIFO and trigger levels, IIR priorities, char timeout, baud
 * timing on guest time, THRE interrupt, OUT2 gate, modem status. */
#include "chipset/uart16550.h"
#include "devtest.h"

#define COM1 0x3F8
#define US INT64_C(1000)

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

typedef struct Rig {
    Machine *m;
    Device *uart;
    Probe irq;
    Sink sink;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    r->m = dt_machine(t);
    r->uart = dt_add(t, r->m, &uart16550_class, "com1");
    dt_realize(t, r->m);
    probe_attach(t, r->uart, 0, &r->irq);
    memset(&r->sink, 0, sizeof r->sink);
    r->sink.m = r->m;
    uart16550_set_backend(r->uart, sink_tx, &r->sink);
}

static void set_baud(Rig *r, uint16_t div, uint8_t lcr)
{
    outb(r->m, COM1 + 3, 0x80);
    outb(r->m, COM1 + 0, (uint8_t)div);
    outb(r->m, COM1 + 1, (uint8_t)(div >> 8));
    outb(r->m, COM1 + 3, lcr);
}

static void test_detect_and_thre(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    T_EQ(t, uart16550_irq_number(r.uart), 4);
    T_EQ(t, inb(r.m, COM1 + 5), 0x60);
    T_EQ(t, inb(r.m, COM1 + 2), 0x01);
    /* SeaBIOS's probe (hw/serialio.c): IER reads back 0x02 and IIR then reports THRE. */
    outb(r.m, COM1 + 1, 0x02);
    T_EQ(t, inb(r.m, COM1 + 1), 0x02);
    T_EQ(t, r.irq.level, 0); /* OUT2 off: the line is gated */
    outb(r.m, COM1 + 4, 0x08);
    T_EQ(t, r.irq.level, 1);
    T_EQ(t, inb(r.m, COM1 + 2) & 0x3F, 0x02);
    T_EQ(t, r.irq.level, 0); /* reading IIR cleared it */
    T_EQ(t, inb(r.m, COM1 + 2) & 0x3F, 0x01);
    /* Writing THR: the byte moves to the shift register, THR is empty again. */
    set_baud(&r, 1, 0x03);
    outb(r.m, COM1, 'x');
    T_EQ(t, r.irq.level, 1);
    T_EQ(t, inb(r.m, COM1 + 5) & 0x60, 0x20); /* THRE, not TEMT */
    dt_step(r.m, 100 * US);
    T_EQ(t, inb(r.m, COM1 + 5) & 0x60, 0x60);
    T_EQ(t, r.sink.n, 1);
    T_EQ(t, r.sink.bytes[0], 'x');
    /* Scratch register. */
    outb(r.m, COM1 + 7, 0x5A);
    T_EQ(t, inb(r.m, COM1 + 7), 0x5A);
    machine_free(r.m);
}

static void test_baud_timing(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    set_baud(&r, 12, 0x03); /* 9600 8N1: 10 bits = 1041666 ns */
    outb(r.m, COM1 + 2, 0x07);
    int64_t t0 = dt_now(r.m);
    outb(r.m, COM1, 'a');
    outb(r.m, COM1, 'b');
    outb(r.m, COM1, 'c');
    dt_step(r.m, 10000 * US);
    T_EQ(t, r.sink.n, 3);
    T_EQ(t, r.sink.bytes[2], 'c');
    T_EQ(t, r.sink.when[0] - t0, 1041666);
    T_EQ(t, r.sink.when[1] - t0, 2 * 1041666);
    T_EQ(t, r.sink.when[2] - t0, 3 * 1041666);
    /* 7 data bits, parity, 2 stop bits: 11 bits at 115200. */
    set_baud(&r, 1, 0x0E);
    r.sink.n = 0;
    t0 = dt_now(r.m);
    outb(r.m, COM1, 'd');
    dt_step(r.m, 1000 * US);
    T_EQ(t, r.sink.when[0] - t0, 95486);
    machine_free(r.m);
}

static void test_loopback(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    set_baud(&r, 1, 0x03);
    outb(r.m, COM1 + 4, 0x10 | 0x03); /* loop, RTS, DTR */
    uint8_t msr = inb(r.m, COM1 + 6);
    T_EQ(t, msr & 0xF0, 0x30); /* CTS, DSR from RTS, DTR */
    T_EQ(t, msr & 0x0F, 0x08); /* only DCD changed (dropped: OUT2 is off) */
    T_EQ(t, inb(r.m, COM1 + 6) & 0x0F, 0x00);
    outb(r.m, COM1, 0x42);
    T_EQ(t, inb(r.m, COM1 + 5) & 1, 0);
    dt_step(r.m, 100 * US);
    T_EQ(t, inb(r.m, COM1 + 5) & 1, 1);
    T_EQ(t, inb(r.m, COM1), 0x42);
    T_EQ(t, inb(r.m, COM1 + 5) & 1, 0);
    T_EQ(t, r.sink.n, 0); /* nothing left on the wire */
    /* Host input waits while in loopback. */
    uart16550_receive(r.uart, (const uint8_t *)"Z", 1);
    dt_step(r.m, 500 * US);
    T_EQ(t, inb(r.m, COM1 + 5) & 1, 0);
    outb(r.m, COM1 + 4, 0x03);
    dt_step(r.m, 100 * US);
    T_EQ(t, inb(r.m, COM1), 'Z');
    machine_free(r.m);
}

static void test_fifo_and_priorities(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    set_baud(&r, 1, 0x03); /* 86805 ns per character */
    outb(r.m, COM1 + 2, 0x47); /* FIFO on, clear, trigger 4 */
    outb(r.m, COM1 + 4, 0x08);
    outb(r.m, COM1 + 1, 0x05); /* RDA + RLS */
    T_EQ(t, inb(r.m, COM1 + 2), 0xC1);
    uart16550_receive(r.uart, (const uint8_t *)"hello", 5);
    dt_step(r.m, 3 * 86805 + 10 * US);
    T_EQ(t, r.irq.level, 0); /* 3 bytes: below the trigger */
    dt_step(r.m, 86805);
    T_EQ(t, r.irq.level, 1);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC4);
    T_EQ(t, inb(r.m, COM1), 'h');
    T_EQ(t, r.irq.level, 0); /* 3 left */
    /* The fifth byte arrives; then 4 character times of silence give a timeout. */
    dt_step(r.m, 86805);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC4);
    T_EQ(t, inb(r.m, COM1), 'e');
    T_EQ(t, inb(r.m, COM1), 'l');
    T_EQ(t, r.irq.level, 0);
    dt_step(r.m, 4 * 86805 + 10 * US);
    T_EQ(t, r.irq.level, 1);
    T_EQ(t, inb(r.m, COM1 + 2), 0xCC);
    T_EQ(t, inb(r.m, COM1), 'l');
    T_EQ(t, inb(r.m, COM1), 'o');
    T_EQ(t, inb(r.m, COM1 + 2), 0xC1);
    T_EQ(t, inb(r.m, COM1 + 5) & 1, 0);
    /* Overrun: 20 bytes into a 16-byte FIFO. Line status outranks received data. */
    uart16550_receive(r.uart, (const uint8_t *)"0123456789abcdefghij", 20);
    dt_step(r.m, 21 * 86805);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC6);
    T_EQ(t, inb(r.m, COM1 + 5) & 0x03, 0x03);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC4); /* reading LSR cleared OE */
    unsigned n = 0;
    while (inb(r.m, COM1 + 5) & 1) {
        uint8_t b = inb(r.m, COM1);
        if (n == 0) {
            T_EQ(t, b, '0');
        }
        n++;
    }
    T_EQ(t, n, 16);
    /* THRE ranks below received data. */
    outb(r.m, COM1 + 1, 0x07);
    uart16550_receive(r.uart, (const uint8_t *)"abcd", 4);
    dt_step(r.m, 5 * 86805);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC4);
    for (int i = 0; i < 4; i++) {
        inb(r.m, COM1);
    }
    T_EQ(t, inb(r.m, COM1 + 2), 0xC2);
    /* Modem status has the lowest priority. */
    outb(r.m, COM1 + 1, 0x08);
    uart16550_set_modem_inputs(r.uart, false, true, false, true);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC0);
    T_EQ(t, inb(r.m, COM1 + 6), 0xA1);
    T_EQ(t, inb(r.m, COM1 + 2), 0xC1);
    machine_free(r.m);
}

static void test_non_fifo(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    set_baud(&r, 1, 0x03);
    uart16550_receive(r.uart, (const uint8_t *)"ab", 2);
    dt_step(r.m, 3 * 86805);
    /* 16450 mode: the second byte overwrites the first and sets OE. */
    T_EQ(t, inb(r.m, COM1 + 5) & 0x03, 0x03);
    T_EQ(t, inb(r.m, COM1), 'b');
    T_EQ(t, uart16550_rx_space(r.uart), 256);
    machine_free(r.m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_detect_and_thre);
    T_RUN(&t, test_baud_timing);
    T_RUN(&t, test_loopback);
    T_RUN(&t, test_fifo_and_priorities);
    T_RUN(&t, test_non_fifo);
    return t_finish(&t);
}
