/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AT/PS2 keyboard controller (Intel 8042 with IBM's firmware), device "kbc8042".
 *
 * Outputs: 0 = IRQ 1 (keyboard output buffer full), 1 = IRQ 12 (mouse output buffer full),
 * 2 = A20 gate (output port bit 1). A board with port 0x92 wires A20 into port92's input (which
 * ORs both sources, as chipsets do); otherwise straight to the CPU's A20 pin.
 * A reset pulse (command 0xFE, or output port bit 0 written low) calls machine_request_reset().
 * Props: data (0x60), cmd (0x64).
 */
#ifndef AMBER_CHIPSET_KBC8042_H
#define AMBER_CHIPSET_KBC8042_H

#include "chipset/ps2.h"
#include "core/device.h"

extern const DeviceClass kbc8042_class;

/* Port 0 = keyboard, 1 = auxiliary (mouse). For board wiring with ps2kbd_attach/ps2mouse_attach. */
Ps2Port *kbc8042_port(Device *kbc, unsigned index);

#endif
