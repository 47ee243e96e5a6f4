/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The APIC bus: the messages I/O APICs and local APICs exchange (Intel 82093AA data sheet
 * 290566, 3.0 "Register description" / redirection table; Intel SDM vol. 3A, 10.6 "Issuing
 * interprocessor interrupts" and 10.8.5 "Signaling interrupt servicing completion").
 *
 * The P6 and the 82093AA talk over a 3-wire serial bus. Amber models the messages, not the wires:
 * an interrupt message (vector, delivery mode, destination mode, destination, trigger mode) goes
 * to every local APIC on the bus, each one decides whether the destination names it; an EOI
 * message for a level-triggered vector goes from a local APIC to every I/O APIC.
 *
 * The board owns the ApicBus (in its state; it holds only wiring, nothing is saved) and attaches
 * each local APIC and I/O APIC to it (lapic_attach_bus / ioapic_attach_bus). Devices never see
 * each other: they only call the functions below.
 *
 * Not modelled: bus arbitration and its timing, the checksum and accept phases as such (a message
 * nobody accepts is reported back to the sender), lowest-priority arbitration between several
 * local APICs (the first one that accepts takes it — exact for the one CPU of the boards Amber
 * has).
 */
#ifndef AMBER_CHIPSET_APICBUS_H
#define AMBER_CHIPSET_APICBUS_H

#include <stdbool.h>
#include <stdint.h>

/* Delivery modes, as encoded in redirection entries, LVT entries and the ICR (bits 10:8). */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

typedef struct ApicMessage {
    uint8_t vector;
    uint8_t delivery_mode; /* APIC_DM_* */
    bool logical;          /* destination mode: false = physical (APIC ID), true = logical */
    bool level;            /* trigger mode: true = level (TMR set; the EOI is sent back) */
    bool assert;           /* level of an INIT message (false = INIT level de-assert) */
    uint8_t dest;          /* destination field; physical IDs are 4 bits on the P6 (0Fh = all) */
} ApicMessage;

/* A local APIC: returns true when the destination names it and it took the message. */
typedef bool (*ApicAcceptFn)(void *opaque, const ApicMessage *msg);
/* An I/O APIC: a local APIC's EOI of a level-triggered vector. */
typedef void (*ApicEoiFn)(void *opaque, uint8_t vector);

#define APICBUS_MAX_UNITS 16

typedef struct ApicBus {
    unsigned n_lapic, n_ioapic;
    struct {
        ApicAcceptFn accept;
        void *opaque;
    } lapic[APICBUS_MAX_UNITS];
    struct {
        ApicEoiFn eoi;
        void *opaque;
    } ioapic[APICBUS_MAX_UNITS];
} ApicBus;

static inline void apicbus_init(ApicBus *bus)
{
    bus->n_lapic = 0;
    bus->n_ioapic = 0;
}

static inline bool apicbus_add_lapic(ApicBus *bus, ApicAcceptFn accept, void *opaque)
{
    if (bus->n_lapic >= APICBUS_MAX_UNITS) {
        return false;
    }
    bus->lapic[bus->n_lapic].accept = accept;
    bus->lapic[bus->n_lapic].opaque = opaque;
    bus->n_lapic++;
    return true;
}

static inline bool apicbus_add_ioapic(ApicBus *bus, ApicEoiFn eoi, void *opaque)
{
    if (bus->n_ioapic >= APICBUS_MAX_UNITS) {
        return false;
    }
    bus->ioapic[bus->n_ioapic].eoi = eoi;
    bus->ioapic[bus->n_ioapic].opaque = opaque;
    bus->n_ioapic++;
    return true;
}

/*
 * Sends an interrupt message to every local APIC but `except` (the sender of an IPI that does
 * not include itself; NULL for an I/O APIC). Returns true when at least one accepted it. A
 * lowest-priority message goes to one acceptor only.
 */
static inline bool apicbus_send(ApicBus *bus, const ApicMessage *msg, const void *except)
{
    bool accepted = false;
    if (!bus) {
        return false;
    }
    for (unsigned i = 0; i < bus->n_lapic; i++) {
        if (bus->lapic[i].opaque == except) {
            continue;
        }
        if (bus->lapic[i].accept(bus->lapic[i].opaque, msg)) {
            accepted = true;
            if (msg->delivery_mode == APIC_DM_LOWEST) {
                break;
            }
        }
    }
    return accepted;
}

/* A local APIC's EOI for a level-triggered vector, to every I/O APIC. */
static inline void apicbus_eoi(ApicBus *bus, uint8_t vector)
{
    if (!bus) {
        return;
    }
    for (unsigned i = 0; i < bus->n_ioapic; i++) {
        bus->ioapic[i].eoi(bus->ioapic[i].opaque, vector);
    }
}

#endif
