/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Intel 82093AA I/O APIC, "ioapic": 24 interrupt inputs turned into APIC bus messages.
 *
 * Inputs (class irq_in): 0..23 = INTIN0..INTIN23, raw pin levels (the redirection entry's
 * polarity bit says which level is "asserted"). No irq outputs: it talks to local APICs through
 * an ApicBus (apicbus.h).
 * Props: base (MMIO window, default 0xFEC00000; one 4 KiB page is claimed).
 *
 * How a board wires it (pc-i440fx with SeaBIOS's MP table: ISA IRQ n -> INTIN n, no IRQ 0
 * override, the PCI IRQs 5/9/10/11 active high level on their own numbers):
 *
 *     ApicBus *bus = &board->apic_bus;          // board state, apicbus_init(bus) once
 *     Device *io = machine_add_device(m, &ioapic_class, "ioapic", err);
 *     ... machine_realize() ...
 *     ioapic_attach_bus(io, bus);               // after realize, before the first run
 *     // every ISA/PCI IRQ line n (0..15) must reach BOTH pic8259 input n and ioapic input n:
 *     // an IrqLine has one sink, so the board gives each line a small fan-out sink that calls
 *     //   pic8259_class.irq_in(pic, n, level) and ioapic_class.irq_in(io, n, level).
 *
 * The device keeps every pin level itself; the board does not need to re-drive pins after a
 * state load.
 */
#ifndef AMBER_CHIPSET_IOAPIC_H
#define AMBER_CHIPSET_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "chipset/apicbus.h"
#include "core/device.h"

#define IOAPIC_PINS 24

extern const DeviceClass ioapic_class;

/* Joins the APIC bus: sends its messages there and hears local APICs' EOIs. Returns false when
 * the bus is full. */
bool ioapic_attach_bus(Device *dev, ApicBus *bus);

#endif
