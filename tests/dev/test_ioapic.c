/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 82093AA I/O APIC (src/chipset/ioapic.c) on a machine with a Pentium II: its register file
 * through the MMIO window (reset values, read-only and reserved bits), and the messages it puts
 * on the APIC bus for edge and level inputs — heard by a recording local-APIC stand-in that can
 * refuse them — with masking, polarity, remote IRR and EOI, then save -> load -> continue.
 * Register values and bit positions come from the data sheet (290566, 3.2).
 */
#include <stdio.h>
#include <unistd.h>

#include "accel/interp.h"
#include "chipset/apicbus.h"
#include "chipset/ioapic.h"
#include "core/savestate.h"
#include "devtest.h"

#define BASE 0xFEC00000u

typedef struct Listener {
    bool refuse;
    unsigned n;
    ApicMessage msg[32];
} Listener;

static bool listener_accept(void *opaque, const ApicMessage *m)
{
    Listener *l = opaque;
    if (l->refuse) {
        return false;
    }
    if (l->n < 32) {
        l->msg[l->n] = *m;
    }
    l->n++;
    return true;
}

typedef struct Rig {
    Machine *m;
    X86Cpu *cpu;
    Device *io;
    ApicBus bus;
    Listener lis;
} Rig;

static void rig_build(TestCtx *t, Rig *r)
{
    AmberError err = {0};
    r->m = dt_machine(t);
    r->cpu = x86_interp_new(r->m, x86_model_find("pentium2"), &err);
    T_CHECK(t, r->cpu != NULL);
    T_CHECK(t, membus_map_ram(r->m->mem, "ram", 0, 1u << 20, &err) != NULL);
    r->io = dt_add(t, r->m, &ioapic_class, "ioapic");
    dt_realize(t, r->m);
    apicbus_init(&r->bus);
    memset(&r->lis, 0, sizeof r->lis);
    T_CHECK(t, apicbus_add_lapic(&r->bus, listener_accept, &r->lis));
    T_CHECK(t, ioapic_attach_bus(r->io, &r->bus));
}

static void rig_free(Rig *r)
{
    x86_interp_free(r->cpu);
    machine_free(r->m);
}

static uint32_t rd(Rig *r, uint8_t index)
{
    membus_write32(r->m->mem, BASE, index);
    return membus_read32(r->m->mem, BASE + 0x10);
}

static void wr(Rig *r, uint8_t index, uint32_t v)
{
    membus_write32(r->m->mem, BASE, index);
    membus_write32(r->m->mem, BASE + 0x10, v);
}

static void pin(Rig *r, unsigned n, bool level)
{
    ioapic_class.irq_in(r->io, (int)n, level);
}

static void test_reset_values(TestCtx *t)
{
    Rig r;
    rig_build(t, &r);
    T_EQ(t, membus_read32(r.m->mem, BASE), 0);        /* IOREGSEL */
    T_EQ(t, rd(&r, 0x00), 0);                          /* IOAPICID */
    T_EQ(t, rd(&r, 0x01), 0x00170011);                 /* version 11h, 24 entries */
    T_EQ(t, rd(&r, 0x02), 0);                          /* IOAPICARB */
    for (unsigned n = 0; n < 24; n++) {
        T_EQ(t, rd(&r, (uint8_t)(0x10 + 2 * n)), 0x00010000); /* masked */
        T_EQ(t, rd(&r, (uint8_t)(0x11 + 2 * n)), 0);
    }
    /* IOREGSEL holds 8 bits. */
    membus_write32(r.m->mem, BASE, 0x12345601);
    T_EQ(t, membus_read32(r.m->mem, BASE), 0x01);
    rig_free(&r);
}

