/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VGA without a CPU: standard modes programmed register by register, memory written through the
 * bus, the frame rendered and checked pixel by pixel; read/write modes through memory reads;
 * retrace timing in guest time; the Bochs DISPI probe and an LFB mode; dirty tracking; state.
 *
 * Register sets are the IBM VGA BIOS video parameter table entries for modes 03h, 04h, 12h and
 * 13h (IBM PS/2 Hardware Interface Technical Reference, "Video Subsystem", BIOS parameter table;
 * the same values are in SeaVGABIOS vgasrc/stdvgamodes.c). Sequencer arrays start at SR01.
 */
#include <string.h>

#include "core/state.h"
#include "devtest.h"
#include "video/cp437.h"
#include "video/render.h"
#include "video/vga.h"
#include "video/vga_state.h"

typedef struct VgaModeRegs {
    uint8_t misc;
    uint8_t seq[4];
    uint8_t crtc[25];
    uint8_t gc[9];
    uint8_t ac[20];
} VgaModeRegs;

static const VgaModeRegs mode03 = {
    0x67,
    {0x00, 0x03, 0x00, 0x02},
    {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
     0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08},
};

static const VgaModeRegs mode04 = {
    0x63,
    {0x09, 0x03, 0x00, 0x02},
    {0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0f, 0x0f, 0xff},
    {0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
     0x16, 0x17, 0x01, 0x00, 0x03, 0x00},
};

static const VgaModeRegs mode07 = {
    0x66,
    {0x00, 0x03, 0x00, 0x02},
    {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x0f, 0x96, 0xb9, 0xa3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0a, 0x00, 0xff},
    {0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x10, 0x18, 0x18, 0x18, 0x18, 0x18,
     0x18, 0x18, 0x0e, 0x00, 0x0f, 0x08},
};

static const VgaModeRegs mode06 = {
    0x63,
    {0x01, 0x01, 0x00, 0x06},
    {0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x00, 0x96, 0xb9, 0xc2, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x0f, 0xff},
    {0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17,
     0x17, 0x17, 0x01, 0x00, 0x01, 0x00},
};

static const VgaModeRegs mode12 = {
    0xe3,
    {0x01, 0x0f, 0x00, 0x06},
    {0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
     0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00},
};

static const VgaModeRegs mode13 = {
    0x63,
    {0x01, 0x0f, 0x00, 0x0e},
    {0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
     0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00},
};

typedef struct Rig {
    Machine *m;
    Device *vga;
} Rig;

static void rig_init(TestCtx *t, Rig *r)
{
    r->m = dt_machine(t);
    r->vga = dt_add(t, r->m, &vga_isa_class, "vga");
    dt_realize(t, r->m);
}

static void seq_w(Machine *m, uint8_t i, uint8_t v) { outb(m, 0x3C4, i); outb(m, 0x3C5, v); }
static void gc_w(Machine *m, uint8_t i, uint8_t v) { outb(m, 0x3CE, i); outb(m, 0x3CF, v); }
static void crtc_w(Machine *m, uint8_t i, uint8_t v) { outb(m, 0x3D4, i); outb(m, 0x3D5, v); }
static void ac_w(Machine *m, uint8_t i, uint8_t v)
{
    inb(m, 0x3DA);
    outb(m, 0x3C0, i);
    outb(m, 0x3C0, v);
}
static void dac_w(Machine *m, uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
    outb(m, 0x3C8, i);
    outb(m, 0x3C9, r);
    outb(m, 0x3C9, g);
    outb(m, 0x3C9, b);
}

/* The order SeaVGABIOS's stdvga_set_mode uses (platform-bringup notes §4). */
static void set_mode(Machine *m, const VgaModeRegs *r)
{
    outb(m, 0x3C6, 0xFF);
    for (unsigned i = 0; i < 20; i++) {
        ac_w(m, (uint8_t)i, r->ac[i]);
    }
    ac_w(m, 0x14, 0x00);
    seq_w(m, 0, 0x03);
    for (unsigned i = 0; i < 4; i++) {
        seq_w(m, (uint8_t)(i + 1), r->seq[i]);
    }
    for (unsigned i = 0; i < 9; i++) {
        gc_w(m, (uint8_t)i, r->gc[i]);
    }
    outb(m, 0x3C2, r->misc);
    uint16_t crtc = (r->misc & 1) ? 0x3D4 : 0x3B4;
    outb(m, crtc, 0x11);
    outb(m, crtc + 1, 0x00);
    for (unsigned i = 0; i < 25; i++) {
        outb(m, crtc, (uint8_t)i);
        outb(m, crtc + 1, r->crtc[i]);
    }
    inb(m, 0x3DA);
    outb(m, 0x3C0, 0x20); /* palette address source: video on */
}

/* The 64-colour EGA palette the BIOS loads for 16-colour modes: index bits are b g r B G R
 * (low bits 2/3 intensity 0x2A, high bits 1/3 intensity 0x15). */
static void load_ega_palette(Machine *m)
{
    for (unsigned i = 0; i < 64; i++) {
        uint8_t r = (uint8_t)((i >> 2 & 1) * 0x2a + (i >> 5 & 1) * 0x15);
        uint8_t g = (uint8_t)((i >> 1 & 1) * 0x2a + (i >> 4 & 1) * 0x15);
        uint8_t b = (uint8_t)((i & 1) * 0x2a + (i >> 3 & 1) * 0x15);
        dac_w(m, (uint8_t)i, r, g, b);
    }
}

/* A 6-bit DAC entry as the renderer shows it: round(v * 255 / 63) per component. */
static uint32_t rgb6(unsigned r, unsigned g, unsigned b)
{
    r = (r * 255 + 31) / 63;
    g = (g * 255 + 31) / 63;
    b = (b * 255 + 31) / 63;
    return r << 16 | g << 8 | b;
}

static uint32_t px(const VgaFrame *f, unsigned x, unsigned y)
{
    if (!f->pixels || x >= f->width || y >= f->height) {
        return 0xDEADBEEF;
    }
    return f->pixels[(size_t)y * f->width + x];
}

