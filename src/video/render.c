/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA's picture: walks the raster the way the CRT controller scans memory and pushes every
 * dot through the attribute controller and the DAC into a 32-bit XRGB framebuffer; also reads
 * the text screen for front ends. Resolution choice: see render.h.
 *
 * Sources: IBM VGA Technical Reference (CRT Controller, Attribute Controller, Video DAC);
 * FreeVGA crtcreg.htm (address counter, byte/word/doubleword modes, CR17 CMS/SRS substitution,
 * line compare, preset row scan, byte and pixel panning, cursor), attrreg.htm (mode control:
 * 8-bit colour, blink, line graphics, PEL panning, colour select), vgaseq.htm (SR01),
 * graphreg.htm (GR05 shift register modes).
 *
 * Per scan line: the row start address (CR0C/0D, then +2*CR13 per character row, reset to 0 by
 * line compare) plus byte panning gives the memory address counter MA; each character clock
 * fetches the four planes at the address MA maps to (byte, word or doubleword addressing,
 * count-by-2/4, CR17 bits 0/1 replacing address bits 13/14 by row-scan bits 0/1), and the shift
 * registers turn that into 8 (or 9) dots:
 *   text: plane 0 = character, plane 1 = attribute, plane 2 = font (character map select SR03,
 *     32 bytes per glyph), 9th dot = background or, with line graphics on, column 8 for C0-DF;
 *     cursor (CR0A-0F, skew) turns on/off every 16 frames, attribute bit 7 characters every 32;
 *     underline at scan line CR14 for attributes x001 with background 000;
 *   planar: bit n of a dot from plane n; CGA interleave (GR05.5): 2-bit pixels from planes 0/1
 *     with planes 2/3 as the high bits; 256-colour (GR05.6): one byte per pixel, 2 dots each.
 * The attribute controller masks by colour plane enable (AR12), maps through AR00-0F, applies
 * AR10.7/AR14 colour select; in 8-bit mode the high nibble passes (masked) and the low nibble
 * goes through the palette, which is what real VGAs do (DOSBox-X issues #63 and #952, measured
 * on hardware with the DOSLIB test programs). The DAC applies the PEL mask; 6-bit entries are
 * widened to 8 bits as round(v * 255 / 63), the level of the DAC's linear analog output
 * (QEMU replicates the low bit instead, so its screenshots differ by up to 2 levels per
 * channel); the DISPI 8-bit DAC mode uses entries as they are.
 * DISPI modes are drawn from linear memory (8 bpp through the DAC, 15/16/24/32 bpp direct) or
 * from the planes (4 bpp).
 *
 * Dirty tracking: the device bumps a generation counter on every memory write and register
 * write; a frame is redrawn only when that counter moved, or when the cursor or blink phase
 * changed and the last frame showed a cursor or a blinking character.
 */
#include "video/render.h"

#include <stdlib.h>
#include <string.h>

#include "video/vga_state.h"

#define MAX_DIM 4096 /* no VGA raster is wider or taller; DISPI modes are capped by memory */

/* The CRTC's scan-out parameters, decoded. */
typedef struct Crtc {
    unsigned hchars;     /* character clocks displayed per line */
    unsigned vdisp;      /* scan lines displayed */
    unsigned cw;         /* dots per character clock: 8 or 9 */
    unsigned xrep;       /* 2 with the dot clock halved (SR01 bit 3) */
    unsigned maxscan;
    bool dscan;
    unsigned line_compare;
    uint32_t offset;     /* MA increment per character row */
    uint32_t start;
    unsigned preset_rs;
    unsigned byte_pan;
    unsigned addr_mode;  /* 0 byte, 1 word, 2 doubleword */
    bool wrap15;         /* word mode: MA15 (else MA13) becomes address bit 0 */
    bool sub13, sub14;   /* row scan bits 0/1 replace address bits 13/14 */
    unsigned count_by;
} Crtc;

