/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The P6 local APIC (src/chipset/lapic.c) wired as lapic.h tells a board: a Pentium II from the
 * interp backend, an 8259 pair on LINT0, an 82093AA on the APIC bus. Checked: reset values and
 * writable bits of every register, software disable, TPR/PPR/APR and ISR nesting, the spurious
 * vector, EOI back to the I/O APIC (level) and not (edge), destination matching, errors, the
 * timer (one-shot, periodic, dividers, current count, exact expiry times), ExtINT and NMI
 * through LINT0/LINT1, hardware disable with LINT0 pass-through, the CPU itself taking timer
 * and 8259 interrupts and writing EOI, and save -> load -> identical continuation.
 * Expected numbers are the SDM's (vol. 3A ch. 10) and arithmetic on the programmed values.
 */
#include <stdio.h>
#include <unistd.h>

#include "accel/interp.h"
#include "chipset/apicbus.h"
#include "chipset/ioapic.h"
#include "chipset/lapic.h"
#include "chipset/pic8259.h"
#include "core/savestate.h"
#include "devtest.h"

#define LAPIC 0xFEE00000u
#define IOAPIC 0xFEC00000u
#define NS INT64_C(1)
#define US INT64_C(1000)

typedef struct Rig {
    Machine *m;
    X86Cpu *cpu;
    Device *pic, *lapic, *io;
    ApicBus bus;
    uint8_t *ram;
} Rig;

/* hlt; jmp back to hlt — where the CPU waits when a test does not run guest code. */
static const uint8_t idle_code[] = {0xF4, 0xEB, 0xFD};

static void rig_build_id(TestCtx *t, Rig *r, const char *bus_hz, const char *id)
{
    AmberError err = {0};
    r->m = dt_machine(t);
    r->cpu = x86_interp_new(r->m, x86_model_find("pentium2"), &err);
    T_CHECK(t, r->cpu != NULL);
    r->cpu->lapic = true;
    r->ram = membus_map_ram(r->m->mem, "ram", 0, 1u << 20, &err);
    T_CHECK(t, r->ram != NULL);
    r->pic = dt_add(t, r->m, &pic8259_class, "pic");
    r->lapic = dt_add(t, r->m, &lapic_class, "lapic");
    r->io = dt_add(t, r->m, &ioapic_class, "ioapic");
    if (bus_hz) {
        dt_prop(t, r->lapic, "bus_hz", bus_hz);
    }
    if (id) {
        dt_prop(t, r->lapic, "id", id);
    }
    T_CHECK(t, device_connect_irq(r->pic, 0, r->lapic, 0, &err));
    T_CHECK(t, device_connect_irq_sink(r->lapic, 0, x86_interp_intr, r->cpu, 0, &err));
    T_CHECK(t, device_connect_irq_sink(r->lapic, 1, x86_interp_nmi, r->cpu, 0, &err));
    r->cpu->inta = lapic_inta;
    r->cpu->inta_opaque = r->lapic;
    r->cpu->apic_base_write = lapic_apic_base_write;
    r->cpu->apic_base_opaque = r->lapic;
    lapic_set_extint(r->lapic, pic8259_inta, r->pic);
    dt_realize(t, r->m);
    apicbus_init(&r->bus);
    T_CHECK(t, lapic_attach_bus(r->lapic, &r->bus));
    T_CHECK(t, ioapic_attach_bus(r->io, &r->bus));
    /* The CPU idles in HLT with interrupts off unless a test gives it code. */
    memcpy(r->ram + 0x500, idle_code, sizeof idle_code);
    x86_load_seg_real(r->cpu, X86_CS, 0);
    r->cpu->eip = 0x500;
    r->cpu->eflags &= ~X86_IF;
}

static void rig_build(TestCtx *t, Rig *r, const char *bus_hz)
{
    rig_build_id(t, r, bus_hz, NULL);
}

static void rig_free(Rig *r)
{
    x86_interp_free(r->cpu);
    machine_free(r->m);
}

static uint32_t rd(Rig *r, uint32_t reg)
{
    return membus_read32(r->m->mem, LAPIC + reg);
}

static void wr(Rig *r, uint32_t reg, uint32_t v)
{
    membus_write32(r->m->mem, LAPIC + reg, v);
}

static void io_wr(Rig *r, uint8_t index, uint32_t v)
{
    membus_write32(r->m->mem, IOAPIC, index);
    membus_write32(r->m->mem, IOAPIC + 0x10, v);
}

static uint32_t io_rd(Rig *r, uint8_t index)
{
    membus_write32(r->m->mem, IOAPIC, index);
    return membus_read32(r->m->mem, IOAPIC + 0x10);
}

static bool irr_bit(Rig *r, unsigned v)
{
    return (rd(r, 0x200 + 0x10 * (v >> 5)) >> (v & 31)) & 1u;
}

static bool isr_bit(Rig *r, unsigned v)
{
    return (rd(r, 0x100 + 0x10 * (v >> 5)) >> (v & 31)) & 1u;
}

static bool tmr_bit(Rig *r, unsigned v)
{
    return (rd(r, 0x180 + 0x10 * (v >> 5)) >> (v & 31)) & 1u;
}

static void self_ipi(Rig *r, uint8_t vector)
{
    wr(r, 0x300, 0x00040000u | vector); /* shorthand 01 = self, fixed, edge */
}

