/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 8042 + PS/2 keyboard: commands, self test, A20, reset pulse, keyboard reset/echo/ID, scan code
 * sets, translation, typematic repeat. */
#include "chipset/kbc8042.h"
#include "chipset/ps2kbd.h"
#include "chipset/scancodes.h"
#include "devtest.h"

#define MS INT64_C(1000000)

typedef struct Rig {
    Machine *m;
    Device *kbc;
    Device *kbd;
    Probe irq1;
    Probe a20;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    r->m = dt_machine(t);
    r->kbc = dt_add(t, r->m, &kbc8042_class, "kbc");
    r->kbd = dt_add(t, r->m, &ps2kbd_class, "kbd");
    probe_attach(t, r->kbc, 0, &r->irq1);
    probe_attach(t, r->kbc, 2, &r->a20);
    dt_realize(t, r->m);
    ps2kbd_attach(r->kbd, kbc8042_port(r->kbc, 0));
}

/* Waits (in guest time) for the output buffer and reads it; -1 after 20 ms of nothing. */
static int rx(Rig *r)
{
    for (int i = 0; i < 200; i++) {
        if (inb(r->m, 0x64) & 1) {
            return inb(r->m, 0x60);
        }
        dt_step(r->m, 100000);
    }
    return -1;
}

static void cmd(Rig *r, uint8_t c)
{
    outb(r->m, 0x64, c);
}

static void test_controller(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    T_EQ(t, rx(&r), 0xAA); /* the keyboard's power-on BAT */
    T_EQ(t, rx(&r), -1);
    cmd(&r, 0xAD);
    cmd(&r, 0xA7);
    cmd(&r, 0xAA);
    T_EQ(t, inb(r.m, 0x64) & 0x0D, 0x0D); /* OBF, SYS, last write was a command */
    T_EQ(t, inb(r.m, 0x60), 0x55);
    T_EQ(t, inb(r.m, 0x64) & 1, 0);
    T_EQ(t, inb(r.m, 0x60), 0x55); /* the data stays readable */
    cmd(&r, 0xAB);
    T_EQ(t, rx(&r), 0x00);
    cmd(&r, 0xA9);
    T_EQ(t, rx(&r), 0x02); /* no mouse plugged in */
    cmd(&r, 0x20);
    T_EQ(t, rx(&r), 0x33); /* IRQs on, both ports disabled by 0xAD/0xA7 */
    cmd(&r, 0x60);
    outb(r.m, 0x60, 0x61);
    cmd(&r, 0x20);
    T_EQ(t, rx(&r), 0x61);
    cmd(&r, 0x7F);
    outb(r.m, 0x60, 0x5A);
    cmd(&r, 0x3F);
    T_EQ(t, rx(&r), 0x5A);
    /* 0xD2 writes the output buffer as keyboard data: IRQ 1. */
    probe_clear(&r.irq1);
    cmd(&r, 0xD2);
    outb(r.m, 0x60, 0x9C);
    T_EQ(t, r.irq1.level, 1);
    T_EQ(t, inb(r.m, 0x60), 0x9C);
    T_EQ(t, r.irq1.level, 0);
    /* Output port and A20. */
    T_EQ(t, r.a20.level, 1);
    cmd(&r, 0xD0);
    T_EQ(t, rx(&r) & 0x03, 0x03);
    cmd(&r, 0xD1);
    outb(r.m, 0x60, 0xDD);
    T_EQ(t, r.a20.level, 0);
    cmd(&r, 0xD0);
    T_EQ(t, rx(&r) & 0x03, 0x01);
    cmd(&r, 0xDF);
    T_EQ(t, r.a20.level, 1);
    cmd(&r, 0xDD);
    T_EQ(t, r.a20.level, 0);
    T_CHECK(t, !r.m->reset_requested);
    /* Reset pulse. */
    cmd(&r, 0xFE);
    T_CHECK(t, r.m->reset_requested);
    T_EQ(t, r.m->reset_kind, RESET_WARM);
    dt_step(r.m, 1000);
    T_CHECK(t, !r.m->reset_requested);
    cmd(&r, 0xD1);
    outb(r.m, 0x60, 0xCE); /* reset bit low */
    T_CHECK(t, r.m->reset_requested);
    machine_free(r.m);
}