static void crtc_decode(const VgaState *s, Crtc *c)
{
    const uint8_t *r = s->crtc;
    VgaTiming t;
    vga_timing(s, &t);
    c->hchars = t.hdisp;
    c->vdisp = t.vdisp;
    c->cw = (s->seq[1] & 0x01) ? 8 : 9;
    c->xrep = (s->seq[1] & 0x08) ? 2 : 1;
    c->maxscan = r[0x09] & 0x1F;
    c->dscan = (r[0x09] & 0x80) != 0;
    c->line_compare = r[0x18] | (r[0x07] & 0x10) << 4 | (r[0x09] & 0x40) << 3;
    c->offset = (uint32_t)r[0x13] * 2;
    c->start = (uint32_t)r[0x0C] << 8 | r[0x0D];
    c->preset_rs = r[0x08] & 0x1F;
    c->byte_pan = (r[0x08] >> 5) & 3;
    /* CR14 bit 6 (doubleword) wins over CR17 bit 6 (byte mode when set). */
    c->addr_mode = (r[0x14] & 0x40) ? 2 : (r[0x17] & 0x40) ? 0 : 1;
    c->wrap15 = (r[0x17] & 0x20) != 0;
    c->sub13 = !(r[0x17] & 0x01);
    c->sub14 = !(r[0x17] & 0x02);
    c->count_by = (r[0x14] & 0x20) ? 4 : (r[0x17] & 0x08) ? 2 : 1;
}

static uint32_t crtc_addr(const Crtc *c, uint32_t ma, unsigned rowscan)
{
    uint32_t a;
    ma &= 0xFFFF;
    switch (c->addr_mode) {
    case 2:
        a = ma << 2 | (ma >> 14 & 3);
        break;
    case 1:
        a = ma << 1 | ((c->wrap15 ? ma >> 15 : ma >> 13) & 1);
        break;
    default:
        a = ma;
        break;
    }
    if (c->sub13) {
        a = (a & ~0x2000u) | (rowscan & 1) << 13;
    }
    if (c->sub14) {
        a = (a & ~0x4000u) | (rowscan >> 1 & 1) << 14;
    }
    return a & (VGA_PLANE_SIZE - 1);
}

/* Vertical walk over the scan lines: row start address and row scan counter per line. */
typedef struct ScanWalk {
    uint32_t row_ma;
    unsigned rowscan;
    bool second;   /* double scan: this is the repeat of the previous line */
    bool split;    /* below the line compare */
} ScanWalk;

static void walk_begin(const Crtc *c, ScanWalk *w)
{
    w->row_ma = c->start;
    w->rowscan = c->preset_rs;
    w->second = false;
    w->split = false;
}

/* Called at the end of line y. When the line counter equals the line compare value the
 * address counter and row scan counter are cleared, so the split screen starts on the next line
 * (FreeVGA crtcreg.htm, Line Compare; M. Abrash, "Graphics Programming Black Book" ch. 30). */
static void walk_next(const Crtc *c, ScanWalk *w, unsigned y)
{
    if (y == c->line_compare) {
        w->row_ma = 0;
        w->rowscan = 0;
        w->second = false;
        w->split = true;
        return;
    }
    if (c->dscan) {
        w->second = !w->second;
        if (w->second) {
            return;
        }
    }
    if (w->rowscan == c->maxscan) {
        w->rowscan = 0;
        w->row_ma += c->offset;
    } else {
        w->rowscan = (w->rowscan + 1) & 0x1F;
    }
}

/* ---- colour ---- */

typedef struct Palette {
    uint32_t rgb[256]; /* by DAC index, PEL mask applied */
    uint8_t map4[16];  /* 4-bit dot value -> DAC index */
    uint8_t map8[256]; /* 8-bit colour mode byte -> DAC index */
} Palette;

static uint32_t dac_rgb(const VgaState *s, unsigned i)
{
    const uint8_t *e = &s->dac[i * 3];
    uint32_t c[3];
    bool dac8 = (s->dispi_regs[DISPI_ENABLE] & DISPI_8BIT_DAC) != 0;
    for (unsigned k = 0; k < 3; k++) {
        c[k] = dac8 ? e[k] : ((e[k] & 0x3Fu) * 255 + 31) / 63;
    }
    return c[0] << 16 | c[1] << 8 | c[2];
}

static void palette_build(const VgaState *s, Palette *p)
{
    for (unsigned i = 0; i < 256; i++) {
        p->rgb[i] = dac_rgb(s, i & s->pel_mask);
    }
    uint8_t enable = s->ac[0x12] & 0x0F;
    for (unsigned v = 0; v < 16; v++) {
        uint8_t c = s->ac[v & enable] & 0x3F;
        if (s->ac[0x10] & 0x80) {
            c = (uint8_t)((c & 0x0F) | (s->ac[0x14] & 0x03) << 4);
        }
        p->map4[v] = (uint8_t)(c | (s->ac[0x14] & 0x0C) << 4);
    }
    for (unsigned b = 0; b < 256; b++) {
        p->map8[b] = (uint8_t)(((b >> 4) & enable) << 4 | (s->ac[b & enable] & 0x0F));
    }
}

