/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save-state files.
 *
 *   header:  magic "AMBERSAV", u32 format version, u32 header length, Amber version string,
 *            profile name, profile text (each u32 length + bytes), u32 header CRC32
 *   sections: repeated { u32 tag 'SECT', u16 name length, name, u32 section version,
 *            u32 flags (bit 0: zlib-compressed payload), u64 stored length, u64 raw length,
 *            payload, u32 CRC32 of everything in the section before it }
 *   trailer: 'END!' + u32 section count + CRC32
 * All little-endian. RAM is its own zlib-compressed section per RAM block ("ram:NAME").
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
bool savestate_load(Machine *m, const char *path, AmberError *err);

#endif
