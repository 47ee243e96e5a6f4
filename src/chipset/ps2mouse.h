/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 mouse with the IntelliMouse wheel extension, device "ps2mouse". The board plugs it into
 * the controller's auxiliary port: ps2mouse_attach(mouse, kbc8042_port(kbc, 1)).
 * Host side: relative motion (dx right, dy up, dz wheel) and the button state.
 */
#ifndef AMBER_CHIPSET_PS2MOUSE_H
#define AMBER_CHIPSET_PS2MOUSE_H

#include <stdint.h>

#include "chipset/ps2.h"
#include "core/device.h"

extern const DeviceClass ps2mouse_class;

enum { PS2MOUSE_LEFT = 1, PS2MOUSE_RIGHT = 2, PS2MOUSE_MIDDLE = 4 };

void ps2mouse_attach(Device *mouse, Ps2Port *port);
void ps2mouse_move(Device *mouse, int dx, int dy, int dz);
void ps2mouse_buttons(Device *mouse, unsigned buttons);

#endif