static void test_register_masks(TestCtx *t)
{
    Rig r;
    rig_build(t, &r);
    /* ID bits 27:24 only; ARB follows the ID on a write (3.2.3). */
    wr(&r, 0x00, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x00), 0x0F000000);
    T_EQ(t, rd(&r, 0x02), 0x0F000000);
    wr(&r, 0x00, 0x02000000);
    T_EQ(t, rd(&r, 0x00), 0x02000000);
    T_EQ(t, rd(&r, 0x02), 0x02000000);
    /* VER and ARB are read-only. */
    wr(&r, 0x01, 0);
    T_EQ(t, rd(&r, 0x01), 0x00170011);
    wr(&r, 0x02, 0x05000000);
    T_EQ(t, rd(&r, 0x02), 0x02000000);
    /* Redirection entry: 12 (delivery status) and 14 (remote IRR) read-only, 31:17 reserved;
     * high dword: 63:56 destination, 55:32 reserved. */
    wr(&r, 0x10 + 2 * 5, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x10 + 2 * 5), 0x0001AFFF);
    wr(&r, 0x11 + 2 * 5, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x11 + 2 * 5), 0xFF000000);
    wr(&r, 0x10 + 2 * 23, 0x00000931);
    T_EQ(t, rd(&r, 0x10 + 2 * 23), 0x00000931);
    /* Other entries untouched. */
    T_EQ(t, rd(&r, 0x10 + 2 * 4), 0x00010000);
    T_EQ(t, rd(&r, 0x10 + 2 * 6), 0x00010000);
    /* A reset masks everything again. */
    machine_reset(r.m, RESET_WARM);
    T_EQ(t, rd(&r, 0x10 + 2 * 5), 0x00010000);
    T_EQ(t, rd(&r, 0x11 + 2 * 5), 0);
    T_EQ(t, rd(&r, 0x00), 0);
    rig_free(&r);
}

static void test_edge(TestCtx *t)
{
    Rig r;
    rig_build(t, &r);
    /* INTIN1: vector 31h, fixed, physical, active high, edge, unmasked, destination 0. */
    wr(&r, 0x11 + 2 * 1, 0x00000000);
    wr(&r, 0x10 + 2 * 1, 0x00000031);
    pin(&r, 1, true);
    T_EQ(t, r.lis.n, 1);
    T_EQ(t, r.lis.msg[0].vector, 0x31);
    T_EQ(t, r.lis.msg[0].delivery_mode, APIC_DM_FIXED);
    T_EQ(t, r.lis.msg[0].logical, false);
    T_EQ(t, r.lis.msg[0].level, false);
    T_EQ(t, r.lis.msg[0].dest, 0);
    /* Held high: no more messages; remote IRR stays 0 for edge entries. */
    pin(&r, 1, true);
    T_EQ(t, r.lis.n, 1);
    T_EQ(t, rd(&r, 0x10 + 2 * 1) & 0x5000u, 0);
    pin(&r, 1, false);
    T_EQ(t, r.lis.n, 1);
    pin(&r, 1, true);
    T_EQ(t, r.lis.n, 2);
    /* Masked: the edge is lost, and unmasking does not bring it back. */
    pin(&r, 1, false);
    wr(&r, 0x10 + 2 * 1, 0x00010031);
    pin(&r, 1, true);
    T_EQ(t, r.lis.n, 2);
    wr(&r, 0x10 + 2 * 1, 0x00000031);
    T_EQ(t, r.lis.n, 2);
    pin(&r, 1, false);
    pin(&r, 1, true);
    T_EQ(t, r.lis.n, 3);
    /* Logical destination mode, lowest priority, destination 0x03 pass through. */
    wr(&r, 0x11 + 2 * 4, 0x03000000);
    wr(&r, 0x10 + 2 * 4, 0x00000941);
    pin(&r, 4, true);
    T_EQ(t, r.lis.n, 4);
    T_EQ(t, r.lis.msg[3].vector, 0x41);
    T_EQ(t, r.lis.msg[3].delivery_mode, APIC_DM_LOWEST);
    T_EQ(t, r.lis.msg[3].logical, true);
    T_EQ(t, r.lis.msg[3].dest, 0x03);
    /* Active low (polarity 1): the falling edge of the pin is the assertion. */
    pin(&r, 7, true);
    wr(&r, 0x10 + 2 * 7, 0x00002037);
    T_EQ(t, r.lis.n, 4);
    pin(&r, 7, false);
    T_EQ(t, r.lis.n, 5);
    T_EQ(t, r.lis.msg[4].vector, 0x37);
    pin(&r, 7, true);
    T_EQ(t, r.lis.n, 5);
    /* NMI mode with the level bit set is still edge (3.2.4): no remote IRR. */
    wr(&r, 0x10 + 2 * 8, 0x00008400);
    pin(&r, 8, true);
    T_EQ(t, r.lis.n, 6);
    T_EQ(t, r.lis.msg[5].delivery_mode, APIC_DM_NMI);
    T_EQ(t, r.lis.msg[5].level, false);
    T_EQ(t, rd(&r, 0x10 + 2 * 8) & 0x4000u, 0);
    rig_free(&r);
}

