/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8254 programmable interval timer, device "pit8254", with the AT's port 0x61 (system
 * control port B: channel 2 gate and speaker data, refresh toggle, OUT2).
 *
 * Output 0 = channel 0 OUT (IRQ 0). Output 1 = the speaker: channel 2's OUT AND port 0x61 bit 1
 * (speaker data enable), changing at its exact guest times (a PC speaker model takes the edges).
 * Props: base (0x40), port61 (claim port 0x61, default on).
 */
#ifndef AMBER_CHIPSET_PIT8254_H
#define AMBER_CHIPSET_PIT8254_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"

extern const DeviceClass pit8254_class;

/* Input clock: 14.31818 MHz / 12 = 105/88 MHz (about 1.193182 MHz). */
#define PIT_HZ_NUM 105000000u
#define PIT_HZ_DEN 88u

/* Level of channel ch's OUT pin now (for a PC speaker model). */
bool pit8254_out(Device *dev, unsigned ch);
/* Port 0x61 bits 1:0 as last written: bit 0 = channel 2 gate, bit 1 = speaker data enable. */
uint8_t pit8254_speaker_bits(Device *dev);
/* Sets channel ch's GATE input (channel 2's comes from port 0x61 when the PIT owns it). */
void pit8254_set_gate(Device *dev, unsigned ch, bool level);

#endif