static const uint8_t glyph_A[16] = {0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
                                    0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00};

/* Loads glyphs into plane 2 the way the BIOS does: plane 2 only, sequential addressing,
 * A0000 64K, then back to text mode addressing. */
static void load_glyph(Machine *m, uint8_t ch, const uint8_t rows[16])
{
    seq_w(m, 2, 0x04);
    seq_w(m, 4, 0x07);
    gc_w(m, 4, 0x02);
    gc_w(m, 5, 0x00);
    gc_w(m, 6, 0x04);
    for (unsigned i = 0; i < 16; i++) {
        membus_write8(m->mem, 0xA0000 + ch * 32u + i, rows[i]);
    }
    seq_w(m, 2, 0x03);
    seq_w(m, 4, 0x03);
    gc_w(m, 4, 0x00);
    gc_w(m, 5, 0x10);
    gc_w(m, 6, 0x0e);
}

static void put_char(Machine *m, unsigned row, unsigned col, uint8_t ch, uint8_t attr)
{
    membus_write8(m->mem, 0xB8000 + (row * 80 + col) * 2, ch);
    membus_write8(m->mem, 0xB8000 + (row * 80 + col) * 2 + 1, attr);
}

static void test_text_mode3(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode03);
    load_ega_palette(m);
    static const uint8_t full[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t odd[16] = {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
                                    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01};
    load_glyph(m, 'A', glyph_A);
    load_glyph(m, 0xDB, full); /* full block: line graphics range */
    load_glyph(m, 0x01, odd);  /* outside C0-DF: 9th dot stays background */
    /* The font went to plane 2 only: plane 0/1 (text) still zero. */
    T_EQ(t, membus_read8(m->mem, 0xB8000), 0x00);
    put_char(m, 0, 0, 'A', 0x1E);   /* yellow on blue */
    put_char(m, 1, 5, 0xDB, 0x04);  /* red block */
    put_char(m, 1, 6, 0x01, 0x02);  /* green column 7 */
    put_char(m, 2, 0, 'A', 0x8F);   /* blinking white on black */
    crtc_w(m, 0x0E, 0x00);
    crtc_w(m, 0x0F, 3 * 80 + 10); /* cursor at row 3, column 10 */
    put_char(m, 3, 10, ' ', 0x07);

    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 720);
    T_EQ(t, f.height, 400);
    T_EQ(t, f.aspect_w, 4);
    T_EQ(t, f.aspect_h, 3);
    uint32_t blue = rgb6(0, 0, 0x2a), yellow = rgb6(0x3f, 0x3f, 0x15);
    uint32_t red = rgb6(0x2a, 0, 0), green = rgb6(0, 0x2a, 0), grey = rgb6(0x2a, 0x2a, 0x2a);
    uint32_t white = rgb6(0x3f, 0x3f, 0x3f);
    /* 'A' row 7 = 0xFE: dots 0-6 on, 7 off, 9th dot background. */
    for (unsigned x = 0; x < 7; x++) {
        T_EQ(t, px(&f, x, 7), yellow);
    }
    T_EQ(t, px(&f, 7, 7), blue);
    T_EQ(t, px(&f, 8, 7), blue);
    /* Row 2 = 0x10: only dot 3. */
    T_EQ(t, px(&f, 3, 2), yellow);
    T_EQ(t, px(&f, 2, 2), blue);
    T_EQ(t, px(&f, 4, 2), blue);
    T_EQ(t, px(&f, 0, 0), blue);
    /* Next cell is blank (char 0, attr 0 -> black). */
    T_EQ(t, px(&f, 9, 7), 0);
    /* 0xDB with line graphics enabled (AR10 bit 2): the 9th dot repeats dot 8. */
    T_EQ(t, px(&f, 5 * 9 + 7, 16 + 4), red);
    T_EQ(t, px(&f, 5 * 9 + 8, 16 + 4), red);
    /* 0x01 is outside C0-DF: dot 7 set, 9th dot background. */
    T_EQ(t, px(&f, 6 * 9 + 7, 16 + 4), green);
    T_EQ(t, px(&f, 6 * 9 + 8, 16 + 4), 0);
    T_EQ(t, px(&f, 6 * 9 + 6, 16 + 4), 0);
    /* Cursor (scan lines 13-14 of the cell) in the character's foreground, at time 0. */
    T_EQ(t, px(&f, 10 * 9, 3 * 16 + 13), grey);
    T_EQ(t, px(&f, 10 * 9 + 8, 3 * 16 + 14), grey);
    T_EQ(t, px(&f, 10 * 9, 3 * 16 + 12), 0);
    T_EQ(t, px(&f, 10 * 9, 3 * 16 + 15), 0);
    /* Blinking character, visible phase: white 'A'. */
    T_EQ(t, px(&f, 0, 2 * 16 + 7), white);

    /* 16 frames later (14.27 ms each at 28.322 MHz, 900 x 449 dots) the cursor is off. */
    VgaTiming tm;
    vga_timing(vga_state_of(r.vga), &tm);
    T_EQ(t, tm.htotal, 100);
    T_EQ(t, tm.vtotal, 449);
    int64_t frame = vga_frame_ns(&tm);
    T_CHECK(t, frame > 14260000 && frame < 14280000);
    dt_step(m, frame * 15 + frame / 2);
    T_CHECK(t, !vga_render(r.vga, &f)); /* frame 15: nothing changed yet */
    dt_step(m, frame);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 10 * 9, 3 * 16 + 13), 0);
    T_EQ(t, px(&f, 0, 2 * 16 + 7), white); /* characters blink every 32 frames */
    dt_step(m, frame * 16);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 10 * 9, 3 * 16 + 13), grey);
    T_EQ(t, px(&f, 0, 2 * 16 + 7), 0); /* blinking text hidden */
    T_EQ(t, px(&f, 0, 7), yellow);     /* non-blinking text unaffected */
    /* With blink disabled (AR10 bit 3 clear) bit 7 is background intensity. */
    ac_w(m, 0x10, 0x04);
    outb(m, 0x3C0, 0x20);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 0, 2 * 16 + 7), white);
    T_EQ(t, px(&f, 0, 2 * 16 + 0), rgb6(0x15, 0x15, 0x15)); /* bg 8: dark grey (AR08 = 0x38) */

    /* The text screen as the CLI reads it. */
    VgaTextCell cells[80 * 25];
    unsigned rows, cols;
    T_CHECK(t, vga_text_screen(r.vga, cells, 80 * 25, &rows, &cols));
    T_EQ(t, rows, 25);
    T_EQ(t, cols, 80);
    T_EQ(t, cells[0].ch, 'A');
    T_EQ(t, cells[0].attr, 0x1E);
    T_EQ(t, cells[80 + 5].ch, 0xDB);
    T_EQ(t, cells[2 * 80].attr, 0x8F);
    unsigned crow, ccol;
    T_CHECK(t, vga_text_cursor(r.vga, &crow, &ccol));
    T_EQ(t, crow, 3);
    T_EQ(t, ccol, 10);
    /* Scrolling by start address moves the screen up a row. */
    crtc_w(m, 0x0C, 0);
    crtc_w(m, 0x0D, 80);
    T_CHECK(t, vga_text_screen(r.vga, cells, 80 * 25, &rows, &cols));
    T_EQ(t, cells[5].ch, 0xDB);
    T_CHECK(t, vga_text_cursor(r.vga, &crow, &ccol));
    T_EQ(t, crow, 2);
    char u[4];
    T_EQ(t, cp437_to_utf8(0xDB, u), 3);
    T_CHECK(t, memcmp(u, "\xe2\x96\x88", 3) == 0); /* U+2588 FULL BLOCK */
    T_EQ(t, cp437_to_utf8('A', u), 1);
    T_EQ(t, cp437_unicode[0x82], 0x00E9);
    machine_free(m);
}

