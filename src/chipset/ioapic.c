/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82093AA I/O Advanced Programmable Interrupt Controller.
 * Source: Intel 82093AA I/O APIC data sheet (order no. 290566-001, May 1996): 2.0 signal
 * description (INTIN0-23), 3.0 register description — 3.1 memory-mapped registers (IOREGSEL at
 * FEC0_xy00h, IOWIN at FEC0_xy10h), 3.2.1 IOAPICID (index 00h, ID in bits 27:24), 3.2.2
 * IOAPICVER (01h: version 11h in bits 7:0, maximum redirection entry 17h in bits 23:16),
 * 3.2.3 IOAPICARB (02h, arbitration ID in bits 27:24, loaded from the ID when the ID is
 * written), 3.2.4 IOREDTBL[0:23] (10h-3Fh: 7:0 vector, 10:8 delivery mode, 11 destination
 * mode, 12 delivery status (RO), 13 polarity (1 = low active), 14 remote IRR (RO), 15 trigger
 * mode (1 = level), 16 mask, 63:56 destination; after reset every entry is masked).
 *
 * Modelled: the register file with its read-only bits; edge inputs (a rising edge of the
 * asserted level of an unmasked pin sends one message; edges on a masked pin are lost, as the
 * data sheet says) and level inputs (while asserted, unmasked and remote IRR clear, a message is
 * sent and remote IRR set when a local APIC accepts; a local APIC's EOI of the vector clears
 * remote IRR and an input still asserted sends again); SMI, NMI, INIT and ExtINT entries are
 * always edge-triggered (3.2.4, delivery mode). Delivery status reads 1 while a level interrupt
 * is asserted but no local APIC accepted it. Setting an entry to edge-triggered clears its
 * remote IRR (what Linux relies on to unstick an entry on I/O APICs without an EOI register).
 *
 * Not modelled: the APIC bus's timing (messages arrive at once), the arbitration ID's role in
 * bus arbitration (it is only stored), the PIIX3's relocation of the window (the board's "base"
 * prop places it), accesses other than to IOREGSEL/IOWIN (reads 0, writes ignored, logged once).
 */
#include "chipset/ioapic.h"

#include "core/machine.h"

#define IOAPIC_VERSION 0x11u
#define IOAPIC_MAX_ENTRY (IOAPIC_PINS - 1)

/* Redirection entry bits (data sheet 3.2.4). */
#define RTE_VECTOR 0x000000FFu
#define RTE_DM_SHIFT 8
#define RTE_DESTMODE (1u << 11)
#define RTE_DELIVS (1u << 12)
#define RTE_POLARITY (1u << 13)
#define RTE_REMOTE_IRR (1u << 14)
#define RTE_TRIGGER (1u << 15)
#define RTE_MASK (1u << 16)
/* Writable: vector, delivery mode, destination mode, polarity, trigger, mask, destination. */
#define RTE_WRITABLE (UINT64_C(0xFF00000000000000) | 0x1AFFFu)

typedef struct IoapicState {
    /* Props. */
    uint64_t base;

    /* Saved state. */
    uint8_t regsel;
    uint32_t id;                   /* IOAPICID: bits 27:24 */
    uint32_t arb;                  /* IOAPICARB: bits 27:24 */
    uint64_t rte[IOAPIC_PINS];
    uint32_t pins;                 /* raw input levels, bit n = INTIN n */

    /* Wiring and log flags (not saved). */
    Device *dev;
    ApicBus *bus;
    bool once_access, once_reserved, once_size;
} IoapicState;

