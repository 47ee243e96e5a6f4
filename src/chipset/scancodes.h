/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PC keyboard scan code tables. Amber names a key by its PC keycode: the scan code set 1 make
 * code of the key, with 0xE0-prefixed keys as 0xE000 | code (right Ctrl = 0xE01D, Up = 0xE048)
 * and Pause as PC_KEY_PAUSE. The keyboard model turns keycodes into sets 1, 2 or 3; the 8042
 * translates set 2 back to set 1.
 */
#ifndef AMBER_CHIPSET_SCANCODES_H
#define AMBER_CHIPSET_SCANCODES_H

#include <stdbool.h>
#include <stdint.h>

#define PC_KEY_PAUSE 0xE11D
#define PC_KEY_PRTSC 0xE037

/* Set 2 code of a keycode (0 if unknown); *extended says the code takes an 0xE0 prefix. */
uint8_t pc_key_to_set2(unsigned keycode, bool *extended);
/* Set 3 code of a keycode (0 if unknown); set 3 has no prefixes. */
uint8_t pc_key_to_set3(unsigned keycode);
/* The 8042's set 2 -> set 1 translation of one byte (without the break prefix handling). */
uint8_t pc_set2_to_set1(uint8_t code);

#endif
