/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 8259A pair: priorities, EOI kinds, masking, special mask, poll, edge vs level, cascade. */
#include "chipset/pic8259.h"
#include "devtest.h"

typedef struct Rig {
    Machine *m;
    Device *pic;
    Probe intr;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    r->m = dt_machine(t);
    r->pic = dt_add(t, r->m, &pic8259_class, "pic");
    dt_prop(t, r->pic, "elcr", "on");
    dt_realize(t, r->m);
    probe_attach(t, r->pic, 0, &r->intr);
    /* SeaBIOS's programming (hw/pic.c). */
    outb(r->m, 0x20, 0x11);
    outb(r->m, 0x21, 0x08);
    outb(r->m, 0x21, 0x04);
    outb(r->m, 0x21, 0x01);
    outb(r->m, 0xA0, 0x11);
    outb(r->m, 0xA1, 0x70);
    outb(r->m, 0xA1, 0x02);
    outb(r->m, 0xA1, 0x01);
    outb(r->m, 0x21, 0x00);
    outb(r->m, 0xA1, 0x00);
}

static void rig_free(Rig *r)
{
    machine_free(r->m);
}

static void irq(Rig *r, int n, bool level)
{
    pic8259_class.irq_in(r->pic, n, level);
}

static void test_priority_and_eoi(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    T_EQ(t, r.intr.level, 0);
    irq(&r, 3, true);
    irq(&r, 1, true);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x09);
    T_EQ(t, r.intr.level, 0); /* IRQ 3 is lower than IRQ 1 in service */
    outb(r.m, 0x20, 0x0B);    /* OCW3: read ISR */
    T_EQ(t, inb(r.m, 0x20), 0x02);
    outb(r.m, 0x20, 0x0A); /* read IRR: the acknowledge cleared IRQ 1's edge request */
    T_EQ(t, inb(r.m, 0x20), 0x08);
    /* A higher priority request nests. */
    irq(&r, 0, true);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x08);
    outb(r.m, 0x20, 0x20); /* non-specific EOI: clears IRQ 0 */
    T_EQ(t, r.intr.level, 0);
    outb(r.m, 0x20, 0x61); /* specific EOI for IRQ 1 */
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x0B);
    outb(r.m, 0x20, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x08);
    outb(r.m, 0x20, 0x20);
    T_EQ(t, inb(r.m, 0x20), 0x00);
    /* Edge mode: the line still high makes no new request. */
    T_EQ(t, r.intr.level, 0);
    rig_free(&r);
}

static void test_mask(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x21, 0x02);
    T_EQ(t, inb(r.m, 0x21), 0x02);
    irq(&r, 1, true);
    T_EQ(t, r.intr.level, 0);
    outb(r.m, 0x21, 0x00);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x09);
    rig_free(&r);
}

static void test_cascade(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    irq(&r, 12, true);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x74);
    outb(r.m, 0x20, 0x0B);
    outb(r.m, 0xA0, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x04);
    T_EQ(t, inb(r.m, 0xA0), 0x10);
    /* Slave mask hides the request from the master too. */
    irq(&r, 14, true);
    T_EQ(t, r.intr.level, 0); /* lower than 12 on the slave */
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x76);
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    /* Slave requests sit between master IRQ 1 and IRQ 3. */
    irq(&r, 3, true);
    irq(&r, 9, true);
    T_EQ(t, pic8259_inta(r.pic), 0x71);
    rig_free(&r);
}

static void test_spurious(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x4D0, 0xFF);
    outb(r.m, 0x4D1, 0xFF);
    T_EQ(t, inb(r.m, 0x4D0), 0xF8); /* IRQ 0-2 cannot be level */
    T_EQ(t, inb(r.m, 0x4D1), 0xDE); /* nor 8 and 13 */
    irq(&r, 3, true);
    T_EQ(t, r.intr.level, 1);
    irq(&r, 3, false);
    T_EQ(t, r.intr.level, 0);
    T_EQ(t, pic8259_inta(r.pic), 0x0F); /* spurious IRQ 7 */
    outb(r.m, 0x20, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x00); /* no ISR bit */
    /* Slave: a level request that goes away leaves master IR2 latched (edge). */
    irq(&r, 10, true);
    irq(&r, 10, false);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x77); /* spurious IRQ 15 */
    outb(r.m, 0x20, 0x0B);
    outb(r.m, 0xA0, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x04); /* the master did acknowledge IR2 */
    T_EQ(t, inb(r.m, 0xA0), 0x00);
    rig_free(&r);
}

static void test_level(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x4D1, 0x08); /* IRQ 11 level */
    irq(&r, 11, true);
    T_EQ(t, pic8259_inta(r.pic), 0x73);
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    T_EQ(t, r.intr.level, 1); /* still asserted: requests again */
    T_EQ(t, pic8259_inta(r.pic), 0x73);
    irq(&r, 11, false);
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    T_EQ(t, r.intr.level, 0);
    /* Edge: needs a new rising edge. */
    irq(&r, 4, true);
    T_EQ(t, pic8259_inta(r.pic), 0x0C);
    outb(r.m, 0x20, 0x20);
    T_EQ(t, r.intr.level, 0);
    irq(&r, 4, false);
    irq(&r, 4, true);
    T_EQ(t, r.intr.level, 1);
    /* LTIM in ICW1 makes the whole chip level triggered. */
    outb(r.m, 0x20, 0x19);
    outb(r.m, 0x21, 0x08);
    outb(r.m, 0x21, 0x04);
    outb(r.m, 0x21, 0x01);
    T_EQ(t, r.intr.level, 1); /* IRQ 4 high -> request in level mode */
    rig_free(&r);
}

