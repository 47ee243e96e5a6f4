/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save-state files. All numbers little-endian; a "string" is a u32 length and that many bytes.
 *
 *   header:   8 bytes "AMBERSAV", u32 format version, u32 header length (all header bytes, from
 *             the magic through the CRC), string Amber version, string profile name, string
 *             profile text (the machine's profile_name/profile_text; empty when NULL),
 *             u32 CRC32 of the header bytes before it
 *   sections: repeated { 4 bytes "SECT", u16 name length, name, u32 section version,
 *             u32 flags (bit 0: zlib-compressed payload), u64 stored length, u64 raw length,
 *             payload (stored length bytes), u32 CRC32 of all the section's bytes before it }
 *   trailer:  4 bytes "END!", u32 section count, u32 CRC32 of those 8 bytes; nothing after it
 *
 * Sections, in this order: one per machine state section (machine_state_section(), payload in
 * state_encode's format, version = the table's version; zlib-compressed when that pays, as for a
 * device that keeps its video memory as state); "clock" (version 1: i64 now, u32 event
 * count, per event u16 name length, name, u8 pending, i64 deadline; pending events first, in
 * arming order, and re-armed in file order so ties fire as before); one "ram:NAME" per RAM block
 * (membus_ram_block(); version 1, zlib-compressed, raw length = the block's size). So "clock"
 * and "ram:..." are reserved: a machine state section with such a name cannot be saved.
 * Loading matches sections by name: a section the machine lacks, a section of the machine
 * missing from the file, an event the machine lacks, a RAM block of another size, or a section
 * version newer than the table's is an error. Events the file does not name are cancelled.
 *
 * Saving writes a temporary file beside the target, fsyncs it and renames it over the target.
 * Loading reads and validates the whole file (magic, versions, CRCs, every section known to this
 * machine and every section of this machine present, every field decodable) before it changes
 * anything; any problem is one error naming the file and what is wrong, and the machine is left
 * exactly as it was.
 */
#ifndef AMBER_CORE_SAVESTATE_H
#define AMBER_CORE_SAVESTATE_H

#include <stdbool.h>

#include "core/error.h"
#include "core/machine.h"

#define SAVESTATE_FORMAT_VERSION 1

bool savestate_save(Machine *m, const char *path, AmberError *err);
/* Loads path into m, or fails with one error naming the file and leaves m exactly as it was:
 * the file is checked whole before anything is applied, and when a device refuses the applied
 * state (its post_load hook), the machine saved just before is put back. */
bool savestate_load(Machine *m, const char *path, AmberError *err);

#endif
