/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a front end needs from a running machine, found by the device ids boards use:
 * "vga" (the display), "kbc" (the keyboard behind the 8042), "com1".."com4" (serial ports).
 * Keeping these lookups in one file keeps the rest of the front end free of device headers.
 */
#ifndef AMBER_CLI_HOST_IO_H
#define AMBER_CLI_HOST_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/keymap.h"
#include "core/machine.h"

typedef void (*HostSerialOut)(void *opaque, uint8_t byte);

/* Presses or releases a key; false when the machine has no keyboard. */
bool host_key(Machine *m, PcKey key, bool down);
/* Routes the bytes COM1 transmits to fn; false when the machine has no COM1. */
bool host_serial_attach(Machine *m, HostSerialOut fn, void *opaque);
/* Feeds a byte to COM1's receiver. */
void host_serial_input(Machine *m, uint8_t byte);
/* Bytes COM1's receiver can take now (0 without a COM1). */
size_t host_serial_rx_space(Machine *m);
/* The text screen as UTF-8, rows separated by '\n', trailing blanks trimmed; NULL in graphics
 * modes or without a display. The caller frees it. */
char *host_screen_text(Machine *m);
/* The current picture; false without a display. */
bool host_screen_pixels(Machine *m, const uint32_t **pixels, unsigned *w, unsigned *h);

#endif
