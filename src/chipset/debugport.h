/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug console ports, device "debugport": the Bochs/QEMU port 0xE9 console and SeaBIOS's
 * port 0x402 log. Bytes written are collected into lines, logged under LOG_DEBUGCON, and kept
 * for the host (tests, --until-text). Reads of either port return 0xE9 (the "debugcon present"
 * answer SeaBIOS checks). Props: e9 (claim 0xE9, default on), p402 (claim 0x402, default on).
 */
#ifndef AMBER_CHIPSET_DEBUGPORT_H
#define AMBER_CHIPSET_DEBUGPORT_H

#include <stddef.h>

#include "core/device.h"

extern const DeviceClass debugport_class;

/* Everything printed so far (NUL-terminated; the oldest text is dropped past 1 MiB). */
const char *debugport_text(Device *dev);
size_t debugport_text_len(Device *dev);
void debugport_clear(Device *dev);

#endif