static uint8_t ack(Rig *r)
{
    return r->cpu->inta(r->cpu->inta_opaque);
}

static uint32_t esr(Rig *r)
{
    wr(r, 0x280, 0);
    return rd(r, 0x280);
}

static void pic_init(Rig *r)
{
    Machine *m = r->m;
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
}

static void test_reset_values(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    /* CPUID.1 EDX bit 9 and IA32_APIC_BASE = FEE00900h (enabled, BSP). */
    T_CHECK(t, (x86_cpuid_features(r.cpu) & 0x200u) != 0);
    T_EQ(t, x86_rdmsr(r.cpu, 0x1B), 0xFEE00900u);
    /* SDM 10.4.7.1. */
    T_EQ(t, rd(&r, 0x020), 0);          /* ID */
    T_EQ(t, rd(&r, 0x030), 0x00040011); /* version 11h, max LVT entry 4 */
    T_EQ(t, rd(&r, 0x080), 0);          /* TPR */
    T_EQ(t, rd(&r, 0x090), 0);          /* APR */
    T_EQ(t, rd(&r, 0x0A0), 0);          /* PPR */
    T_EQ(t, rd(&r, 0x0D0), 0);          /* LDR */
    T_EQ(t, rd(&r, 0x0E0), 0xFFFFFFFF); /* DFR */
    T_EQ(t, rd(&r, 0x0F0), 0x000000FF); /* SVR */
    for (unsigned i = 0; i < 8; i++) {
        T_EQ(t, rd(&r, 0x100 + 0x10 * i), 0);
        T_EQ(t, rd(&r, 0x180 + 0x10 * i), 0);
        T_EQ(t, rd(&r, 0x200 + 0x10 * i), 0);
    }
    T_EQ(t, rd(&r, 0x280), 0);
    T_EQ(t, rd(&r, 0x300), 0);
    T_EQ(t, rd(&r, 0x310), 0);
    T_EQ(t, rd(&r, 0x320), 0x00010000);
    T_EQ(t, rd(&r, 0x340), 0x00010000);
    T_EQ(t, rd(&r, 0x350), 0x00010000);
    T_EQ(t, rd(&r, 0x360), 0x00010000);
    T_EQ(t, rd(&r, 0x370), 0x00010000);
    T_EQ(t, rd(&r, 0x380), 0);
    T_EQ(t, rd(&r, 0x390), 0);
    T_EQ(t, rd(&r, 0x3E0), 0);
    /* Reserved: reads 0, and the P6 reports an illegal register address (ESR bit 7). */
    T_EQ(t, rd(&r, 0x330), 0);
    T_EQ(t, esr(&r), 0x80);
    T_EQ(t, esr(&r), 0);
    /* The other dwords of a 16-byte slot read 0. */
    T_EQ(t, membus_read32(r.m->mem, LAPIC + 0x34), 0);
    /* A byte read of the version register. */
    T_EQ(t, membus_read8(r.m->mem, LAPIC + 0x32), 0x04);
    /* The id prop sets the APIC ID after reset. */
    rig_free(&r);
    rig_build_id(t, &r, NULL, "5");
    T_EQ(t, rd(&r, 0x020), 0x05000000);
    rig_free(&r);
}

static void test_register_masks(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    wr(&r, 0x020, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x020), 0x0F000000); /* 4-bit ID on the P6 */
    wr(&r, 0x020, 0);
    wr(&r, 0x030, 0);
    T_EQ(t, rd(&r, 0x030), 0x00040011);
    wr(&r, 0x080, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x080), 0xFF);
    wr(&r, 0x080, 0);
    wr(&r, 0x0D0, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x0D0), 0xFF000000);
    wr(&r, 0x0E0, 0);
    T_EQ(t, rd(&r, 0x0E0), 0x0FFFFFFF); /* cluster model; bits 27:0 read ones */
    /* SVR: bits 3:0 hard-wired to 1 on the P6; 9:4 writable. */
    wr(&r, 0x0F0, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x0F0), 0x000003FF);
    wr(&r, 0x0F0, 0x00000130);
    T_EQ(t, rd(&r, 0x0F0), 0x0000013F);
    /* LVT writable bits (SDM figure 10-8), software-enabled. */
    wr(&r, 0x320, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x320), 0x000300FF);
    wr(&r, 0x340, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x340), 0x000107FF);
    wr(&r, 0x350, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x350), 0x0001A7FF);
    wr(&r, 0x360, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x360), 0x0001A7FF);
    wr(&r, 0x370, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x370), 0x000100FF);
    wr(&r, 0x3E0, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x3E0), 0x0000000B);
    wr(&r, 0x310, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x310), 0xFF000000);
    /* ICR low: delivery status (12) reads idle; 31:20, 17:16, 13 reserved. A fixed self IPI
     * with vector 0x40 (0x00040040) reads back as written. */
    wr(&r, 0x300, 0x00040040);
    T_EQ(t, rd(&r, 0x300), 0x00040040);
    /* ISR/TMR/IRR/PPR/APR/current count are read-only. */
    wr(&r, 0x200, 0xFFFFFFFF);
    T_EQ(t, rd(&r, 0x200), 0);
    wr(&r, 0x0A0, 0xFF);
    T_EQ(t, rd(&r, 0x0A0), 0);
    wr(&r, 0x390, 1234);
    T_EQ(t, rd(&r, 0x390), 0);
    /* Software disable (SVR bit 8 = 0): every LVT masked; the mask cannot be cleared. */
    wr(&r, 0x0F0, 0x000000FF);
    T_EQ(t, rd(&r, 0x350) & 0x10000u, 0x10000);
    T_EQ(t, rd(&r, 0x320) & 0x10000u, 0x10000);
    wr(&r, 0x320, 0x00000020);
    T_EQ(t, rd(&r, 0x320), 0x00010020);
    /* Enabled again: the masks stay until written. */
    wr(&r, 0x0F0, 0x000001FF);
    T_EQ(t, rd(&r, 0x320), 0x00010020);
    wr(&r, 0x320, 0x00000020);
    T_EQ(t, rd(&r, 0x320), 0x00000020);
    rig_free(&r);
}

