/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port 0x92: fast A20 ORed with the 8042's A20, fast reset on a 0 -> 1 write of bit 0. */
#include "chipset/kbc8042.h"
#include "chipset/port92.h"
#include "devtest.h"

static void test_port92(TestCtx *t)
{
    Machine *m = dt_machine(t);
    Device *kbc = dt_add(t, m, &kbc8042_class, "kbc");
    Device *p92 = dt_add(t, m, &port92_class, "port92");
    AmberError err = {0};
    T_CHECK(t, device_connect_irq(kbc, 2, p92, 0, &err));
    Probe a20;
    probe_attach(t, p92, 0, &a20);
    dt_realize(t, m);
    T_EQ(t, a20.level, 1); /* the 8042 powers up with A20 on */
    outb(m, 0x64, 0xDD);
    T_EQ(t, a20.level, 0);
    outb(m, 0x92, 0x02);
    T_EQ(t, a20.level, 1);
    T_EQ(t, inb(m, 0x92), 0x02);
    outb(m, 0x64, 0xDF);
    outb(m, 0x92, 0x00);
    T_EQ(t, a20.level, 1); /* still on through the 8042 */
    outb(m, 0x64, 0xDD);
    T_EQ(t, a20.level, 0);
    T_CHECK(t, !m->reset_requested);
    outb(m, 0x92, 0x01);
    T_CHECK(t, m->reset_requested);
    dt_step(m, 1000);
    T_CHECK(t, !m->reset_requested);
    T_EQ(t, inb(m, 0x92), 0x00); /* the reset cleared the port */
    outb(m, 0x92, 0x01);
    T_CHECK(t, m->reset_requested);
    dt_step(m, 1000);
    outb(m, 0x92, 0x00);
    outb(m, 0x92, 0x02); /* no 0 -> 1 edge on bit 0: no reset */
    T_CHECK(t, !m->reset_requested);
    machine_free(m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_port92);
    return t_finish(&t);
}