static void test_mono_mode7(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode07);
    dac_w(m, 0x08, 0x2a, 0x2a, 0x2a);
    dac_w(m, 0x18, 0x3f, 0x3f, 0x3f);
    load_glyph(m, 'A', glyph_A);
    /* load_glyph leaves GR06 at the colour text map; back to B0000 for mode 7. */
    gc_w(m, 6, 0x0a);
    membus_write8(m->mem, 0xB0000, 'A');
    membus_write8(m->mem, 0xB0001, 0x01); /* underlined */
    membus_write8(m->mem, 0xB0002, 'A');
    membus_write8(m->mem, 0xB0003, 0x07); /* normal */
    /* B8000 is not decoded in this memory map: reads float. */
    T_EQ(t, membus_read8(m->mem, 0xB8000), 0xFF);
    T_EQ(t, membus_read8(m->mem, 0xB0000), 'A');
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 720);
    T_EQ(t, f.height, 400);
    uint32_t grey = rgb6(0x2a, 0x2a, 0x2a);
    T_EQ(t, px(&f, 0, 7), grey);
    T_EQ(t, px(&f, 0, 15), grey); /* underline at CR14 = 15, all 9 dots */
    T_EQ(t, px(&f, 8, 15), grey);
    T_EQ(t, px(&f, 0, 12), 0);
    T_EQ(t, px(&f, 0, 14), grey); /* cursor (CR0A/0B = 13-14) at location 0 */
    T_EQ(t, px(&f, 9, 7), grey);  /* second 'A', attribute 07 */
    T_EQ(t, px(&f, 9, 15), 0);    /* not underlined */
    /* The CRTC and status register live at 3Bx; 3Dx floats. */
    T_EQ(t, inb(m, 0x3DA), 0xFF);
    T_EQ(t, inb(m, 0x3BA) & 0xF6, 0x00);
    machine_free(m);
}

static void test_mode13(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode13);
    dac_w(m, 1, 63, 0, 0);
    dac_w(m, 2, 0, 63, 0);
    dac_w(m, 200, 10, 20, 30);
    membus_write8(m->mem, 0xA0000, 1);
    membus_write8(m->mem, 0xA0000 + 199 * 320 + 319, 2);
    membus_write8(m->mem, 0xA0000 + 50 * 320 + 100, 200);
    T_EQ(t, membus_read8(m->mem, 0xA0000 + 50 * 320 + 100), 200);
    T_EQ(t, membus_read16(m->mem, 0xA0000), 0x0001);
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, f.height, 400);
    T_EQ(t, px(&f, 0, 0), 0xFF0000);
    T_EQ(t, px(&f, 1, 1), 0xFF0000);
    T_EQ(t, px(&f, 2, 0), 0);
    T_EQ(t, px(&f, 638, 398), 0x00FF00);
    T_EQ(t, px(&f, 639, 399), 0x00FF00);
    T_EQ(t, px(&f, 200, 100), rgb6(10, 20, 30));
    T_EQ(t, px(&f, 201, 101), rgb6(10, 20, 30));
    T_EQ(t, px(&f, 202, 100), 0);
    /* 6-bit levels become round(v * 255 / 63): 11 -> 45, 48 -> 194, 63 -> 255. */
    dac_w(m, 3, 11, 48, 63);
    membus_write8(m->mem, 0xA0000 + 10, 3);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 20, 0), 0x2DC2FF);
    /* Chain 4 puts CPU byte A in plane A&3 at offset A&~3: byte 5 is plane 1, offset 4. */
    membus_write8(m->mem, 0xA0005, 0x77);
    seq_w(m, 4, 0x06);
    gc_w(m, 4, 0x01);
    T_EQ(t, membus_read8(m->mem, 0xA0004), 0x77);
    T_EQ(t, membus_read8(m->mem, 0xA0005), 0x00);
    seq_w(m, 4, 0x0e);
    /* The PEL mask applies to the index before the DAC lookup. */
    outb(m, 0x3C6, 0x01);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 638, 398), 0); /* 2 & 1 = 0: DAC 0 is black */
    T_EQ(t, px(&f, 0, 0), 0xFF0000);
    machine_free(m);
}