static void test_priority(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    wr(&r, 0x0F0, 0x1FF);
    self_ipi(&r, 0x45);
    T_CHECK(t, irr_bit(&r, 0x45));
    T_CHECK(t, !tmr_bit(&r, 0x45));
    T_CHECK(t, r.cpu->intr_line);
    /* TPR class 4 holds vector class 4; TPR 3Fh does not. */
    wr(&r, 0x080, 0x40);
    T_EQ(t, rd(&r, 0x0A0), 0x40);
    T_CHECK(t, !r.cpu->intr_line);
    wr(&r, 0x080, 0x3F);
    T_EQ(t, rd(&r, 0x0A0), 0x3F);
    T_CHECK(t, r.cpu->intr_line);
    wr(&r, 0x080, 0);
    /* Acknowledge: IRR -> ISR, PPR = ISRV class. */
    T_EQ(t, ack(&r), 0x45);
    T_CHECK(t, !irr_bit(&r, 0x45));
    T_CHECK(t, isr_bit(&r, 0x45));
    T_EQ(t, rd(&r, 0x0A0), 0x40);
    T_CHECK(t, !r.cpu->intr_line);
    /* Same class waits; a higher class nests. */
    self_ipi(&r, 0x43);
    T_CHECK(t, !r.cpu->intr_line);
    self_ipi(&r, 0x61);
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x61);
    T_EQ(t, rd(&r, 0x0A0), 0x60);
    /* PPR keeps TPR's low bits when TPR's class is not below ISRV's. */
    wr(&r, 0x080, 0x65);
    T_EQ(t, rd(&r, 0x0A0), 0x65);
    wr(&r, 0x080, 0x00);
    /* EOI clears the highest in-service vector first. */
    wr(&r, 0x0B0, 0);
    T_CHECK(t, !isr_bit(&r, 0x61));
    T_CHECK(t, isr_bit(&r, 0x45));
    T_EQ(t, rd(&r, 0x0A0), 0x40);
    T_CHECK(t, !r.cpu->intr_line);
    wr(&r, 0x0B0, 0);
    T_EQ(t, rd(&r, 0x0A0), 0x00);
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x43);
    wr(&r, 0x0B0, 0);
    T_EQ(t, rd(&r, 0x100 + 0x20), 0);
    /* An EOI with nothing in service does nothing. */
    wr(&r, 0x0B0, 0);
    T_EQ(t, rd(&r, 0x0A0), 0);
    /* APR (SDM 10.6.2.4): TPR when its class is >= IRRV's and > ISRV's, else the highest class. */
    wr(&r, 0x080, 0x20);
    self_ipi(&r, 0x55);
    T_EQ(t, rd(&r, 0x090), 0x50);
    wr(&r, 0x080, 0x72);
    T_EQ(t, rd(&r, 0x090), 0x72);
    /* Spurious (SDM 10.9): the request is withdrawn (TPR raised) between INTR and INTA. */
    wr(&r, 0x080, 0x00);
    T_CHECK(t, r.cpu->intr_line);
    wr(&r, 0x0F0, 0x13F);
    T_EQ(t, rd(&r, 0x0F0), 0x13F);
    wr(&r, 0x080, 0xF0);
    T_EQ(t, ack(&r), 0x3F);
    T_CHECK(t, irr_bit(&r, 0x55));
    T_CHECK(t, !isr_bit(&r, 0x55));
    wr(&r, 0x080, 0x00);
    T_EQ(t, ack(&r), 0x55);
    wr(&r, 0x0B0, 0);
    /* Highest vector wins among several requests. */
    self_ipi(&r, 0x31);
    self_ipi(&r, 0xA2);
    self_ipi(&r, 0x7E);
    T_EQ(t, ack(&r), 0xA2);
    T_EQ(t, ack(&r), 0x3F); /* PPR class A: 7Eh waits, so the spurious vector */
    wr(&r, 0x0B0, 0);
    T_EQ(t, ack(&r), 0x7E);
    wr(&r, 0x0B0, 0);
    T_EQ(t, ack(&r), 0x31);
    wr(&r, 0x0B0, 0);
    T_CHECK(t, !r.cpu->intr_line);
    rig_free(&r);
}