static const StateField ioapic_state_fields[] = {
    STATE_FIELD(IoapicState, regsel, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(IoapicState, id, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(IoapicState, arb, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(IoapicState, rte, STATE_U64, IOAPIC_PINS, STATE_FMT_HEX, 1),
    STATE_FIELD(IoapicState, pins, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static const PropDef ioapic_props[] = {
    {"base", PROP_UINT, offsetof(IoapicState, base), 0, 0xFFFFF000, "0xFEC00000", NULL,
     "physical address of the register window (IOREGSEL; IOWIN at +10h)"},
    PROP_END,
};

static unsigned rte_mode(uint64_t rte)
{
    return (unsigned)(rte >> RTE_DM_SHIFT) & 7u;
}

/* SMI, NMI, INIT and ExtINT "require the trigger mode to be edge" (3.2.4): treated so. */
static bool rte_level(uint64_t rte)
{
    unsigned mode = rte_mode(rte);
    return (rte & RTE_TRIGGER) && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST);
}

static bool pin_asserted(const IoapicState *s, unsigned n)
{
    bool level = (s->pins >> n) & 1u;
    return (s->rte[n] & RTE_POLARITY) ? !level : level;
}

static bool ioapic_send(IoapicState *s, unsigned n)
{
    uint64_t rte = s->rte[n];
    ApicMessage msg = {
        .vector = (uint8_t)(rte & RTE_VECTOR),
        .delivery_mode = (uint8_t)rte_mode(rte),
        .logical = (rte & RTE_DESTMODE) != 0,
        .level = rte_level(rte),
        .assert = true,
        .dest = (uint8_t)(rte >> 56),
    };
    return apicbus_send(s->bus, &msg, NULL);
}

/* A level entry: sends while asserted, unmasked and not already in service (remote IRR). */
static void ioapic_service_level(IoapicState *s, unsigned n)
{
    uint64_t *rte = &s->rte[n];
    if (!rte_level(*rte)) {
        return;
    }
    if (!pin_asserted(s, n) || (*rte & RTE_MASK)) {
        *rte &= ~(uint64_t)RTE_DELIVS;
        return;
    }
    if (*rte & RTE_REMOTE_IRR) {
        return;
    }
    if (ioapic_send(s, n)) {
        *rte |= RTE_REMOTE_IRR;
        *rte &= ~(uint64_t)RTE_DELIVS;
    } else {
        *rte |= RTE_DELIVS; /* send pending: nobody accepted */
    }
}

static void ioapic_irq_in(void *opaque, int n, bool level)
{
    Device *dev = opaque;
    IoapicState *s = dev->s;
    if (n < 0 || n >= IOAPIC_PINS) {
        return;
    }
    bool was = pin_asserted(s, (unsigned)n);
    if (level) {
        s->pins |= 1u << n;
    } else {
        s->pins &= ~(1u << n);
    }
    bool now = pin_asserted(s, (unsigned)n);
    uint64_t rte = s->rte[n];
    if (rte_level(rte)) {
        ioapic_service_level(s, (unsigned)n);
    } else if (now && !was && !(rte & RTE_MASK)) {
        ioapic_send(s, (unsigned)n);
    }
}

/* EOI message from a local APIC (data sheet 3.2.4, remote IRR: "reset when an EOI message is
 * received from a local APIC" with the entry's vector). */
static void ioapic_eoi(void *opaque, uint8_t vector)
{
    IoapicState *s = opaque;
    for (unsigned n = 0; n < IOAPIC_PINS; n++) {
        uint64_t *rte = &s->rte[n];
        if ((*rte & RTE_VECTOR) == vector && (*rte & RTE_REMOTE_IRR)) {
            *rte &= ~(uint64_t)RTE_REMOTE_IRR;
            ioapic_service_level(s, n);
        }
    }
}

static uint32_t ioapic_read_reg(IoapicState *s, uint8_t index)
{
    switch (index) {
    case 0x00:
        return s->id;
    case 0x01:
        return ((uint32_t)IOAPIC_MAX_ENTRY << 16) | IOAPIC_VERSION;
    case 0x02:
        return s->arb;
    default:
        break;
    }
    if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_PINS) {
        uint64_t rte = s->rte[(index - 0x10) / 2];
        return (index & 1) ? (uint32_t)(rte >> 32) : (uint32_t)rte;
    }
    amber_log_once(&s->dev->machine->log, LOG_PIC, &s->once_reserved,
                   "%s: read of reserved register %02Xh", s->dev->id, index);
    return 0;
}

static void ioapic_write_reg(IoapicState *s, uint8_t index, uint32_t v)
{
    switch (index) {
    case 0x00:
        s->id = v & 0x0F000000u;
        s->arb = s->id; /* 3.2.3: IOAPICARB is loaded whenever IOAPICID is written */
        return;
    case 0x01:
    case 0x02:
        return; /* read-only */
    default:
        break;
    }
    if (index >= 0x10 && index < 0x10 + 2 * IOAPIC_PINS) {
        unsigned n = (index - 0x10) / 2;
        uint64_t old = s->rte[n];
        uint64_t nv = (index & 1) ? (old & 0xFFFFFFFFu) | ((uint64_t)v << 32)
                                  : (old & UINT64_C(0xFFFFFFFF00000000)) | v;
        nv = (nv & RTE_WRITABLE) | (old & (RTE_DELIVS | RTE_REMOTE_IRR));
        if (!(nv & RTE_TRIGGER)) {
            nv &= ~(uint64_t)(RTE_REMOTE_IRR | RTE_DELIVS);
        }
        s->rte[n] = nv;
        ioapic_service_level(s, n);
        return;
    }
    amber_log_once(&s->dev->machine->log, LOG_PIC, &s->once_reserved,
                   "%s: write of reserved register %02Xh", s->dev->id, index);
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    IoapicState *s = opaque;
    unsigned shift = 8u * (unsigned)(offset & 3u);
    uint32_t v;
    switch (offset & ~(uint64_t)3) {
    case 0x00:
        v = s->regsel;
        break;
    case 0x10:
        v = ioapic_read_reg(s, s->regsel);
        break;
    default:
        amber_log_once(&s->dev->machine->log, LOG_PIC, &s->once_access,
                       "%s: access outside IOREGSEL/IOWIN at +%03Xh", s->dev->id,
                       (unsigned)offset);
        return 0;
    }
    v >>= shift;
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1u);
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    IoapicState *s = opaque;
    unsigned shift = 8u * (unsigned)(offset & 3u);
    uint32_t mask = size >= 4 ? 0xFFFFFFFFu : ((1u << (8 * size)) - 1u) << shift;
    uint32_t v = (uint32_t)value << shift;
    switch (offset & ~(uint64_t)3) {
    case 0x00:
        if (shift == 0) {
            s->regsel = (uint8_t)v; /* bits 7:0; the rest is reserved */
        }
        return;
    case 0x10:
        if (size < 4) {
            /* The data sheet asks for dword accesses; merge the bytes written. */
            amber_log_once(&s->dev->machine->log, LOG_PIC, &s->once_size,
                           "%s: %u-byte write to IOWIN", s->dev->id, size);
            v = (ioapic_read_reg(s, s->regsel) & ~mask) | (v & mask);
        }
        ioapic_write_reg(s, s->regsel, v);
        return;
    default:
        amber_log_once(&s->dev->machine->log, LOG_PIC, &s->once_access,
                       "%s: access outside IOREGSEL/IOWIN at +%03Xh", s->dev->id,
                       (unsigned)offset);
        return;
    }
}

static const MemOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
};

bool ioapic_attach_bus(Device *dev, ApicBus *bus)
{
    IoapicState *s = dev->s;
    s->bus = bus;
    return apicbus_add_ioapic(bus, ioapic_eoi, s);
}

static bool ioapic_realize(Device *dev, AmberError *err)
{
    IoapicState *s = dev->s;
    s->dev = dev;
    if (s->base & MEM_PAGE_MASK) {
        return amber_error(err, "%s: base 0x%llX is not page-aligned", dev->id,
                           (unsigned long long)s->base);
    }
    return membus_map_mmio(dev->machine->mem, dev->id, s->base, MEM_PAGE_SIZE, &ioapic_mmio_ops,
                           s, err);
}

static void ioapic_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    IoapicState *s = dev->s;
    s->regsel = 0;
    s->id = 0;
    s->arb = 0;
    for (unsigned n = 0; n < IOAPIC_PINS; n++) {
        s->rte[n] = RTE_MASK; /* 3.2.4: masked after reset */
    }
    /* Pin levels are the devices' business and survive the reset. */
}

const DeviceClass ioapic_class = {
    .type = "ioapic",
    .desc = "Intel 82093AA I/O APIC (24 inputs)",
    .state_size = sizeof(IoapicState),
    .state_version = 1,
    .state = ioapic_state_fields,
    .props = ioapic_props,
    .n_irq_out = 0,
    .n_irq_in = IOAPIC_PINS,
    .irq_in = ioapic_irq_in,
    .realize = ioapic_realize,
    .reset = ioapic_reset,
};