static void test_dac_ports(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    dac_w(m, 0x10, 0x01, 0x02, 0x03);
    dac_w(m, 0x11, 0x3f, 0x7f, 0xff); /* 6-bit DAC: the top two bits are not stored */
    T_EQ(t, inb(m, 0x3C8), 0x12);      /* write index auto-incremented */
    T_EQ(t, inb(m, 0x3C7), 0x00);      /* DAC state: write mode */
    outb(m, 0x3C7, 0x10);
    T_EQ(t, inb(m, 0x3C7), 0x03);      /* read mode */
    T_EQ(t, inb(m, 0x3C9), 0x01);
    T_EQ(t, inb(m, 0x3C9), 0x02);
    T_EQ(t, inb(m, 0x3C9), 0x03);
    T_EQ(t, inb(m, 0x3C9), 0x3f);      /* next entry */
    T_EQ(t, inb(m, 0x3C9), 0x3f);
    T_EQ(t, inb(m, 0x3C9), 0x3f);
    /* A write index set in the middle of an entry restarts at component R. */
    outb(m, 0x3C8, 0x20);
    outb(m, 0x3C9, 0x05);
    outb(m, 0x3C8, 0x21);
    outb(m, 0x3C9, 0x06);
    outb(m, 0x3C9, 0x07);
    outb(m, 0x3C9, 0x08);
    outb(m, 0x3C7, 0x21);
    T_EQ(t, inb(m, 0x3C9), 0x06);
    outb(m, 0x3C6, 0x0F);
    T_EQ(t, inb(m, 0x3C6), 0x0F);
    /* Sequencer and graphics registers keep only their defined bits. */
    seq_w(m, 4, 0xFF);
    T_EQ(t, inb(m, 0x3C5), 0x0E);
    gc_w(m, 5, 0xFF);
    T_EQ(t, inb(m, 0x3CF), 0x7B);
    outb(m, 0x3C2, 0x67);
    T_EQ(t, inb(m, 0x3CC), 0x67);
    machine_free(m);
}

static uint8_t plane_read(Machine *m, unsigned plane, uint32_t addr)
{
    gc_w(m, 4, (uint8_t)plane);
    return membus_read8(m->mem, 0xA0000 + addr);
}

static void test_planar_mode12(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode12);
    load_ega_palette(m);

    /* Write mode 0 with set/reset on all planes: colour 5 (planes 0 and 2). */
    gc_w(m, 1, 0x0F);
    gc_w(m, 0, 0x05);
    membus_write8(m->mem, 0xA0000, 0x00);
    T_EQ(t, plane_read(m, 0, 0), 0xFF);
    T_EQ(t, plane_read(m, 1, 0), 0x00);
    T_EQ(t, plane_read(m, 2, 0), 0xFF);
    T_EQ(t, plane_read(m, 3, 0), 0x00);
    /* Bit mask keeps the latched bits: latches hold 5 5 5 5..., write colour 2 to the low 4. */
    membus_read8(m->mem, 0xA0000);
    gc_w(m, 8, 0x0F);
    gc_w(m, 0, 0x02);
    membus_write8(m->mem, 0xA0000, 0x00);
    T_EQ(t, plane_read(m, 0, 0), 0xF0);
    T_EQ(t, plane_read(m, 1, 0), 0x0F);
    T_EQ(t, plane_read(m, 2, 0), 0xF0);
    T_EQ(t, plane_read(m, 3, 0), 0x00);
    /* Enable set/reset only on plane 3; the others take the CPU data rotated by 4 and XORed
     * with the latch (GR03 = rotate 4, function XOR). */
    gc_w(m, 8, 0xFF);
    gc_w(m, 1, 0x08);
    gc_w(m, 0, 0x08);
    gc_w(m, 3, 0x18 | 4);
    membus_read8(m->mem, 0xA0000); /* latches: F0 0F F0 00 */
    membus_write8(m->mem, 0xA0000, 0x0F); /* rotated: F0 */
    T_EQ(t, plane_read(m, 0, 0), 0x00);
    T_EQ(t, plane_read(m, 1, 0), 0xFF);
    T_EQ(t, plane_read(m, 2, 0), 0x00);
    T_EQ(t, plane_read(m, 3, 0), 0xFF);
    gc_w(m, 3, 0x00);
    gc_w(m, 1, 0x00);
    /* Write mode 1 copies the latches. */
    gc_w(m, 5, 0x01);
    membus_read8(m->mem, 0xA0000);
    membus_write8(m->mem, 0xA0001, 0x55);
    gc_w(m, 5, 0x00);
    T_EQ(t, plane_read(m, 1, 1), 0xFF);
    T_EQ(t, plane_read(m, 3, 1), 0xFF);
    T_EQ(t, plane_read(m, 0, 1), 0x00);
    /* Write mode 2: CPU bits 3-0 are the colour, bit mask picks pixels. */
    gc_w(m, 5, 0x02);
    gc_w(m, 8, 0xF0);
    membus_read8(m->mem, 0xA0002);
    membus_write8(m->mem, 0xA0002, 0x05);
    gc_w(m, 8, 0x0F);
    membus_read8(m->mem, 0xA0002);
    membus_write8(m->mem, 0xA0002, 0x03);
    gc_w(m, 8, 0xFF);
    gc_w(m, 5, 0x00);
    T_EQ(t, plane_read(m, 0, 2), 0xFF);
    T_EQ(t, plane_read(m, 1, 2), 0x0F);
    T_EQ(t, plane_read(m, 2, 2), 0xF0);
    T_EQ(t, plane_read(m, 3, 2), 0x00);
    /* Read mode 1: colour compare with don't care. */
    gc_w(m, 5, 0x08);
    gc_w(m, 7, 0x0F);
    gc_w(m, 2, 0x05);
    T_EQ(t, membus_read8(m->mem, 0xA0002), 0xF0);
    gc_w(m, 2, 0x03);
    T_EQ(t, membus_read8(m->mem, 0xA0002), 0x0F);
    gc_w(m, 7, 0x01); /* only plane 0 matters: both colours are odd */
    gc_w(m, 2, 0x01);
    T_EQ(t, membus_read8(m->mem, 0xA0002), 0xFF);
    gc_w(m, 7, 0x00); /* nothing matters: all match */
    gc_w(m, 2, 0x00);
    T_EQ(t, membus_read8(m->mem, 0xA0000), 0xFF);
    gc_w(m, 5, 0x00);
    /* Write mode 3: rotated data ANDed with the bit mask; set/reset is the colour. */
    gc_w(m, 5, 0x03);
    gc_w(m, 0, 0x0C);
    membus_read8(m->mem, 0xA0003); /* latches 0 */
    membus_write8(m->mem, 0xA0003, 0x3C);
    gc_w(m, 5, 0x00);
    T_EQ(t, plane_read(m, 0, 3), 0x00);
    T_EQ(t, plane_read(m, 2, 3), 0x3C);
    T_EQ(t, plane_read(m, 3, 3), 0x3C);
    /* Map mask: only plane 1 written. */
    gc_w(m, 1, 0x00);
    seq_w(m, 2, 0x02);
    membus_write8(m->mem, 0xA0004, 0xA5);
    seq_w(m, 2, 0x0F);
    T_EQ(t, plane_read(m, 0, 4), 0x00);
    T_EQ(t, plane_read(m, 1, 4), 0xA5);
    /* Latch read-back through CR22 (undocumented IBM VGA) follows GR04. */
    gc_w(m, 4, 1);
    outb(m, 0x3D4, 0x22);
    T_EQ(t, inb(m, 0x3D5), 0xA5);

    /* Rendered: byte 2 has colour 5 in pixels 16-19 and colour 3 in 20-23. */
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, f.height, 480);
    T_EQ(t, px(&f, 16, 0), rgb6(0x2a, 0, 0x2a));    /* 5: magenta */
    T_EQ(t, px(&f, 20, 0), rgb6(0, 0x2a, 0x2a));    /* 3: cyan */
    T_EQ(t, px(&f, 16, 1), 0);
    /* Attribute palette: colour 5 -> AR05 = 0x3F (white). */
    ac_w(m, 0x05, 0x3F);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 16, 0), 0); /* palette address source off while loading: blank */
    outb(m, 0x3C0, 0x20);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 16, 0), rgb6(0x3f, 0x3f, 0x3f));
    /* DAC entry 0x3F changed. */
    dac_w(m, 0x3F, 1, 2, 3);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 16, 0), rgb6(1, 2, 3));
    /* Colour select: AR10 bit 7 takes bits 5-4 from AR14 bits 1-0, AR14 bits 3-2 give 7-6. */
    dac_w(m, 0x9F, 9, 9, 9); /* (0x3F & 0x0F) | 0x10 | 0x80 */
    ac_w(m, 0x10, 0x81);
    ac_w(m, 0x14, 0x09);
    outb(m, 0x3C0, 0x20);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 16, 0), rgb6(9, 9, 9));
    /* Colour plane enable: hide plane 0 -> colour 5 becomes 4 (AR04 = 0x04: red). */
    ac_w(m, 0x10, 0x01);
    ac_w(m, 0x14, 0x00);
    ac_w(m, 0x12, 0x0E);
    outb(m, 0x3C0, 0x20);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 16, 0), rgb6(0x2a, 0, 0));
    /* Pixel panning shifts the picture left by AR13 dots. */
    ac_w(m, 0x12, 0x0F);
    ac_w(m, 0x13, 0x04);
    outb(m, 0x3C0, 0x20);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 12, 0), rgb6(1, 2, 3));
    T_EQ(t, px(&f, 16, 0), rgb6(0, 0x2a, 0x2a));
    machine_free(m);
}

