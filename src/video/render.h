/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What front ends (CLI screenshots and --screen-text, the SDL window, tests) read from a VGA:
 * the picture as a 32-bit XRGB framebuffer, and the text screen as code page 437 cells.
 *
 * Resolution choice. A VGA mode is drawn as the raster the monitor shows, one framebuffer pixel
 * per dot of the 25/28 MHz dot clock horizontally and one per scan line vertically:
 *   text 80x25 with 9-dot characters -> 720x400, 8-dot -> 640x400; 40-column text 720x400;
 *   mode 13h and mode X -> 640x400 (each 320x200 pixel is 2x2: the 8-bit pixel lasts two dots
 *   and each row is scanned twice by CR09); modes 4-6, 0Dh, 0Eh -> 640x400 (double scan);
 *   mode 12h -> 640x480; 0Fh/10h -> 640x350.
 * This keeps every CRTC effect exact (line compare in the middle of a doubled row, CGA bank
 * interleave by row scan, per-scan-line panning) without guessing which lines are repeats.
 * Every standard VGA raster fills a 4:3 screen, so aspect_w:aspect_h is 4:3 for VGA modes; a
 * DISPI (VBE) mode is drawn at xres x yres with square pixels (aspect = xres:yres). A CRTC
 * describing less than 64x32 dots (all registers 0 after reset, before the BIOS runs) shows as
 * a black 640x480 picture, like a monitor without signal.
 */
#ifndef AMBER_VIDEO_RENDER_H
#define AMBER_VIDEO_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"

typedef struct VgaFrame {
    const uint32_t *pixels;     /* 0x00RRGGBB, row-major, width * height, owned by the device */
    unsigned width, height;
    unsigned aspect_w, aspect_h; /* the shape to show it at */
    uint64_t frame_no;          /* bumped each time the pixels were redrawn */
} VgaFrame;

/*
 * Brings the picture up to date for the current guest time and describes it in *out (valid until
 * the next call or until the device is freed). Returns true when it was redrawn, false when
 * nothing that affects it changed since the previous call (memory, registers, the cursor or
 * blink phase in use): then no work is done. Returns false with out->pixels NULL when vga is
 * not a VGA.
 */
bool vga_render(Device *vga, VgaFrame *out);

typedef struct VgaTextCell {
    uint8_t ch;   /* code page 437 */
    uint8_t attr; /* VGA attribute byte */
} VgaTextCell;

/*
 * Reads the text screen as the CRTC shows it (start address, row offset, line compare): up to
 * max_cells cells, row-major. Sets *rows and *cols (cells = rows * cols, clipped to max_cells).
 * Returns false when the VGA is in a graphics mode (or vga is not a VGA).
 */
bool vga_text_screen(Device *vga, VgaTextCell *cells, unsigned max_cells, unsigned *rows,
                     unsigned *cols);
/* Cursor position on that screen; false when the cursor is off or not on the screen. */
bool vga_text_cursor(Device *vga, unsigned *row, unsigned *col);

#endif