static void test_errors(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    wr(&r, 0x0F0, 0x1FF);
    /* A fixed IPI with a vector below 16: send illegal vector (bit 5), nothing delivered. */
    self_ipi(&r, 0x05);
    T_EQ(t, rd(&r, 0x200), 0);
    T_EQ(t, rd(&r, 0x280), 0); /* not visible before the ESR write */
    T_EQ(t, esr(&r), 0x20);
    T_EQ(t, esr(&r), 0);
    /* A local source with an illegal vector: receive illegal vector (bit 6); the error LVT,
     * unmasked, raises its own vector. */
    wr(&r, 0x370, 0xE0);
    wr(&r, 0x350, 0x00000008); /* LINT0 fixed, edge, vector 8 */
    lapic_class.irq_in(r.lapic, 0, true);
    lapic_class.irq_in(r.lapic, 0, false);
    T_CHECK(t, irr_bit(&r, 0xE0));
    T_EQ(t, esr(&r), 0x40);
    T_EQ(t, ack(&r), 0xE0);
    wr(&r, 0x0B0, 0);
    /* An IPI to a destination nobody has (physical ID 3): send accept error (bit 2). */
    wr(&r, 0x310, 0x03000000);
    wr(&r, 0x300, 0x00000050);
    T_CHECK(t, !irr_bit(&r, 0x50));
    T_EQ(t, esr(&r), 0x04);
    rig_free(&r);
}

static void test_destinations(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    wr(&r, 0x0F0, 0x1FF);
    /* Physical: ID 3, or the broadcast 0Fh. */
    wr(&r, 0x020, 0x03000000);
    wr(&r, 0x310, 0x03000000);
    wr(&r, 0x300, 0x00000050);
    T_CHECK(t, irr_bit(&r, 0x50));
    wr(&r, 0x310, 0x00000000);
    wr(&r, 0x300, 0x00000051);
    T_CHECK(t, !irr_bit(&r, 0x51));
    wr(&r, 0x310, 0x0F000000);
    wr(&r, 0x300, 0x00000052);
    T_CHECK(t, irr_bit(&r, 0x52));
    /* All including self; all excluding self (nobody else: not delivered here). */
    wr(&r, 0x300, 0x00080053);
    T_CHECK(t, irr_bit(&r, 0x53));
    wr(&r, 0x300, 0x000C0054);
    T_CHECK(t, !irr_bit(&r, 0x54));
    /* Logical, flat model: LDR bit set in the destination. */
    wr(&r, 0x0D0, 0x01000000);
    wr(&r, 0x310, 0x02000000);
    wr(&r, 0x300, 0x00000855);
    T_CHECK(t, !irr_bit(&r, 0x55));
    wr(&r, 0x310, 0x03000000);
    wr(&r, 0x300, 0x00000856);
    T_CHECK(t, irr_bit(&r, 0x56));
    /* Logical, cluster model: cluster 2, member bit 0. */
    wr(&r, 0x0E0, 0x0FFFFFFF);
    wr(&r, 0x0D0, 0x21000000);
    wr(&r, 0x310, 0x21000000);
    wr(&r, 0x300, 0x00000857);
    T_CHECK(t, irr_bit(&r, 0x57));
    wr(&r, 0x310, 0x11000000);
    wr(&r, 0x300, 0x00000858);
    T_CHECK(t, !irr_bit(&r, 0x58));
    wr(&r, 0x310, 0xF1000000);
    wr(&r, 0x300, 0x00000859);
    T_CHECK(t, irr_bit(&r, 0x59));
    wr(&r, 0x310, 0x22000000);
    wr(&r, 0x300, 0x0000085A);
    T_CHECK(t, !irr_bit(&r, 0x5A));
    /* The same rules for I/O APIC messages: INTIN2 logical destination 21h vs 12h. */
    io_wr(&r, 0x11 + 2 * 2, 0x12000000);
    io_wr(&r, 0x10 + 2 * 2, 0x0000087A);
    ioapic_class.irq_in(r.io, 2, true);
    T_CHECK(t, !irr_bit(&r, 0x7A));
    ioapic_class.irq_in(r.io, 2, false);
    io_wr(&r, 0x11 + 2 * 2, 0x21000000);
    ioapic_class.irq_in(r.io, 2, true);
    T_CHECK(t, irr_bit(&r, 0x7A));
    /* Software-disabled: fixed messages are not accepted. */
    wr(&r, 0x0F0, 0x0FF);
    ioapic_class.irq_in(r.io, 2, false);
    io_wr(&r, 0x10 + 2 * 2, 0x0000087B);
    ioapic_class.irq_in(r.io, 2, true);
    T_CHECK(t, !irr_bit(&r, 0x7B));
    rig_free(&r);
}

