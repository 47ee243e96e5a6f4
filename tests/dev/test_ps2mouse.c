/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PS/2 mouse behind the 8042: reset, ID, IntelliMouse sequence, stream and remote packets,
 * status, wrap mode, IRQ 12. */
#include "chipset/kbc8042.h"
#include "chipset/ps2mouse.h"
#include "devtest.h"

typedef struct Rig {
    Machine *m;
    Device *kbc;
    Device *mouse;
    Probe irq12;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    r->m = dt_machine(t);
    r->kbc = dt_add(t, r->m, &kbc8042_class, "kbc");
    r->mouse = dt_add(t, r->m, &ps2mouse_class, "mouse");
    probe_attach(t, r->kbc, 1, &r->irq12);
    dt_realize(t, r->m);
    ps2mouse_attach(r->mouse, kbc8042_port(r->kbc, 1));
}

/* Reads the next byte, checking it came from the auxiliary port; -1 after 20 ms. */
static int rx(TestCtx *t, Rig *r)
{
    for (int i = 0; i < 200; i++) {
        uint8_t st = inb(r->m, 0x64);
        if (st & 1) {
            T_EQ(t, st & 0x20, 0x20);
            return inb(r->m, 0x60);
        }
        dt_step(r->m, 100000);
    }
    return -1;
}

static void aux(Rig *r, uint8_t b)
{
    outb(r->m, 0x64, 0xD4);
    outb(r->m, 0x60, b);
}

static void test_reset_and_id(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    T_EQ(t, rx(t, &r), 0xAA);
    T_EQ(t, rx(t, &r), 0x00);
    outb(r.m, 0x64, 0xA9);
    T_EQ(t, inb(r.m, 0x60), 0x00); /* interface test: a mouse is there */
    aux(&r, 0xFF);
    T_EQ(t, rx(t, &r), 0xFA);
    T_EQ(t, rx(t, &r), 0xAA);
    T_EQ(t, rx(t, &r), 0x00);
    aux(&r, 0xF2);
    T_EQ(t, rx(t, &r), 0xFA);
    T_EQ(t, rx(t, &r), 0x00);
    /* IntelliMouse: 200, 100, 80. */
    static const uint8_t rates[3] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        aux(&r, 0xF3);
        T_EQ(t, rx(t, &r), 0xFA);
        aux(&r, rates[i]);
        T_EQ(t, rx(t, &r), 0xFA);
    }
    aux(&r, 0xF2);
    T_EQ(t, rx(t, &r), 0xFA);
    T_EQ(t, rx(t, &r), 0x03);
    /* Status: stream, disabled, 1:1, resolution 2, rate 80. */
    aux(&r, 0xE9);
    T_EQ(t, rx(t, &r), 0xFA);
    T_EQ(t, rx(t, &r), 0x00);
    T_EQ(t, rx(t, &r), 0x02);
    T_EQ(t, rx(t, &r), 80);
    aux(&r, 0xE8);
    rx(t, &r);
    aux(&r, 0x03);
    T_EQ(t, rx(t, &r), 0xFA);
    aux(&r, 0xE7);
    T_EQ(t, rx(t, &r), 0xFA);
    aux(&r, 0xF4);
    T_EQ(t, rx(t, &r), 0xFA);
    aux(&r, 0xE9);
    rx(t, &r);
    T_EQ(t, rx(t, &r), 0x30);
    T_EQ(t, rx(t, &r), 0x03);
    rx(t, &r);
    /* Wrap mode echoes until 0xEC. */
    aux(&r, 0xEE);
    T_EQ(t, rx(t, &r), 0xFA);
    aux(&r, 0x12);
    T_EQ(t, rx(t, &r), 0x12);
    aux(&r, 0xEC);
    T_EQ(t, rx(t, &r), 0xFA);
    machine_free(r.m);
}

static void test_stream_packets(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    rx(t, &r);
    rx(t, &r);
    outb(r.m, 0x64, 0x60);
    outb(r.m, 0x60, 0x03); /* keyboard and aux interrupts */
    /* Disabled: motion is kept, nothing is sent. */
    ps2mouse_move(r.mouse, 5, 5, 0);
    T_EQ(t, rx(t, &r), -1);
    aux(&r, 0xF6); /* defaults clear the accumulated motion */
    T_EQ(t, rx(t, &r), 0xFA);
    aux(&r, 0xF4);
    T_EQ(t, rx(t, &r), 0xFA);
    probe_clear(&r.irq12);
    ps2mouse_move(r.mouse, 10, -5, 0);
    dt_step(r.m, 2000000);
    T_EQ(t, r.irq12.level, 1);
    T_EQ(t, rx(t, &r), 0x28); /* always-1 bit, Y negative */
    T_EQ(t, rx(t, &r), 10);
    T_EQ(t, rx(t, &r), 0xFB);
    T_EQ(t, rx(t, &r), -1);
    T_EQ(t, r.irq12.rises, 3);
    ps2mouse_buttons(r.mouse, PS2MOUSE_LEFT | PS2MOUSE_MIDDLE);
    T_EQ(t, rx(t, &r), 0x0D);
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0);
    /* Large motion: split, with the overflow bit on the clamped packet. */
    ps2mouse_move(r.mouse, 300, 0, 0);
    T_EQ(t, rx(t, &r), 0x4D);
    T_EQ(t, rx(t, &r), 0xFF);
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0x0D);
    T_EQ(t, rx(t, &r), 45);
    T_EQ(t, rx(t, &r), 0);
    /* Wheel mode: 4-byte packets. */
    static const uint8_t rates[3] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        aux(&r, 0xF3);
        rx(t, &r);
        aux(&r, rates[i]);
        rx(t, &r);
    }
    ps2mouse_buttons(r.mouse, 0);
    ps2mouse_move(r.mouse, 0, 0, -2);
    T_EQ(t, rx(t, &r), 0x08); /* the button release */
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0x08); /* the wheel */
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0);
    T_EQ(t, rx(t, &r), 0xFE);
    /* Remote mode: only on request. */
    aux(&r, 0xF0);
    T_EQ(t, rx(t, &r), 0xFA);
    ps2mouse_move(r.mouse, -3, 4, 0);
    T_EQ(t, rx(t, &r), -1);
    aux(&r, 0xEB);
    T_EQ(t, rx(t, &r), 0xFA);
    T_EQ(t, rx(t, &r), 0x18);
    T_EQ(t, rx(t, &r), 0xFD);
    T_EQ(t, rx(t, &r), 4);
    T_EQ(t, rx(t, &r), 0);
    /* Aux port disabled by the controller: the mouse keeps its bytes. */
    aux(&r, 0xEA);
    rx(t, &r);
    outb(r.m, 0x64, 0xA7);
    ps2mouse_move(r.mouse, 1, 0, 0);
    T_EQ(t, rx(t, &r), -1);
    outb(r.m, 0x64, 0xA8);
    T_EQ(t, rx(t, &r), 0x08);
    machine_free(r.m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_reset_and_id);
    T_RUN(&t, test_stream_packets);
    return t_finish(&t);
}
