/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 (MF II) keyboard, device "ps2kbd". The board plugs it into a controller port:
 *   ps2kbd_attach(kbd, kbc8042_port(kbc, 0));
 * Host-facing: press and release keys by PC keycode (chipset/scancodes.h: the set 1 make code,
 * 0xE000 | code for E0 keys, PC_KEY_PAUSE). Typematic repeat runs on guest time.
 */
#ifndef AMBER_CHIPSET_PS2KBD_H
#define AMBER_CHIPSET_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "chipset/ps2.h"
#include "core/device.h"

extern const DeviceClass ps2kbd_class;

void ps2kbd_attach(Device *kbd, Ps2Port *port);
/* A key went down (down = true) or up. Unknown keycodes are ignored (returns false). */
bool ps2kbd_key_event(Device *kbd, unsigned keycode, bool down);
/* True when the keyboard has nothing left to send (for pacing --type). */
bool ps2kbd_idle(Device *kbd);
/* LED state as last set by the guest: bit 0 Scroll, 1 Num, 2 Caps Lock. */
uint8_t ps2kbd_leds(Device *kbd);

#endif