static void test_ioapic_level_eoi(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    wr(&r, 0x0F0, 0x1FF);
    /* INTIN9: vector 59h, level, active high, physical destination 0. */
    io_wr(&r, 0x11 + 2 * 9, 0x00000000);
    io_wr(&r, 0x10 + 2 * 9, 0x00008059);
    ioapic_class.irq_in(r.io, 9, true);
    T_CHECK(t, irr_bit(&r, 0x59));
    T_CHECK(t, tmr_bit(&r, 0x59)); /* level: TMR set */
    T_EQ(t, io_rd(&r, 0x10 + 2 * 9), 0x0000C059); /* remote IRR */
    T_EQ(t, ack(&r), 0x59);
    /* EOI with the line still high: the I/O APIC sends it again. */
    wr(&r, 0x0B0, 0);
    T_CHECK(t, irr_bit(&r, 0x59));
    T_EQ(t, io_rd(&r, 0x10 + 2 * 9), 0x0000C059);
    T_EQ(t, ack(&r), 0x59);
    ioapic_class.irq_in(r.io, 9, false);
    wr(&r, 0x0B0, 0);
    T_CHECK(t, !irr_bit(&r, 0x59));
    T_EQ(t, io_rd(&r, 0x10 + 2 * 9), 0x00008059);
    T_CHECK(t, !r.cpu->intr_line);
    /* Edge entry (INTIN4, 34h): TMR clear, its EOI goes nowhere, one message per edge. */
    io_wr(&r, 0x10 + 2 * 4, 0x00000034);
    ioapic_class.irq_in(r.io, 4, true);
    T_CHECK(t, irr_bit(&r, 0x34));
    T_CHECK(t, !tmr_bit(&r, 0x34));
    T_EQ(t, ack(&r), 0x34);
    wr(&r, 0x0B0, 0);
    T_CHECK(t, !irr_bit(&r, 0x34));
    /* Masked entry: nothing reaches the local APIC. */
    ioapic_class.irq_in(r.io, 4, false);
    io_wr(&r, 0x10 + 2 * 4, 0x00010034);
    ioapic_class.irq_in(r.io, 4, true);
    T_CHECK(t, !irr_bit(&r, 0x34));
    /* Active-low level entry (INTIN16, a PCI line): asserted when the pin is low. */
    ioapic_class.irq_in(r.io, 16, true);
    io_wr(&r, 0x10 + 2 * 16, 0x0000A0B1);
    T_CHECK(t, !irr_bit(&r, 0xB1));
    ioapic_class.irq_in(r.io, 16, false);
    T_CHECK(t, irr_bit(&r, 0xB1));
    T_EQ(t, ack(&r), 0xB1);
    ioapic_class.irq_in(r.io, 16, true);
    wr(&r, 0x0B0, 0);
    T_EQ(t, io_rd(&r, 0x10 + 2 * 16), 0x0000A0B1);
    rig_free(&r);
}

static Event *timer_event(Rig *r)
{
    return clock_event_find(r->m->clock, "lapic.timer");
}

static void test_timer(TestCtx *t)
{
    Rig r;
    /* 100 MHz bus: one bus clock = 10 ns. */
    rig_build(t, &r, "100000000");
    wr(&r, 0x0F0, 0x1FF);
    dt_step(r.m, 1000);
    /* One-shot, divide by 2 (TDCR 0), 1000 counts: 2000 bus clocks = 20000 ns. */
    wr(&r, 0x3E0, 0x0);
    wr(&r, 0x320, 0x00000030);
    int64_t t0 = dt_now(r.m);
    wr(&r, 0x380, 1000);
    T_EQ(t, rd(&r, 0x380), 1000);
    T_EQ(t, rd(&r, 0x390), 1000);
    T_EQ(t, clock_event_deadline(timer_event(&r)), t0 + 20000);
    dt_step(r.m, 10000);
    T_EQ(t, rd(&r, 0x390), 500);
    /* 19990 ns: 1999 bus clocks, 999 ticks. (Reads sync to the CPU's own time, which may be up
     * to one CPU cycle past the clock's, so stay a cycle clear of the expiry.) */
    dt_step(r.m, 9990);
    T_EQ(t, rd(&r, 0x390), 1);
    T_CHECK(t, !irr_bit(&r, 0x30));
    dt_step(r.m, 9);
    T_CHECK(t, !irr_bit(&r, 0x30));
    dt_step(r.m, 1);
    T_CHECK(t, irr_bit(&r, 0x30));
    T_EQ(t, rd(&r, 0x390), 0);
    T_CHECK(t, !clock_event_pending(timer_event(&r)));
    dt_step(r.m, 100000);
    T_EQ(t, rd(&r, 0x390), 0); /* one-shot stays at 0 */
    T_EQ(t, ack(&r), 0x30);
    wr(&r, 0x0B0, 0);
    /* Dividers (TDCR bits 0,1,3): 1011b = 1, 0011b = 16, 1000b = 32, 1010b = 128. */
    static const struct {
        uint32_t dcr;
        int64_t ns; /* for 100 counts */
    } divs[] = {{0xB, 1000}, {0x1, 4000}, {0x3, 16000}, {0x8, 32000}, {0x9, 64000},
                {0xA, 128000}, {0x2, 8000}};
    for (unsigned i = 0; i < sizeof divs / sizeof divs[0]; i++) {
        wr(&r, 0x3E0, divs[i].dcr);
        int64_t s0 = dt_now(r.m);
        wr(&r, 0x380, 100);
        T_EQ(t, clock_event_deadline(timer_event(&r)), s0 + divs[i].ns);
        dt_step(r.m, divs[i].ns);
        T_CHECK(t, irr_bit(&r, 0x30));
        T_EQ(t, ack(&r), 0x30);
        wr(&r, 0x0B0, 0);
    }
    /* Periodic, divide by 1, 250 counts: every 2500 ns from the write. */
    wr(&r, 0x3E0, 0xB);
    wr(&r, 0x320, 0x00020031);
    int64_t p0 = dt_now(r.m);
    wr(&r, 0x380, 250);
    for (int k = 1; k <= 4; k++) {
        T_EQ(t, clock_event_deadline(timer_event(&r)), p0 + 2500 * k);
        dt_step(r.m, 2500);
        T_CHECK(t, irr_bit(&r, 0x31));
        T_EQ(t, ack(&r), 0x31);
        wr(&r, 0x0B0, 0);
    }
    dt_step(r.m, 300);
    T_EQ(t, rd(&r, 0x390), 220); /* 30 ticks into the fifth period */
    /* Masked: counting goes on, no interrupt. */
    wr(&r, 0x320, 0x00030031);
    dt_step(r.m, 5000);
    T_CHECK(t, !irr_bit(&r, 0x31));
    T_EQ(t, rd(&r, 0x390), 220);
    /* Initial count 0 stops the timer. */
    wr(&r, 0x380, 0);
    T_EQ(t, rd(&r, 0x390), 0);
    T_CHECK(t, !clock_event_pending(timer_event(&r)));
    rig_free(&r);

    /* The default bus clock (66666667 Hz), divide by 16, 1000 counts: 16000 bus clocks =
     * 239999.9988 ns, so the interrupt comes at the first whole ns after: +240000. */
    rig_build(t, &r, NULL);
    wr(&r, 0x0F0, 0x1FF);
    wr(&r, 0x3E0, 0x3);
    wr(&r, 0x320, 0x00000040);
    int64_t d0 = dt_now(r.m);
    wr(&r, 0x380, 1000);
    T_EQ(t, clock_event_deadline(timer_event(&r)), d0 + 240000);
    dt_step(r.m, 120000); /* 8000 bus clocks: 500 ticks */
    T_EQ(t, rd(&r, 0x390), 500);
    dt_step(r.m, 120000);
    T_CHECK(t, irr_bit(&r, 0x40));
    rig_free(&r);
}

