/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The P6 (Pentium Pro / Pentium II) local APIC, "lapic": one per CPU, in front of its INTR and
 * NMI pins.
 *
 * Inputs (class irq_in): 0 = LINT0, 1 = LINT1 (pin levels). Outputs: 0 = INTR to the CPU
 * (a level), 1 = NMI to the CPU (a pulse per NMI). With the APIC hardware-disabled
 * (IA32_APIC_BASE bit 11 clear) LINT0 goes straight to INTR and LINT1 to NMI.
 * Props: bus_hz (timer clock, default 66666667), id (initial APIC ID, default 0).
 * The window sits where IA32_APIC_BASE says (FEE00000h after reset; one 4 KiB page).
 *
 * How a board wires it (pc-i440fx, one Pentium II; `cpu` from x86_interp_new, `pic` the
 * pic8259, `bus` an ApicBus in the board state after apicbus_init):
 *
 *     cpu->lapic = true;                                   // before the CPU is reset
 *     Device *lapic = machine_add_device(m, &lapic_class, "lapic", err);
 *     device_connect_irq(pic, 0, lapic, 0, err);           // 8259 INTR -> LINT0 (ExtINT)
 *     device_connect_irq_sink(lapic, 0, x86_interp_intr, cpu, 0, err);
 *     device_connect_irq_sink(lapic, 1, x86_interp_nmi, cpu, 0, err);
 *     cpu->inta = lapic_inta;              cpu->inta_opaque = lapic;
 *     cpu->apic_base_write = lapic_apic_base_write;  cpu->apic_base_opaque = lapic;
 *     lapic_set_extint(lapic, pic8259_inta, pic);          // ExtINT acknowledges go to the 8259
 *     ... machine_realize() ...
 *     lapic_attach_bus(lapic, bus);                        // with ioapic_attach_bus(io, bus)
 *     // an NMI source (none on pc-i440fx yet) would drive lapic input 1.
 *
 * The device keeps its LINT pin levels and its INTR level in its state and re-drives INTR after
 * a state load.
 */
#ifndef AMBER_CHIPSET_LAPIC_H
#define AMBER_CHIPSET_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "chipset/apicbus.h"
#include "core/device.h"

extern const DeviceClass lapic_class;

/* The CPU's interrupt acknowledge (X86Cpu.inta; opaque = the lapic Device *): the vector of the
 * highest request above the processor priority (IRR -> ISR), the 8259's vector for ExtINT, or
 * the spurious vector when the request went away. */
uint8_t lapic_inta(void *opaque);

/* X86Cpu.apic_base_write (opaque = the lapic Device *): IA32_APIC_BASE was written. */
void lapic_apic_base_write(void *opaque, uint64_t value);

/* Who answers an ExtINT acknowledge (the 8259's INTA: pic8259_inta with the pic Device *). */
void lapic_set_extint(Device *dev, uint8_t (*inta)(void *opaque), void *opaque);

/* Joins the APIC bus (I/O APIC messages, IPIs, EOIs). Returns false when the bus is full. */
bool lapic_attach_bus(Device *dev, ApicBus *bus);

#endif