static void test_mode_x(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode13);
    /* Unchain (Abrash's mode X set-up): SR04 = 06, CR14 = 00, CR17 = E3. */
    seq_w(m, 4, 0x06);
    crtc_w(m, 0x14, 0x00);
    crtc_w(m, 0x17, 0xE3);
    dac_w(m, 1, 63, 0, 0);
    dac_w(m, 2, 0, 63, 0);
    dac_w(m, 3, 0, 0, 63);
    seq_w(m, 2, 0x01);
    membus_write8(m->mem, 0xA0000, 1); /* pixel 0 */
    seq_w(m, 2, 0x02);
    membus_write8(m->mem, 0xA0000, 2); /* pixel 1 */
    seq_w(m, 2, 0x0F);
    membus_write8(m->mem, 0xA0001, 3); /* pixels 4-7 */
    membus_write8(m->mem, 0xA0000 + 80, 1); /* row 1, pixels 0-3 */
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, px(&f, 0, 0), 0xFF0000);
    T_EQ(t, px(&f, 2, 0), 0x00FF00);
    T_EQ(t, px(&f, 4, 0), 0);
    T_EQ(t, px(&f, 8, 1), 0x0000FF);
    T_EQ(t, px(&f, 15, 1), 0x0000FF);
    T_EQ(t, px(&f, 16, 0), 0);
    T_EQ(t, px(&f, 6, 2), 0xFF0000);
    T_EQ(t, px(&f, 6, 3), 0xFF0000);
    /* Page flip via the start address (byte mode: in plane offsets). */
    crtc_w(m, 0x0D, 80);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 6, 0), 0xFF0000);
    T_EQ(t, px(&f, 8, 0), 0);
    /* Line compare splits the screen: scan line 100 restarts at address 0. */
    crtc_w(m, 0x18, 100);
    crtc_w(m, 0x07, 0x0F); /* line compare bit 8 clear (mode 13h has 0x1F) */
    crtc_w(m, 0x09, 0x01); /* bit 9 clear */
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 0, 100), 0);        /* line 100 still shows the top half */
    T_EQ(t, px(&f, 0, 101), 0xFF0000); /* the split starts on the next line */
    T_EQ(t, px(&f, 8, 101), 0x0000FF);
    machine_free(m);
}