static void test_extint_nmi(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    pic_init(&r);
    /* Software-disabled after reset: LINT0 masked, the 8259 does not reach INTR. */
    pic8259_class.irq_in(r.pic, 1, true);
    T_CHECK(t, !r.cpu->intr_line);
    /* SeaBIOS's setup: SVR enable, LINT0 = 8700h (ExtINT), LINT1 = 8400h (NMI). */
    wr(&r, 0x0F0, 0x1FF);
    wr(&r, 0x350, 0x8700);
    wr(&r, 0x360, 0x8400);
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x09); /* the 8259's vector for IRQ 1 */
    T_CHECK(t, !r.cpu->intr_line);
    T_EQ(t, rd(&r, 0x100 + 0x00), 0); /* ExtINT bypasses ISR */
    pic8259_class.irq_in(r.pic, 1, false);
    outb(r.m, 0x20, 0x20);
    /* ExtINT does not wait for TPR. */
    wr(&r, 0x080, 0xF0);
    pic8259_class.irq_in(r.pic, 12, true);
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x74);
    pic8259_class.irq_in(r.pic, 12, false);
    outb(r.m, 0xA0, 0x20);
    outb(r.m, 0x20, 0x20);
    wr(&r, 0x080, 0x00);
    /* LINT0 masked: held off. */
    wr(&r, 0x350, 0x18700);
    pic8259_class.irq_in(r.pic, 3, true);
    T_CHECK(t, !r.cpu->intr_line);
    wr(&r, 0x350, 0x8700);
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x0B);
    pic8259_class.irq_in(r.pic, 3, false);
    outb(r.m, 0x20, 0x20);
    /* LINT1 NMI: one NMI per rising edge. */
    T_CHECK(t, !r.cpu->nmi_pending);
    lapic_class.irq_in(r.lapic, 1, true);
    T_CHECK(t, r.cpu->nmi_pending);
    r.cpu->nmi_pending = false;
    lapic_class.irq_in(r.lapic, 1, true);
    T_CHECK(t, !r.cpu->nmi_pending);
    lapic_class.irq_in(r.lapic, 1, false);
    /* An NMI IPI to self. */
    wr(&r, 0x300, 0x00040400);
    T_CHECK(t, r.cpu->nmi_pending);
    r.cpu->nmi_pending = false;
    /* ExtINT from the I/O APIC (INTIN0 in ExtINT mode): the acknowledge goes to the 8259. */
    io_wr(&r, 0x10, 0x00000700);
    pic8259_class.irq_in(r.pic, 4, true);
    ioapic_class.irq_in(r.io, 0, true);
    wr(&r, 0x350, 0x18700); /* LINT0 out of the way */
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x0C);
    T_CHECK(t, !r.cpu->intr_line);
    rig_free(&r);
}