static void test_keyboard_commands(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    rx(&r);
    cmd(&r, 0x60);
    outb(r.m, 0x60, 0x20); /* no translation, no IRQs, aux off */
    outb(r.m, 0x60, 0xFF);
    T_EQ(t, rx(&r), 0xFA);
    T_EQ(t, rx(&r), 0xAA);
    outb(r.m, 0x60, 0xEE);
    T_EQ(t, rx(&r), 0xEE);
    outb(r.m, 0x60, 0xF2);
    T_EQ(t, rx(&r), 0xFA);
    T_EQ(t, rx(&r), 0xAB);
    T_EQ(t, rx(&r), 0x83);
    outb(r.m, 0x60, 0xED);
    T_EQ(t, rx(&r), 0xFA);
    outb(r.m, 0x60, 0x05);
    T_EQ(t, rx(&r), 0xFA);
    T_EQ(t, ps2kbd_leds(r.kbd), 5);
    outb(r.m, 0x60, 0xF0);
    T_EQ(t, rx(&r), 0xFA);
    outb(r.m, 0x60, 0x00);
    T_EQ(t, rx(&r), 0xFA);
    T_EQ(t, rx(&r), 0x02);
    outb(r.m, 0x60, 0xAB); /* unknown command */
    T_EQ(t, rx(&r), 0xFE);
    /* Disabled keyboards do not scan. */
    outb(r.m, 0x60, 0xF5);
    T_EQ(t, rx(&r), 0xFA);
    ps2kbd_key_event(r.kbd, 0x1E, true);
    T_EQ(t, rx(&r), -1);
    outb(r.m, 0x60, 0xF4);
    T_EQ(t, rx(&r), 0xFA);
    /* Set 2 make/break, extended key. */
    ps2kbd_key_event(r.kbd, 0x1E, true);
    ps2kbd_key_event(r.kbd, 0x1E, false);
    T_EQ(t, rx(&r), 0x1C);
    T_EQ(t, rx(&r), 0xF0);
    T_EQ(t, rx(&r), 0x1C);
    ps2kbd_key_event(r.kbd, 0xE048, true);
    ps2kbd_key_event(r.kbd, 0xE048, false);
    T_EQ(t, rx(&r), 0xE0);
    T_EQ(t, rx(&r), 0x75);
    T_EQ(t, rx(&r), 0xE0);
    T_EQ(t, rx(&r), 0xF0);
    T_EQ(t, rx(&r), 0x75);
    /* Set 3 and set 1. */
    outb(r.m, 0x60, 0xF0);
    rx(&r);
    outb(r.m, 0x60, 0x03);
    T_EQ(t, rx(&r), 0xFA);
    ps2kbd_key_event(r.kbd, 0x3B, true); /* F1 */
    ps2kbd_key_event(r.kbd, 0x3B, false);
    T_EQ(t, rx(&r), 0x07);
    T_EQ(t, rx(&r), 0xF0);
    T_EQ(t, rx(&r), 0x07);
    outb(r.m, 0x60, 0xF0);
    rx(&r);
    outb(r.m, 0x60, 0x01);
    T_EQ(t, rx(&r), 0xFA);
    ps2kbd_key_event(r.kbd, 0xE01D, true);
    ps2kbd_key_event(r.kbd, 0xE01D, false);
    T_EQ(t, rx(&r), 0xE0);
    T_EQ(t, rx(&r), 0x1D);
    T_EQ(t, rx(&r), 0xE0);
    T_EQ(t, rx(&r), 0x9D);
    machine_free(r.m);
}

static void test_translation_and_irq(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    rx(&r);
    cmd(&r, 0x60);
    outb(r.m, 0x60, 0x61); /* translate, IRQ 1 */
    probe_clear(&r.irq1);
    ps2kbd_key_event(r.kbd, 0x1C, true);  /* Enter: set 2 0x5A -> set 1 0x1C */
    ps2kbd_key_event(r.kbd, 0x1C, false); /* F0 5A -> 0x9C */
    ps2kbd_key_event(r.kbd, 0x41, true);  /* F7: set 2 0x83 -> 0x41 */
    dt_step(r.m, 5 * MS);
    T_EQ(t, r.irq1.level, 1);
    T_EQ(t, inb(r.m, 0x60), 0x1C);
    T_EQ(t, r.irq1.level, 0);
    /* The next byte arrives one frame later, not at once. */
    T_EQ(t, inb(r.m, 0x64) & 1, 0);
    T_EQ(t, inb(r.m, 0x60), 0x1C);
    T_EQ(t, rx(&r), 0x9C);
    T_EQ(t, rx(&r), 0x41);
    T_EQ(t, r.irq1.rises, 3);
    /* The ID through translation reads AB 41. */
    outb(r.m, 0x60, 0xF2);
    T_EQ(t, rx(&r), 0xFA);
    T_EQ(t, rx(&r), 0xAB);
    T_EQ(t, rx(&r), 0x41);
    /* Keyboard port disabled: bytes wait in the keyboard. */
    cmd(&r, 0xAD);
    ps2kbd_key_event(r.kbd, 0x1E, false);
    T_EQ(t, rx(&r), -1);
    cmd(&r, 0xAE);
    T_EQ(t, rx(&r), 0x9E);
    machine_free(r.m);
}

static void test_typematic(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    rx(&r);
    cmd(&r, 0x60);
    outb(r.m, 0x60, 0x20);
    outb(r.m, 0x60, 0xF3);
    T_EQ(t, rx(&r), 0xFA);
    outb(r.m, 0x60, 0x00); /* 250 ms delay, 30 cps (33.36 ms) */
    T_EQ(t, rx(&r), 0xFA);
    int64_t t0 = dt_now(r.m);
    ps2kbd_key_event(r.kbd, 0x10, true);
    T_EQ(t, rx(&r), 0x15);
    unsigned repeats = 0;
    while (dt_now(r.m) < t0 + 250 * MS + 10 * 33360000) {
        dt_step(r.m, 1 * MS);
        if (inb(r.m, 0x64) & 1) {
            T_EQ(t, inb(r.m, 0x60), 0x15);
            repeats++;
        }
    }
    T_CHECK(t, repeats >= 10 && repeats <= 11);
    ps2kbd_key_event(r.kbd, 0x10, false);
    int b = rx(&r);
    if (b == 0x15) {
        b = rx(&r); /* a repeat already on its way */
    }
    T_EQ(t, b, 0xF0);
    T_EQ(t, rx(&r), 0x15);
    dt_step(r.m, 500 * MS);
    T_EQ(t, rx(&r), -1);
    T_CHECK(t, ps2kbd_idle(r.kbd));
    machine_free(r.m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_controller);
    T_RUN(&t, test_keyboard_commands);
    T_RUN(&t, test_translation_and_irq);
    T_RUN(&t, test_typematic);
    return t_finish(&t);
}