static void test_cga_mode4(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode04);
    dac_w(m, 0x13, 1, 1, 1);
    dac_w(m, 0x15, 2, 2, 2);
    dac_w(m, 0x17, 3, 3, 3);
    /* CGA layout: even rows at B8000, odd rows at BA000; 2 bits per pixel, MSB first. */
    membus_write8(m->mem, 0xB8000, 0xE4); /* pixels 3 2 1 0 */
    membus_write8(m->mem, 0xB8001, 0x40); /* pixel 4 = 1 */
    membus_write8(m->mem, 0xBA000, 0xC0); /* row 1 pixel 0 = 3 */
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, f.height, 400);
    T_EQ(t, px(&f, 0, 0), rgb6(3, 3, 3));
    T_EQ(t, px(&f, 1, 1), rgb6(3, 3, 3)); /* 2x2 per pixel */
    T_EQ(t, px(&f, 2, 0), rgb6(2, 2, 2));
    T_EQ(t, px(&f, 4, 0), rgb6(1, 1, 1));
    T_EQ(t, px(&f, 6, 0), 0);
    T_EQ(t, px(&f, 8, 0), rgb6(1, 1, 1));
    T_EQ(t, px(&f, 0, 2), rgb6(3, 3, 3));
    T_EQ(t, px(&f, 0, 3), rgb6(3, 3, 3));
    T_EQ(t, px(&f, 2, 2), 0);

    /* Mode 6: 640x200 two colours, one bit per pixel from plane 0, byte mode, same bank
     * interleave. */
    set_mode(m, &mode06);
    dac_w(m, 0x17, 0x3f, 0x3f, 0x3f);
    membus_write8(m->mem, 0xB8000, 0x81);
    membus_write8(m->mem, 0xBA000 + 1, 0x40);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, f.height, 400);
    uint32_t white = rgb6(0x3f, 0x3f, 0x3f);
    T_EQ(t, px(&f, 0, 0), white);
    T_EQ(t, px(&f, 0, 1), white);
    T_EQ(t, px(&f, 1, 0), 0);
    T_EQ(t, px(&f, 7, 0), white);
    T_EQ(t, px(&f, 9, 2), white); /* row 1 (odd bank), pixel 9 */
    T_EQ(t, px(&f, 9, 0), 0);
    machine_free(m);
}

/* First guest time at which `dots` dot clocks have elapsed. */
static int64_t dots_ns(uint64_t dots, uint64_t hz)
{
    return (int64_t)((dots * NS_PER_SEC + hz - 1) / hz);
}