/* ---- frame buffer ---- */

static bool frame_size(VgaState *s, unsigned w, unsigned h)
{
    size_t n = (size_t)w * h;
    if (n > s->frame_cap) {
        uint32_t *p = realloc(s->frame, n * sizeof *p);
        if (!p) {
            return false;
        }
        s->frame = p;
        s->frame_cap = n;
    }
    s->frame_w = w;
    s->frame_h = h;
    return true;
}

static void frame_fill(VgaState *s, uint32_t rgb)
{
    for (size_t i = 0; i < (size_t)s->frame_w * s->frame_h; i++) {
        s->frame[i] = rgb;
    }
}

/* ---- standard VGA modes ---- */

typedef struct LineCtx {
    const VgaState *s;
    const Crtc *c;
    const Palette *pal;
    bool cursor_on, blink_on;
    bool used_cursor, used_blink;
} LineCtx;

/* Font byte for character ch at scan line rs, from the map the attribute selects (SR03: map A
 * when attribute bit 3 is 1, map B when 0; map n starts at plane 2 offset
 * {0,16,32,48,8,24,40,56}K for n = 0..7). */
static uint8_t font_byte(const VgaState *s, uint8_t ch, uint8_t attr, unsigned rs)
{
    unsigned sel = s->seq[3];
    unsigned map = (attr & 0x08) ? ((sel >> 2 & 3) | (sel >> 3 & 4)) : ((sel & 3) | (sel >> 2 & 4));
    uint32_t base = (map & 3) * 0x4000u + (map >> 2) * 0x2000u;
    uint32_t off = (base + ch * 32u + (rs & 0x1F)) & (VGA_PLANE_SIZE - 1);
    return s->vram[off * 4 + 2];
}

/* Text line: one 4-bit attribute colour per dot into v. */
static void text_line(LineCtx *x, const ScanWalk *w, uint32_t line_ma, uint8_t *v, unsigned n)
{
    const VgaState *s = x->s;
    const Crtc *c = x->c;
    bool blink_en = (s->ac[0x10] & 0x08) != 0;
    bool lge = (s->ac[0x10] & 0x04) != 0;
    uint32_t cursor = (uint32_t)s->crtc[0x0E] << 8 | s->crtc[0x0F];
    unsigned cs = s->crtc[0x0A] & 0x1F, ce = s->crtc[0x0B] & 0x1F;
    unsigned skew = (s->crtc[0x0B] >> 5) & 3;
    bool cursor_shown = !(s->crtc[0x0A] & 0x20) && cs <= ce && w->rowscan >= cs &&
                        w->rowscan <= ce;
    unsigned ul = s->crtc[0x14] & 0x1F;
    for (unsigned i = 0; i < n; i++) {
        uint32_t ma = line_ma + i / c->count_by;
        uint32_t a = crtc_addr(c, ma, w->rowscan);
        uint8_t ch = s->vram[a * 4], at = s->vram[a * 4 + 1];
        uint8_t glyph = font_byte(s, ch, at, w->rowscan);
        uint8_t fg = at & 0x0F, bg = at >> 4;
        if (blink_en) {
            bg &= 7;
            if (at & 0x80) {
                x->used_blink = true;
                if (!x->blink_on) {
                    fg = bg;
                }
            }
        }
        bool ninth = lge && ch >= 0xC0 && ch <= 0xDF && (glyph & 1);
        if (w->rowscan == ul && (at & 0x77) == 0x01) {
            glyph = 0xFF;
            ninth = true;
        }
        if (cursor_shown && ((ma - skew) & 0xFFFF) == cursor) {
            x->used_cursor = true;
            if (x->cursor_on) {
                glyph = 0xFF;
                ninth = true;
            }
        }
        uint8_t *d = v + (size_t)i * c->cw;
        for (unsigned b = 0; b < 8; b++) {
            d[b] = (glyph >> (7 - b) & 1) ? fg : bg;
        }
        if (c->cw == 9) {
            d[8] = ninth ? fg : bg;
        }
    }
}

