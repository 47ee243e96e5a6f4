/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AMBER_CLI_PNG_WRITE_H
#define AMBER_CLI_PNG_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

/* Writes a 0x00RRGGBB framebuffer as an 8-bit RGB PNG (libpng). The file is written to a temporary
 * name beside path and renamed, so a failed write never leaves half a picture. */
bool png_write_xrgb(const char *path, const uint32_t *pixels, unsigned width, unsigned height,
                    AmberError *err);

#endif