static void test_poll(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x20, 0x0C);
    T_EQ(t, inb(r.m, 0x20), 0x00);
    irq(&r, 5, true);
    outb(r.m, 0x20, 0x0C);
    T_EQ(t, inb(r.m, 0x20), 0x85);
    outb(r.m, 0x20, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x20); /* the poll set ISR */
    T_EQ(t, r.intr.level, 0);
    rig_free(&r);
}

static void test_special_mask(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    irq(&r, 3, true);
    T_EQ(t, pic8259_inta(r.pic), 0x0B);
    irq(&r, 5, true);
    T_EQ(t, r.intr.level, 0);
    outb(r.m, 0x20, 0x68); /* set special mask mode */
    outb(r.m, 0x21, 0x08); /* mask the level in service */
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x0D);
    outb(r.m, 0x20, 0x65);
    outb(r.m, 0x20, 0x48); /* reset special mask mode */
    outb(r.m, 0x21, 0x00);
    outb(r.m, 0x20, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x08);
    rig_free(&r);
}

static void test_auto_eoi_and_rotation(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    outb(r.m, 0x20, 0x11);
    outb(r.m, 0x21, 0x08);
    outb(r.m, 0x21, 0x04);
    outb(r.m, 0x21, 0x03); /* AEOI */
    irq(&r, 1, true);
    T_EQ(t, pic8259_inta(r.pic), 0x09);
    outb(r.m, 0x20, 0x0B);
    T_EQ(t, inb(r.m, 0x20), 0x00);
    /* Rotate in AEOI mode: the serviced level becomes the lowest. */
    outb(r.m, 0x20, 0x80);
    irq(&r, 0, true);
    irq(&r, 6, true);
    T_EQ(t, pic8259_inta(r.pic), 0x08);
    irq(&r, 0, false);
    irq(&r, 0, true);
    T_EQ(t, pic8259_inta(r.pic), 0x0E); /* 6 now beats 0 */
    T_EQ(t, pic8259_inta(r.pic), 0x08);

    /* Normal mode: rotate on non-specific EOI and set priority. */
    Rig q;
    rig_init(t, &q);
    irq(&q, 0, true);
    T_EQ(t, pic8259_inta(q.pic), 0x08);
    outb(q.m, 0x20, 0xA0); /* rotate on non-specific EOI: IRQ 0 becomes lowest */
    irq(&q, 0, false);
    irq(&q, 0, true);
    irq(&q, 7, true);
    T_EQ(t, pic8259_inta(q.pic), 0x0F);
    outb(q.m, 0x20, 0x20);
    T_EQ(t, pic8259_inta(q.pic), 0x08);
    outb(q.m, 0x20, 0x20);
    outb(q.m, 0x20, 0xC3); /* set priority: IRQ 3 lowest, so 4 is highest */
    irq(&q, 4, true);
    irq(&q, 1, true);
    T_EQ(t, pic8259_inta(q.pic), 0x0C);
    outb(q.m, 0x20, 0xE4); /* rotate on specific EOI 4: 5 becomes highest */
    irq(&q, 5, true);
    T_EQ(t, pic8259_inta(q.pic), 0x0D);
    rig_free(&r);
    rig_free(&q);
}

static void test_nesting_and_reinit(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    /* Fully nested: a higher slave request waits while the slave's level (IR2) is in service. */
    irq(&r, 12, true);
    T_EQ(t, pic8259_inta(r.pic), 0x74);
    irq(&r, 10, true);
    T_EQ(t, r.intr.level, 0);
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    T_EQ(t, pic8259_inta(r.pic), 0x72);
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    /* Special fully nested mode on the master lets it through. */
    outb(r.m, 0x20, 0x11);
    outb(r.m, 0x21, 0x08);
    outb(r.m, 0x21, 0x04);
    outb(r.m, 0x21, 0x11);
    irq(&r, 12, false);
    irq(&r, 10, false);
    irq(&r, 12, true);
    T_EQ(t, pic8259_inta(r.pic), 0x74);
    irq(&r, 10, true);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, pic8259_inta(r.pic), 0x72);
    rig_free(&r);
    /* ICW1 resets the edge latches: a line already high needs a new rising edge. */
    rig_init(t, &r);
    irq(&r, 4, true);
    T_EQ(t, r.intr.level, 1);
    outb(r.m, 0x20, 0x11);
    outb(r.m, 0x21, 0x08);
    outb(r.m, 0x21, 0x04);
    outb(r.m, 0x21, 0x01);
    T_EQ(t, r.intr.level, 0);
    irq(&r, 4, false);
    irq(&r, 4, true);
    T_EQ(t, r.intr.level, 1);
    T_EQ(t, inb(r.m, 0x21), 0x00); /* ICW1 cleared the mask */
    rig_free(&r);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_priority_and_eoi);
    T_RUN(&t, test_mask);
    T_RUN(&t, test_cascade);
    T_RUN(&t, test_spurious);
    T_RUN(&t, test_level);
    T_RUN(&t, test_poll);
    T_RUN(&t, test_special_mask);
    T_RUN(&t, test_auto_eoi_and_rotation);
    T_RUN(&t, test_nesting_and_reinit);
    return t_finish(&t);
}
