/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System control port A (port 0x92, "fast A20 and fast reset"), device "port92".
 * Input 0: the keyboard controller's A20 output. Output 0: A20 to the CPU = input OR bit 1, as
 * PS/2-era chipsets combine the two gates. A 0 -> 1 write of bit 0 requests a machine reset.
 */
#ifndef AMBER_CHIPSET_PORT92_H
#define AMBER_CHIPSET_PORT92_H

#include "core/device.h"

extern const DeviceClass port92_class;

#endif