static void test_hw_disable(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, NULL);
    pic_init(&r);
    wr(&r, 0x0F0, 0x1FF);
    self_ipi(&r, 0x66);
    T_CHECK(t, r.cpu->intr_line);
    /* IA32_APIC_BASE bit 11 cleared: the window is gone (reads float), LINT0 is INTR. */
    x86_wrmsr(r.cpu, 0x1B, 0xFEE00000u);
    T_EQ(t, x86_rdmsr(r.cpu, 0x1B), 0xFEE00100u);
    T_EQ(t, rd(&r, 0x030), 0xFFFFFFFF);
    T_CHECK(t, !r.cpu->intr_line);
    pic8259_class.irq_in(r.pic, 6, true);
    T_CHECK(t, r.cpu->intr_line);
    T_EQ(t, ack(&r), 0x0E);
    pic8259_class.irq_in(r.pic, 6, false);
    outb(r.m, 0x20, 0x20);
    T_CHECK(t, !r.cpu->intr_line);
    /* LINT1 is NMI. */
    lapic_class.irq_in(r.lapic, 1, true);
    T_CHECK(t, r.cpu->nmi_pending);
    r.cpu->nmi_pending = false;
    lapic_class.irq_in(r.lapic, 1, false);
    /* I/O APIC messages find no local APIC. */
    io_wr(&r, 0x10 + 2 * 5, 0x00008055);
    ioapic_class.irq_in(r.io, 5, true);
    T_EQ(t, io_rd(&r, 0x10 + 2 * 5), 0x00009055); /* send pending, no remote IRR */
    ioapic_class.irq_in(r.io, 5, false);
    /* The P6 cannot re-enable without a reset (SDM 10.4.3). */
    x86_wrmsr(r.cpu, 0x1B, 0xFEE00800u);
    T_EQ(t, rd(&r, 0x030), 0xFFFFFFFF);
    /* A reset brings it back at FEE00000h in its reset state. */
    machine_reset(r.m, RESET_COLD);
    T_EQ(t, rd(&r, 0x030), 0x00040011);
    T_EQ(t, rd(&r, 0x0F0), 0xFF);
    /* Moving the window. */
    x86_wrmsr(r.cpu, 0x1B, 0xFED00800u);
    T_EQ(t, rd(&r, 0x030), 0xFFFFFFFF);
    T_EQ(t, membus_read32(r.m->mem, 0xFED00030u), 0x00040011);
    rig_free(&r);
}

/* The CPU itself: periodic timer interrupts through the IDT... the IVT here (real mode), the
 * handler counting in memory and writing EOI through a 4 GiB DS limit ("big real mode"). */
static void test_cpu_runs(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, "100000000");
    static const uint8_t handler_timer[] = {
        0xFE, 0x06, 0x00, 0x07,                         /* inc byte [0700h] */
        0x66, 0x67, 0xC7, 0x05, 0xB0, 0x00, 0xE0, 0xFE, /* mov dword [dword FEE000B0h], 0 */
        0x00, 0x00, 0x00, 0x00,
        0xCF,                                           /* iret */
    };
    static const uint8_t handler_pic[] = {
        0xFE, 0x06, 0x01, 0x07, /* inc byte [0701h] */
        0x50,                   /* push ax */
        0xB0, 0x20, 0xE6, 0x20, /* mov al, 20h; out 20h, al */
        0x58,                   /* pop ax */
        0xCF,                   /* iret */
    };
    static const uint8_t main_code[] = {0xFB, 0xF4, 0xEB, 0xFD}; /* sti; hlt; jmp hlt */
    memcpy(r.ram + 0x600, handler_timer, sizeof handler_timer);
    memcpy(r.ram + 0x680, handler_pic, sizeof handler_pic);
    memcpy(r.ram + 0x400, main_code, sizeof main_code);
    membus_write16(r.m->mem, 0x40 * 4, 0x0600);
    membus_write16(r.m->mem, 0x40 * 4 + 2, 0);
    membus_write16(r.m->mem, 0x09 * 4, 0x0680);
    membus_write16(r.m->mem, 0x09 * 4 + 2, 0);
    x86_load_seg_real(r.cpu, X86_DS, 0);
    r.cpu->seg[X86_DS].limit = 0xFFFFFFFFu;
    x86_load_seg_real(r.cpu, X86_SS, 0x2000);
    r.cpu->regs[X86_ESP] = 0xFFFE;
    r.cpu->eip = 0x400;
    pic_init(&r);
    wr(&r, 0x0F0, 0x1FF);
    wr(&r, 0x350, 0x8700);
    /* Periodic, vector 40h, divide by 1, 1000 counts = 10 us. */
    wr(&r, 0x3E0, 0xB);
    wr(&r, 0x320, 0x00020040);
    wr(&r, 0x380, 1000);
    machine_run_for(r.m, 105 * US);
    T_EQ(t, r.ram[0x700], 10);
    T_EQ(t, rd(&r, 0x100 + 0x20), 0); /* every EOI landed */
    /* An 8259 interrupt through LINT0 (ExtINT) while the timer runs. */
    pic8259_class.irq_in(r.pic, 1, true);
    machine_run_for(r.m, 1 * US);
    pic8259_class.irq_in(r.pic, 1, false);
    T_EQ(t, r.ram[0x701], 1);
    /* Stop the timer; hardware-disable the APIC: the 8259 goes straight to INTR. */
    wr(&r, 0x380, 0);
    x86_wrmsr(r.cpu, 0x1B, 0xFEE00000u);
    pic8259_class.irq_in(r.pic, 1, true);
    machine_run_for(r.m, 1 * US);
    pic8259_class.irq_in(r.pic, 1, false);
    T_EQ(t, r.ram[0x701], 2);
    machine_run_for(r.m, 50 * US);
    T_EQ(t, r.ram[0x700], 10);
    T_CHECK(t, r.cpu->halted);
    rig_free(&r);
}

/* The guest itself starts a one-shot timer by an MMIO write in the middle of a long run with no
 * other event: the APIC must see the CPU's own time at the write (not the run's start) and the
 * run must stop when the new deadline comes, so the interrupt arrives 1 us (300 CPU cycles at
 * 300 MHz) after the write, measured with the guest's own RDTSC. */