/* Graphics line: the raw shift-register output per dot (4-bit values, or the 8-bit byte
 * repeated over its two dots in 256-colour shift mode). */
static void graphics_line(LineCtx *x, const ScanWalk *w, uint32_t line_ma, uint8_t *v, unsigned n)
{
    const VgaState *s = x->s;
    const Crtc *c = x->c;
    unsigned shift = (s->gc[5] >> 5) & 3;
    for (unsigned i = 0; i < n; i++) {
        uint32_t a = crtc_addr(c, line_ma + i / c->count_by, w->rowscan);
        const uint8_t *p = &s->vram[a * 4];
        uint8_t *d = v + (size_t)i * c->cw;
        if (shift & 2) {
            for (unsigned k = 0; k < 4; k++) {
                d[2 * k] = d[2 * k + 1] = p[k];
            }
        } else if (shift & 1) {
            for (unsigned b = 0; b < 8; b++) {
                unsigned src = b >> 2, bit = 6 - 2 * (b & 3);
                d[b] = (uint8_t)((p[src] >> bit & 3) | (p[src + 2] >> bit & 3) << 2);
            }
        } else {
            for (unsigned b = 0; b < 8; b++) {
                unsigned bit = 7 - b;
                d[b] = (uint8_t)((p[0] >> bit & 1) | (p[1] >> bit & 1) << 1 |
                                 (p[2] >> bit & 1) << 2 | (p[3] >> bit & 1) << 3);
            }
        }
        if (c->cw == 9) {
            d[8] = 0;
        }
    }
}

/* Raw dots -> DAC indexes, in place (see the header comment for the 8-bit colour cases). */
static void colour_line(const VgaState *s, const Palette *pal, uint8_t *v, unsigned n, bool text)
{
    bool ac8 = !text && (s->ac[0x10] & 0x40);
    bool sh256 = !text && (s->gc[5] & 0x40);
    if (ac8 && sh256) {
        for (unsigned i = 0; i < n; i++) {
            v[i] = pal->map8[v[i]];
        }
    } else if (ac8) {
        for (unsigned i = 0; i + 1 < n; i += 2) {
            v[i] = v[i + 1] = pal->map8[(v[i] & 0x0F) << 4 | (v[i + 1] & 0x0F)];
        }
    } else if (sh256) {
        for (unsigned i = 0; i < n; i++) {
            v[i] = pal->map4[(i & 1) ? (v[i] & 0x0F) : (v[i] >> 4)];
        }
    } else {
        for (unsigned i = 0; i < n; i++) {
            v[i] = pal->map4[v[i] & 0x0F];
        }
    }
}

/* AR13 pixel panning in dots (FreeVGA attrreg.htm table): 9-dot text shifts 1..8 for 0..7 and
 * 0 for 8; otherwise 0..7; 256-colour mode moves by whole pixels (even values). */
static unsigned pixel_pan(const VgaState *s, const Crtc *c, bool text)
{
    unsigned p = s->ac[0x13] & 0x0F;
    if (text && c->cw == 9) {
        return p >= 8 ? 0 : p + 1;
    }
    if (p >= 8) {
        return 0;
    }
    return (s->ac[0x10] & 0x40) ? (p & 6) : p;
}

