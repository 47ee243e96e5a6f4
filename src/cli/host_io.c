/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli/host_io.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "chipset/ps2kbd.h"
#include "chipset/uart16550.h"
#include "video/cp437.h"
#include "video/render.h"

bool host_key(Machine *m, PcKey key, bool down)
{
    Device *kbd = machine_find_device(m, "kbd");
    if (!kbd) {
        return false;
    }
    unsigned code = key.ext ? 0xE000u | key.code : key.code;
    return ps2kbd_key_event(kbd, code, down);
}

bool host_serial_attach(Machine *m, HostSerialOut fn, void *opaque)
{
    Device *com1 = machine_find_device(m, "com1");
    if (!com1) {
        return false;
    }
    uart16550_set_backend(com1, fn, opaque);
    return true;
}

void host_serial_input(Machine *m, uint8_t byte)
{
    Device *com1 = machine_find_device(m, "com1");
    if (com1) {
        uart16550_receive(com1, &byte, 1);
    }
}

size_t host_serial_rx_space(Machine *m)
{
    Device *com1 = machine_find_device(m, "com1");
    return com1 ? uart16550_rx_space(com1) : 0;
}

char *host_screen_text(Machine *m)
{
    Device *vga = machine_find_device(m, "vga");
    if (!vga) {
        return NULL;
    }
    /* 132x60 is the largest text screen a VGA BIOS sets up. */
    enum { MAX_CELLS = 132 * 60 };
    VgaTextCell *cells = calloc(MAX_CELLS, sizeof *cells);
    unsigned rows = 0, cols = 0;
    if (!cells || !vga_text_screen(vga, cells, MAX_CELLS, &rows, &cols)) {
        free(cells);
        return NULL;
    }
    GString *out = g_string_sized_new((gsize)rows * (cols + 1) * 2);
    for (unsigned r = 0; r < rows; r++) {
        /* Trailing blanks are the rest of the row, not text. */
        unsigned len = cols;
        while (len > 0 && (cells[r * cols + len - 1].ch == ' ' || cells[r * cols + len - 1].ch == 0)) {
            len--;
        }
        for (unsigned c = 0; c < len; c++) {
            char utf8[4];
            uint8_t ch = cells[r * cols + c].ch;
            size_t n = cp437_to_utf8(ch ? ch : ' ', utf8);
            g_string_append_len(out, utf8, (gssize)n);
        }
        g_string_append_c(out, '\n');
    }
    free(cells);
    return g_string_free(out, FALSE);
}

bool host_screen_pixels(Machine *m, const uint32_t **pixels, unsigned *w, unsigned *h)
{
    Device *vga = machine_find_device(m, "vga");
    if (!vga) {
        return false;
    }
    VgaFrame f;
    vga_render(vga, &f);
    if (!f.pixels) {
        return false;
    }
    *pixels = f.pixels;
    *w = f.width;
    *h = f.height;
    return true;
}