static void test_level(TestCtx *t)
{
    Rig r;
    rig_build(t, &r);
    /* INTIN9: vector 49h, level, active low (a PCI-style line), destination 0. */
    pin(&r, 9, true); /* deasserted */
    wr(&r, 0x10 + 2 * 9, 0x0000A049);
    T_EQ(t, r.lis.n, 0);
    pin(&r, 9, false); /* asserted */
    T_EQ(t, r.lis.n, 1);
    T_EQ(t, r.lis.msg[0].vector, 0x49);
    T_EQ(t, r.lis.msg[0].level, true);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x0000E049); /* remote IRR set */
    /* Still asserted, still in service: nothing more, however the pin is poked. */
    pin(&r, 9, false);
    T_EQ(t, r.lis.n, 1);
    /* An EOI of another vector changes nothing. */
    apicbus_eoi(&r.bus, 0x48);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x0000E049);
    /* EOI with the line still asserted: remote IRR clears and the interrupt comes again. */
    apicbus_eoi(&r.bus, 0x49);
    T_EQ(t, r.lis.n, 2);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x0000E049);
    /* Deassert, then EOI: remote IRR clears, nothing is sent. */
    pin(&r, 9, true);
    apicbus_eoi(&r.bus, 0x49);
    T_EQ(t, r.lis.n, 2);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x0000A049);
    /* Masked while asserted: held; unmasking delivers (level inputs are not lost). */
    wr(&r, 0x10 + 2 * 9, 0x0001A049);
    pin(&r, 9, false);
    T_EQ(t, r.lis.n, 2);
    wr(&r, 0x10 + 2 * 9, 0x0000A049);
    T_EQ(t, r.lis.n, 3);
    /* Switching the entry to edge clears a stuck remote IRR. */
    wr(&r, 0x10 + 2 * 9, 0x00012049);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x00012049);
    /* Nobody accepts: delivery status (send pending), no remote IRR; accepted on the next try. */
    pin(&r, 9, true);
    r.lis.refuse = true;
    wr(&r, 0x10 + 2 * 9, 0x0000A049);
    pin(&r, 9, false);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x0000B049);
    r.lis.refuse = false;
    wr(&r, 0x11 + 2 * 9, 0x00000000);
    T_EQ(t, rd(&r, 0x10 + 2 * 9), 0x0000E049);
    T_EQ(t, r.lis.n, 4);
    rig_free(&r);
}

static void test_save_load(TestCtx *t)
{
    char path[] = "/tmp/amber-ioapic-state-XXXXXX";
    int fd = mkstemp(path);
    T_CHECK(t, fd >= 0);
    close(fd);
    Rig a, b;
    rig_build(t, &a);
    rig_build(t, &b);
    wr(&a, 0x00, 0x01000000);
    wr(&a, 0x11 + 2 * 10, 0x0F000000);
    wr(&a, 0x10 + 2 * 10, 0x00008052);        /* level, active high */
    pin(&a, 10, true);                         /* in service */
    wr(&a, 0x10 + 2 * 3, 0x00000033);         /* edge */
    pin(&a, 3, true);
    membus_write32(a.m->mem, BASE, 0x10 + 2 * 10);
    dt_save(t, a.m, path);
    dt_load(t, b.m, path);
    unlink(path);
    T_EQ(t, machine_state_hash(b.m), machine_state_hash(a.m));
    /* IOREGSEL survived: IOWIN reads the selected entry. */
    T_EQ(t, membus_read32(b.m->mem, BASE + 0x10), 0x0000C052);
    /* Same continuation: EOI resends the still-asserted level input; the edge pin needs a new
     * edge (its level was saved, so raising it again is no edge). */
    unsigned na = a.lis.n;
    apicbus_eoi(&a.bus, 0x52);
    apicbus_eoi(&b.bus, 0x52);
    pin(&a, 3, true);
    pin(&b, 3, true);
    T_EQ(t, a.lis.n, na + 1);
    T_EQ(t, b.lis.n, 1);
    T_EQ(t, b.lis.msg[0].vector, 0x52);
    T_EQ(t, b.lis.msg[0].dest, 0x0F);
    T_EQ(t, rd(&b, 0x00), 0x01000000);
    T_EQ(t, rd(&a, 0x00), 0x01000000);
    T_EQ(t, machine_state_hash(b.m), machine_state_hash(a.m));
    rig_free(&a);
    rig_free(&b);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_reset_values);
    T_RUN(&t, test_register_masks);
    T_RUN(&t, test_edge);
    T_RUN(&t, test_level);
    T_RUN(&t, test_save_load);
    return t_finish(&t);
}