static bool render_vga(VgaState *s, int64_t now)
{
    Crtc c;
    crtc_decode(s, &c);
    bool text = !(s->ac[0x10] & 0x01);
    unsigned w = c.hchars * c.cw * c.xrep, h = c.vdisp;
    if (w > MAX_DIM) {
        w = MAX_DIM;
    }
    if (h > MAX_DIM) {
        h = MAX_DIM;
    }
    if (!frame_size(s, w, h)) {
        return false;
    }
    s->frame_aspect_w = 4;
    s->frame_aspect_h = 3;
    s->frame_uses_cursor = s->frame_uses_blink = false;
    /* Before the BIOS programs the CRTC (all registers 0 after reset) there is no usable
     * raster; show a black 640x480 "no signal" picture rather than a 9x1 one. */
    if (w < 64 || h < 32) {
        if (!frame_size(s, 640, 480)) {
            return false;
        }
        frame_fill(s, 0);
        return true;
    }
    /* SR01 bit 5 (screen off) and AR index bit 5 clear (palette being loaded) blank the
     * display. */
    if ((s->seq[1] & 0x20) || !(s->ac_index & 0x20)) {
        frame_fill(s, 0);
        return true;
    }
    Palette pal;
    palette_build(s, &pal);
    LineCtx x = {.s = s, .c = &c, .pal = &pal};
    x.cursor_on = vga_cursor_phase(s, now);
    x.blink_on = vga_blink_phase(s, now);

    unsigned nchars = c.hchars + 1; /* one more for panning */
    size_t ndots = (size_t)nchars * c.cw;
    uint8_t *line = malloc(ndots);
    if (!line) {
        return false;
    }
    unsigned pan = pixel_pan(s, &c, text);
    bool pan_reset = (s->ac[0x10] & 0x20) != 0;
    ScanWalk sw;
    walk_begin(&c, &sw);
    for (unsigned y = 0; y < h; y++) {
        /* Byte panning belongs to the start address: the split screen starts at 0. */
        uint32_t line_ma = sw.row_ma + (sw.split ? 0 : c.byte_pan);
        if (text) {
            text_line(&x, &sw, line_ma, line, nchars);
        } else {
            graphics_line(&x, &sw, line_ma, line, nchars);
        }
        colour_line(s, &pal, line, (unsigned)ndots, text);
        unsigned p = (sw.split && pan_reset) ? 0 : pan;
        uint32_t *out = s->frame + (size_t)y * w;
        for (unsigned d = 0, o = 0; o < w; d++) {
            uint32_t rgb = pal.rgb[line[p + d < ndots ? p + d : ndots - 1]];
            for (unsigned r = 0; r < c.xrep && o < w; r++) {
                out[o++] = rgb;
            }
        }
        walk_next(&c, &sw, y);
    }
    free(line);
    s->frame_uses_cursor = x.used_cursor;
    s->frame_uses_blink = x.used_blink;
    s->frame_cursor_on = x.cursor_on;
    s->frame_blink_on = x.blink_on;
    return true;
}

/* ---- DISPI modes ---- */

static inline uint8_t vram_at(const VgaState *s, uint64_t a)
{
    return a < s->vram_size ? s->vram[a] : 0;
}