static void test_cpu_starts_timer(TestCtx *t)
{
    Rig r;
    rig_build(t, &r, "100000000");
    static const uint8_t main_code[] = {
        0xB9, 0xB8, 0x0B,                               /* mov cx, 3000 */
        0xE2, 0xFE,                                     /* loop $ */
        0x0F, 0x31,                                     /* rdtsc */
        0x66, 0xA3, 0x08, 0x07,                         /* mov [0708h], eax */
        0x66, 0x67, 0xC7, 0x05, 0x80, 0x03, 0xE0, 0xFE, /* mov dword [dword FEE00380h], 100 */
        0x64, 0x00, 0x00, 0x00,
        0xFB,                                           /* sti */
        0xEB, 0xFE,                                     /* jmp $ */
    };
    static const uint8_t handler[] = {
        0x0F, 0x31,                                     /* rdtsc */
        0x66, 0xA3, 0x04, 0x07,                         /* mov [0704h], eax */
        0xFE, 0x06, 0x00, 0x07,                         /* inc byte [0700h] */
        0x66, 0x67, 0xC7, 0x05, 0xB0, 0x00, 0xE0, 0xFE, /* mov dword [dword FEE000B0h], 0 */
        0x00, 0x00, 0x00, 0x00,
        0xCF,                                           /* iret */
    };
    memcpy(r.ram + 0x400, main_code, sizeof main_code);
    memcpy(r.ram + 0x600, handler, sizeof handler);
    membus_write16(r.m->mem, 0x40 * 4, 0x0600);
    membus_write16(r.m->mem, 0x40 * 4 + 2, 0);
    x86_load_seg_real(r.cpu, X86_DS, 0);
    r.cpu->seg[X86_DS].limit = 0xFFFFFFFFu;
    x86_load_seg_real(r.cpu, X86_SS, 0x2000);
    r.cpu->regs[X86_ESP] = 0xFFFE;
    r.cpu->eip = 0x400;
    r.cpu->halted = false;
    wr(&r, 0x0F0, 0x1FF);
    /* One-shot, vector 40h, divide by 1: the guest's count of 100 is 1 us at 100 MHz. */
    wr(&r, 0x3E0, 0xB);
    wr(&r, 0x320, 0x00000040);
    machine_run_for(r.m, 1000 * US);
    T_EQ(t, r.ram[0x700], 1);
    uint32_t written = membus_read32(r.m->mem, 0x708);
    uint32_t taken = membus_read32(r.m->mem, 0x704);
    T_CHECK(t, written > 3000); /* the write came well into the run */
    uint32_t latency = taken - written;
    if (latency < 300 || latency > 450) {
        fprintf(stderr, "timer interrupt %u CPU cycles after the write\n", latency);
    }
    T_CHECK(t, latency >= 300 && latency <= 450);
    rig_free(&r);
}

static void test_save_load(TestCtx *t)
{
    char path[] = "/tmp/amber-lapic-state-XXXXXX";
    int fd = mkstemp(path);
    T_CHECK(t, fd >= 0);
    close(fd);
    Rig a, b;
    rig_build(t, &a, "100000000");
    rig_build(t, &b, "100000000");
    wr(&a, 0x0F0, 0x1FF);
    wr(&a, 0x080, 0x20);
    wr(&a, 0x0D0, 0x04000000);
    wr(&a, 0x350, 0x8700);
    self_ipi(&a, 0x91);
    T_EQ(t, ack(&a), 0x91);
    self_ipi(&a, 0x62);
    self_ipi(&a, 0xA3);
    /* Periodic timer mid-period: divide by 4, 700 counts = 28000 ns. */
    wr(&a, 0x3E0, 0x1);
    wr(&a, 0x320, 0x00020070);
    wr(&a, 0x380, 700);
    dt_step(a.m, 41000);
    dt_save(t, a.m, path);
    dt_load(t, b.m, path);
    unlink(path);
    T_EQ(t, machine_state_hash(b.m), machine_state_hash(a.m));
    T_EQ(t, b.cpu->intr_line, a.cpu->intr_line);
    T_EQ(t, rd(&b, 0x390), rd(&a, 0x390));
    T_EQ(t, rd(&a, 0x390), 700 - (41000 - 28000) / 40);
    T_EQ(t, clock_event_deadline(timer_event(&b)), clock_event_deadline(timer_event(&a)));
    /* Continue both the same way. */
    for (int k = 0; k < 3; k++) {
        dt_step(a.m, 13000);
        dt_step(b.m, 13000);
        T_EQ(t, rd(&b, 0x390), rd(&a, 0x390));
        T_EQ(t, ack(&b), ack(&a));
        wr(&a, 0x0B0, 0);
        wr(&b, 0x0B0, 0);
        T_EQ(t, rd(&b, 0x0A0), rd(&a, 0x0A0));
    }
    T_EQ(t, machine_state_hash(b.m), machine_state_hash(a.m));
    rig_free(&a);
    rig_free(&b);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_reset_values);
    T_RUN(&t, test_register_masks);
    T_RUN(&t, test_priority);
    T_RUN(&t, test_errors);
    T_RUN(&t, test_destinations);
    T_RUN(&t, test_ioapic_level_eoi);
    T_RUN(&t, test_timer);
    T_RUN(&t, test_extint_nmi);
    T_RUN(&t, test_hw_disable);
    T_RUN(&t, test_cpu_runs);
    T_RUN(&t, test_cpu_starts_timer);
    T_RUN(&t, test_save_load);
    return t_finish(&t);
}
