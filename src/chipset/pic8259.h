/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8259A pair (master + cascaded slave) of the PC/AT as one device, "pic8259".
 *
 * Inputs (class irq_in): 0..15 = IRQ 0..15 (8..15 go to the slave; the slave's INT output drives
 * master IR2 internally, so input 2 is not used when a slave exists).
 * Output 0 = INTR to the CPU (or to a LAPIC's LINT0). The CPU acknowledges with pic8259_inta().
 *
 * Props: master (port base, 0x20), slave (0xA0), cascade (two chips, default on; off = an XT's
 * single 8259), elcr (claim the PIIX3 edge/level control registers 0x4D0/0x4D1, default off),
 * elcr_base (0x4D0).
 */
#ifndef AMBER_CHIPSET_PIC8259_H
#define AMBER_CHIPSET_PIC8259_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"

extern const DeviceClass pic8259_class;

/* The CPU's interrupt acknowledge cycle (two INTA pulses): returns the vector of the highest
 * priority request, updating ISR/IRR as the chips do. opaque is the pic8259 Device *. With no
 * request pending it returns the spurious vector (IR7 of the chip asked). */
uint8_t pic8259_inta(void *opaque);

/* Level of the INTR output, for backends that poll instead of wiring the line. */
bool pic8259_intr(Device *dev);

#endif
