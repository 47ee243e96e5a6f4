/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Code page 437 (the IBM PC's character set, the VGA BIOS font) to Unicode, for reading a text
 * screen as UTF-8. Control codes 0x01-0x1F and 0x7F are the graphic glyphs the font shows for
 * them (smileys, arrows, house), since on screen they are characters, not controls; 0x00 and
 * 0xFF (blank glyphs) map to a space and a no-break space.
 */
#ifndef AMBER_VIDEO_CP437_H
#define AMBER_VIDEO_CP437_H

#include <stddef.h>
#include <stdint.h>

extern const uint16_t cp437_unicode[256];

/* Writes the UTF-8 encoding of CP437 character c to out (1-3 bytes, not terminated) and returns
 * its length. */
size_t cp437_to_utf8(uint8_t c, char out[4]);

#endif