static bool render_dispi(VgaState *s)
{
    unsigned bpp = s->dispi_regs[DISPI_BPP];
    unsigned w = s->dispi_regs[DISPI_XRES], h = s->dispi_regs[DISPI_YRES];
    if (!w || !h) {
        w = h = 1;
    }
    /* A mode bigger than memory would show only repeats of it; draw what memory holds. */
    while ((uint64_t)w * h > s->vram_size && h > 1) {
        h /= 2;
    }
    if (!frame_size(s, w, h)) {
        return false;
    }
    s->frame_aspect_w = w;
    s->frame_aspect_h = h;
    s->frame_uses_cursor = s->frame_uses_blink = false;
    Palette pal;
    palette_build(s, &pal);
    uint64_t pitch = dispi_line_bytes(s);
    uint64_t start = dispi_start_byte(s);
    unsigned bpp_bytes = dispi_bytes_per_pixel(bpp);
    for (unsigned y = 0; y < h; y++) {
        uint32_t *out = s->frame + (size_t)y * w;
        uint64_t row = start + (uint64_t)y * pitch;
        for (unsigned x = 0; x < w; x++) {
            uint32_t rgb;
            if (bpp == 4) {
                uint64_t o = (row + x / 8) * 4;
                unsigned bit = 7 - (x & 7);
                unsigned v = 0;
                for (unsigned p = 0; p < 4; p++) {
                    v |= (unsigned)(vram_at(s, o + p) >> bit & 1) << p;
                }
                rgb = pal.rgb[pal.map4[v]];
            } else {
                uint64_t a = row + (uint64_t)x * bpp_bytes;
                switch (bpp) {
                case 15: {
                    unsigned v = vram_at(s, a) | vram_at(s, a + 1) << 8;
                    unsigned r = v >> 10 & 31, g = v >> 5 & 31, b = v & 31;
                    rgb = (r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (b << 3 | b >> 2);
                    break;
                }
                case 16: {
                    unsigned v = vram_at(s, a) | vram_at(s, a + 1) << 8;
                    unsigned r = v >> 11 & 31, g = v >> 5 & 63, b = v & 31;
                    rgb = (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (b << 3 | b >> 2);
                    break;
                }
                case 24:
                case 32:
                    rgb = (uint32_t)vram_at(s, a + 2) << 16 | (uint32_t)vram_at(s, a + 1) << 8 |
                          vram_at(s, a);
                    break;
                default:
                    rgb = pal.rgb[vram_at(s, a)];
                    break;
                }
            }
            out[x] = rgb;
        }
    }
    return true;
}

/* ---- public API ---- */

static VgaState *render_state(Device *dev)
{
    VgaState *s = vga_state_of(dev);
    return (s && s->vram) ? s : NULL;
}

bool vga_render(Device *vga, VgaFrame *out)
{
    VgaState *s = render_state(vga);
    memset(out, 0, sizeof *out);
    if (!s) {
        return false;
    }
    int64_t now = vga_now(s);
    bool redraw = !s->frame_valid || s->frame_gen != s->gen;
    if (!redraw && s->frame_uses_cursor && vga_cursor_phase(s, now) != s->frame_cursor_on) {
        redraw = true;
    }
    if (!redraw && s->frame_uses_blink && vga_blink_phase(s, now) != s->frame_blink_on) {
        redraw = true;
    }
    if (redraw) {
        bool ok = dispi_enabled(s) ? render_dispi(s) : render_vga(s, now);
        if (ok) {
            s->frame_valid = true;
            s->frame_gen = s->gen;
            s->frame_no++;
        } else {
            redraw = false; /* out of host memory: keep showing the last frame */
        }
    }
    if (!s->frame) {
        return false;
    }
    out->pixels = s->frame;
    out->width = s->frame_w;
    out->height = s->frame_h;
    out->aspect_w = s->frame_aspect_w;
    out->aspect_h = s->frame_aspect_h;
    out->frame_no = s->frame_no;
    return redraw;
}

/* Start address of every character row on screen (its first scan line), in order. */
static unsigned text_rows(const VgaState *s, const Crtc *c, uint32_t *row_ma, unsigned max_rows)
{
    ScanWalk sw;
    unsigned n = 0;
    walk_begin(c, &sw);
    for (unsigned y = 0; y < c->vdisp && y < MAX_DIM; y++) {
        bool first = (y == 0) || (sw.rowscan == 0 && !sw.second);
        if (first) {
            if (n < max_rows) {
                row_ma[n] = sw.row_ma + (sw.split ? 0 : c->byte_pan);
            }
            n++;
        }
        walk_next(c, &sw, y);
    }
    (void)s;
    return n < max_rows ? n : max_rows;
}

static bool text_mode(const VgaState *s)
{
    return !dispi_enabled(s) && !(s->ac[0x10] & 0x01) && !(s->gc[6] & 0x01);
}

bool vga_text_screen(Device *vga, VgaTextCell *cells, unsigned max_cells, unsigned *rows,
                     unsigned *cols)
{
    VgaState *s = render_state(vga);
    *rows = *cols = 0;
    if (!s || !text_mode(s)) {
        return false;
    }
    Crtc c;
    crtc_decode(s, &c);
    uint32_t row_ma[MAX_DIM];
    unsigned nrows = text_rows(s, &c, row_ma, MAX_DIM);
    *rows = nrows;
    *cols = c.hchars;
    for (unsigned r = 0; r < nrows; r++) {
        for (unsigned col = 0; col < c.hchars; col++) {
            size_t i = (size_t)r * c.hchars + col;
            if (i >= max_cells) {
                return true;
            }
            uint32_t a = crtc_addr(&c, row_ma[r] + col / c.count_by, 0);
            cells[i].ch = s->vram[a * 4];
            cells[i].attr = s->vram[a * 4 + 1];
        }
    }
    return true;
}

bool vga_text_cursor(Device *vga, unsigned *row, unsigned *col)
{
    VgaState *s = render_state(vga);
    if (!s || !text_mode(s) || (s->crtc[0x0A] & 0x20)) {
        return false;
    }
    Crtc c;
    crtc_decode(s, &c);
    uint32_t row_ma[MAX_DIM];
    unsigned nrows = text_rows(s, &c, row_ma, MAX_DIM);
    uint32_t cursor = (uint32_t)s->crtc[0x0E] << 8 | s->crtc[0x0F];
    for (unsigned r = 0; r < nrows; r++) {
        uint32_t d = (cursor - row_ma[r]) & 0xFFFF;
        if (d < (c.hchars + c.count_by - 1) / c.count_by) {
            *row = r;
            *col = d * c.count_by;
            return true;
        }
    }
    return false;
}