static void test_retrace(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode03);
    const uint64_t hz = 28322000;
    const uint64_t line = 100 * 9;
    /* Line 0, dot 0: displaying. */
    T_EQ(t, inb(m, 0x3DA) & 0x09, 0x00);
    /* Character clock 85 of line 0: horizontal blanking, display enable off. */
    machine_run_until(m, dots_ns(85 * 9, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x09, 0x01);
    /* Line 400 (below the 400 displayed lines): display off, no retrace yet. */
    machine_run_until(m, dots_ns(400 * line, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x09, 0x01);
    machine_run_until(m, dots_ns(412 * line - 1, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x08, 0x00);
    /* Retrace: lines 412-413 (CR10 = 0x9C + bit 8 from CR07, ends at low bits CR11 = E). */
    machine_run_until(m, dots_ns(412 * line, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x09, 0x09);
    machine_run_until(m, dots_ns(413 * line + 899, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x08, 0x08);
    machine_run_until(m, dots_ns(414 * line, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x08, 0x00);
    /* Next frame (449 lines). */
    machine_run_until(m, dots_ns(449 * line + 412 * line + 10, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x08, 0x08);
    machine_run_until(m, dots_ns(449 * line * 2 + 10 * line, hz));
    T_EQ(t, inb(m, 0x3DA) & 0x09, 0x00);

    /* Reading 3DA resets the attribute flip-flop to "index". */
    inb(m, 0x3DA);
    outb(m, 0x3C0, 0x30); /* index 0x10 with PAS */
    outb(m, 0x3C0, 0x0C); /* data */
    outb(m, 0x3C0, 0x31); /* index again (flip-flop toggled back) */
    T_EQ(t, inb(m, 0x3C0), 0x31);
    outb(m, 0x3C0, 0x00); /* data for 0x11 */
    inb(m, 0x3DA);
    outb(m, 0x3C0, 0x32);
    T_EQ(t, inb(m, 0x3C0), 0x32);
    inb(m, 0x3DA);
    outb(m, 0x3C0, 0x30);
    T_EQ(t, inb(m, 0x3C1), 0x0C);
    /* Mono I/O address: the CRTC moves to 3B4 and 3D4 floats. */
    outb(m, 0x3C2, 0x66);
    T_EQ(t, inb(m, 0x3D5), 0xFF);
    outb(m, 0x3B4, 0x0F);
    T_EQ(t, inb(m, 0x3B5), 0x00);
    /* Protect bit: CR00-07 read-only except CR07 bit 4. */
    outb(m, 0x3B4, 0x11);
    outb(m, 0x3B5, 0x8E);
    outb(m, 0x3B4, 0x00);
    outb(m, 0x3B5, 0x12);
    T_EQ(t, inb(m, 0x3B5), 0x5F);
    outb(m, 0x3B4, 0x07);
    outb(m, 0x3B5, 0x00);
    T_EQ(t, inb(m, 0x3B5), 0x0F);
    machine_free(m);
}

static uint16_t dispi_r(Machine *m, uint16_t i)
{
    outw(m, 0x1CE, i);
    return inw(m, 0x1CF);
}
static void dispi_w(Machine *m, uint16_t i, uint16_t v)
{
    outw(m, 0x1CE, i);
    outw(m, 0x1CF, v);
}

static void test_dispi(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    AmberError err = {0};
    /* SeaVGABIOS bochsvga_setup probe (platform-bringup notes §4). */
    dispi_w(m, 0, 0xB0C0);
    T_EQ(t, dispi_r(m, 0), 0xB0C0);
    dispi_w(m, 0, 0xB0C5);
    T_EQ(t, dispi_r(m, 0), 0xB0C5);
    T_EQ(t, dispi_r(m, 0xA), 0x0100); /* 16 MiB in 64 KiB units */
    uint16_t en = dispi_r(m, 4);
    T_EQ(t, en, 0);
    dispi_w(m, 4, en | 0x02);
    T_EQ(t, dispi_r(m, 1), 16000);
    T_EQ(t, dispi_r(m, 2), 12000);
    T_EQ(t, dispi_r(m, 3), 32);
    dispi_w(m, 4, en);
    T_EQ(t, dispi_r(m, 1), 0);
    dispi_w(m, 0, 0x1234); /* not an ID: ignored */
    T_EQ(t, dispi_r(m, 0), 0xB0C5);
    /* 0x1D0 is a data port too (QEMU). */
    outw(m, 0x1CE, 0);
    T_EQ(t, inw(m, 0x1D0), 0xB0C5);

    /* bochsvga_set_mode: ENABLE=0, BPP, XRES, YRES, BANK=0, ENABLE=1|LFB. */
    T_CHECK(t, vga_set_lfb_base(r.vga, 0xE0000000, &err));
    membus_write32(m->mem, 0xE0000000, 0xFFFFFFFF); /* cleared by the enable below */
    dispi_w(m, 4, 0);
    dispi_w(m, 3, 32);
    dispi_w(m, 1, 640);
    dispi_w(m, 2, 480);
    dispi_w(m, 5, 0);
    dispi_w(m, 4, 0x41);
    T_EQ(t, dispi_r(m, 6), 640);
    T_EQ(t, dispi_r(m, 7), 16 * 1024 * 1024 / (640 * 4));
    T_EQ(t, membus_read32(m->mem, 0xE0000000), 0);
    dispi_w(m, 1, 800); /* XRES is fixed while enabled */
    T_EQ(t, dispi_r(m, 1), 640);
    membus_write32(m->mem, 0xE0000000, 0x00112233);
    membus_write32(m->mem, 0xE0000000 + (479 * 640 + 639) * 4, 0x00ABCDEF);
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, f.height, 480);
    T_EQ(t, f.aspect_w, 640);
    T_EQ(t, px(&f, 0, 0), 0x112233);
    T_EQ(t, px(&f, 639, 479), 0xABCDEF);
    T_EQ(t, px(&f, 1, 0), 0);
    /* The bank window at A0000 (GR06 as the BIOS sets it: A0000 64K graphics). */
    outb(m, 0x3C2, 0xC3);
    gc_w(m, 6, 0x05);
    dispi_w(m, 5, 1);
    membus_write8(m->mem, 0xA0004, 0x5A);
    T_EQ(t, membus_read8(m->mem, 0xE0010004), 0x5A);
    T_EQ(t, membus_read8(m->mem, 0xA0004), 0x5A);
    /* A DISPI mode keeps a 60 Hz raster: retrace and display enable toggle within a frame. */
    unsigned seen_retrace = 0, seen_blank = 0, seen_display = 0;
    for (unsigned i = 0; i < 400; i++) {
        dt_step(m, NS_PER_SEC / 60 / 400);
        uint8_t st = inb(m, 0x3DA);
        seen_retrace += (st & 0x08) != 0;
        seen_blank += (st & 0x01) != 0;
        seen_display += (st & 0x01) == 0;
    }
    T_CHECK(t, seen_retrace >= 1 && seen_retrace < 20);
    T_CHECK(t, seen_blank >= 20 && seen_display >= 200);
    /* Panning via Y_OFFSET. */
    dispi_w(m, 9, 479);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 639, 0), 0xABCDEF);
    /* Moving the LFB (a BAR change). */
    T_CHECK(t, vga_set_lfb_base(r.vga, 0xFD000000, &err));
    T_EQ(t, membus_read32(m->mem, 0xFD000000), 0x00112233);
    T_EQ(t, membus_kind(m->mem, 0xE0000000), MEM_UNMAPPED);

    /* 8 bpp with the 8-bit DAC. */
    dispi_w(m, 4, 0);
    dispi_w(m, 3, 8);
    dispi_w(m, 1, 320);
    dispi_w(m, 2, 200);
    dispi_w(m, 4, 0x01 | 0x40 | 0x20);
    dac_w(m, 7, 0xFF, 0x80, 0x01);
    membus_write8(m->mem, 0xFD000000 + 320 + 2, 7);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 320);
    T_EQ(t, f.height, 200);
    T_EQ(t, px(&f, 2, 1), 0xFF8001);
    /* 16 bpp 5:6:5. */
    dispi_w(m, 4, 0);
    dispi_w(m, 3, 16);
    dispi_w(m, 4, 0x41);
    membus_write16(m->mem, 0xFD000000, 0xF800);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 0, 0), 0xFF0000);
    /* NOCLEARMEM keeps memory across an enable. */
    dispi_w(m, 4, 0);
    dispi_w(m, 4, 0x41 | 0x80);
    T_EQ(t, membus_read16(m->mem, 0xFD000000), 0xF800);
    /* 4 bpp: planar, through the VGA write pipeline at A0000, 800x600. */
    dispi_w(m, 4, 0);
    dispi_w(m, 3, 4);
    dispi_w(m, 1, 800);
    dispi_w(m, 2, 600);
    dispi_w(m, 4, 0x01);
    T_EQ(t, dispi_r(m, 6), 800);
    seq_w(m, 4, 0x06);
    gc_w(m, 5, 0x00);
    gc_w(m, 8, 0xFF); /* bit mask (0 after reset: nothing would be written) */
    dac_w(m, 0x09, 0x3f, 0, 0x3f);
    ac_w(m, 0x09, 0x09);
    ac_w(m, 0x12, 0x0F);
    outb(m, 0x3C0, 0x20);
    seq_w(m, 2, 0x09); /* colour 9 = planes 0 and 3 */
    dispi_w(m, 5, 0);
    membus_write8(m->mem, 0xA0000 + 100 * 100 + 1, 0x80); /* y 100, x 8 */
    seq_w(m, 2, 0x0F);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 800);
    T_EQ(t, f.height, 600);
    T_EQ(t, px(&f, 8, 100), 0xFF00FF);
    T_EQ(t, px(&f, 9, 100), 0);
    /* Disabled again: back to VGA rendering (registers still at reset: no signal). */
    dispi_w(m, 4, 0);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.aspect_w, 4);
    T_EQ(t, f.width, 640);
    T_EQ(t, f.height, 480);
    T_EQ(t, px(&f, 320, 240), 0);
    machine_free(m);
}

