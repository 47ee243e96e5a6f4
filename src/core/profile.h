/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine profiles: INI files read with GLib's GKeyFile.
 *
 *   [machine]                 common keys: name, description, board; then the board's props
 *   name=DOS PC
 *   board=pc-i440fx
 *   memory=4M
 *   [floppy0]                 any other section is a device id; its keys are that device's props
 *   drive=1.44M
 *
 * Every key is checked against the props the board and devices declare: an unknown section or
 * key, or a bad value, is an error naming the file, the section and the key. Relative paths in
 * PROP_PATH values resolve against the profile's folder. Profiles found by name (`amber run dos`)
 * are looked up in $AMBER_PROFILES, then the source tree's profiles/, then the installed ones.
 */
#ifndef AMBER_CORE_PROFILE_H
#define AMBER_CORE_PROFILE_H

#include <stdbool.h>

#include "core/error.h"
#include "core/machine.h"

typedef struct Profile Profile;

Profile *profile_load_file(const char *path, AmberError *err);
Profile *profile_load_data(const char *text, const char *name_for_errors, AmberError *err);
/* Like profile_load_file, also accepting one board that is not in the registry (tests and tools
 * that bring their own board): `board=` naming extra_board->name selects it. */
Profile *profile_load_file_with_board(const char *path, const BoardClass *extra_board,
                                      AmberError *err);
/* Resolves a profile name (no slash, no .ini) or a path to a file. */
char *profile_resolve(const char *name_or_path, AmberError *err);
void profile_free(Profile *p);
const char *profile_name(const Profile *p);
const char *profile_board(const Profile *p);
const char *profile_text(const Profile *p);
/* Overrides a key before the machine is built (command-line options like --fda use this). */
bool profile_set(Profile *p, const char *section, const char *key, const char *value,
                 AmberError *err);

/* Builds and realizes the machine the profile describes. */
Machine *profile_build_machine(const Profile *p, AmberError *err);

#endif