static void test_dirty(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    set_mode(m, &mode13);
    dac_w(m, 1, 63, 0, 0);
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    uint64_t n = f.frame_no;
    T_CHECK(t, !vga_render(r.vga, &f));
    T_EQ(t, f.frame_no, n);
    T_CHECK(t, f.pixels != NULL);
    /* Graphics mode: no cursor or blink, time passing changes nothing. */
    dt_step(m, 2 * NS_PER_SEC);
    T_CHECK(t, !vga_render(r.vga, &f));
    /* Reads do not dirty; writes do. */
    membus_read8(m->mem, 0xA0000);
    inb(m, 0x3DA);
    T_CHECK(t, !vga_render(r.vga, &f));
    membus_write8(m->mem, 0xA0000, 1);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.frame_no, n + 1);
    T_EQ(t, px(&f, 0, 0), 0xFF0000);
    T_CHECK(t, !vga_render(r.vga, &f));
    dac_w(m, 1, 0, 63, 0);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 0, 0), 0x00FF00);
    /* Text mode with the cursor off-screen and nothing blinking: time changes nothing. */
    set_mode(m, &mode03);
    crtc_w(m, 0x0E, 0x10);
    T_CHECK(t, vga_render(r.vga, &f));
    dt_step(m, NS_PER_SEC);
    T_CHECK(t, !vga_render(r.vga, &f));
    /* Cursor on screen: redrawn when its phase flips (every 16 frames), not before. */
    crtc_w(m, 0x0E, 0x00);
    T_CHECK(t, vga_render(r.vga, &f));
    VgaTiming tm;
    vga_timing(vga_state_of(r.vga), &tm);
    int64_t frame = vga_frame_ns(&tm);
    bool phase = vga_cursor_phase(vga_state_of(r.vga), dt_now(m));
    unsigned steps = 0, quiet = 0;
    while (steps < 40 && vga_cursor_phase(vga_state_of(r.vga), dt_now(m)) == phase) {
        quiet += !vga_render(r.vga, &f);
        dt_step(m, frame / 2);
        steps++;
    }
    T_CHECK(t, steps >= 1 && steps <= 33);
    T_EQ(t, quiet, steps);
    T_CHECK(t, vga_render(r.vga, &f));
    machine_free(m);
}

static void test_state(TestCtx *t)
{
    Rig r;
    rig_init(t, &r);
    Machine *m = r.m;
    AmberError err = {0};
    T_CHECK(t, state_table_validate(vga_state_fields, sizeof(VgaState), "vga", &err));
    set_mode(m, &mode13);
    dac_w(m, 9, 1, 2, 3);
    membus_write8(m->mem, 0xA0010, 9);
    T_CHECK(t, vga_set_lfb_base(r.vga, 0xE0000000, &err));
    /* Find the register and memory sections and save them. */
    StateSection regs = {0}, vram = {0};
    for (unsigned i = 0; i < machine_state_section_count(m); i++) {
        StateSection sec;
        if (!machine_state_section(m, i, &sec, NULL)) {
            continue;
        }
        if (strcmp(sec.name, "vga") == 0) {
            regs = sec;
        } else if (strcmp(sec.name, "vga.vram") == 0) {
            vram = sec;
        }
    }
    T_CHECK(t, regs.name && vram.name);
    if (!regs.name || !vram.name) {
        machine_free(m);
        return;
    }
    StateBuf b1 = {0}, b2 = {0};
    T_CHECK(t, state_encode(&regs, &b1));
    T_CHECK(t, state_encode(&vram, &b2));
    VgaFrame f;
    vga_render(r.vga, &f);
    uint32_t before = px(&f, 32, 0);
    T_EQ(t, before, rgb6(1, 2, 3));
    /* Scramble, then load back and run post_load. */
    machine_reset(m, RESET_COLD);
    T_CHECK(t, vga_set_lfb_base(r.vga, 0, &err));
    T_EQ(t, membus_kind(m->mem, 0xE0000000), MEM_UNMAPPED);
    T_CHECK(t, state_decode(&regs, b1.data, b1.len, &err));
    T_CHECK(t, state_decode(&vram, b2.data, b2.len, &err));
    T_CHECK(t, vga_isa_class.post_load(r.vga, &err));
    T_EQ(t, membus_kind(m->mem, 0xE0000000), MEM_MMIO);
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, px(&f, 32, 0), before);
    T_EQ(t, membus_read8(m->mem, 0xA0010), 9);
    statebuf_free(&b1);
    statebuf_free(&b2);
    machine_free(m);
}

/* A save-state whose DAC component position lies outside R, G, B is refused on load. */
static void test_state_bad_dac_comp(TestCtx *t)
{
    Machine *m = dt_machine(t);
    Device *d = dt_add(t, m, &vga_isa_class, "vga");
    dt_realize(t, m);
    AmberError err = {0};
    T_CHECK(t, dt_poke_post_load(t, d, "dac_comp", 2, &err));
    T_CHECK(t, !dt_poke_post_load(t, d, "dac_comp", 3, &err));
    T_CONTAINS(t, err.msg, "vga: inconsistent VGA DAC state");
    machine_free(m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_text_mode3);
    T_RUN(&t, test_mono_mode7);
    T_RUN(&t, test_mode13);
    T_RUN(&t, test_dac_ports);
    T_RUN(&t, test_planar_mode12);
    T_RUN(&t, test_mode_x);
    T_RUN(&t, test_cga_mode4);
    T_RUN(&t, test_retrace);
    T_RUN(&t, test_dispi);
    T_RUN(&t, test_dirty);
    T_RUN(&t, test_state);
    T_RUN(&t, test_state_bad_dac_comp);
    return t_finish(&t);
}
