/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA's state struct and the functions its parts share. Private to src/video: vga.c (the
 * IBM VGA registers and planar memory), vbe_dispi.c (the Bochs DISPI extension), render.c (the
 * frame and text-screen readers) and the bus glue files include it; nothing outside this folder
 * does (front ends use render.h, boards use vga.h).
 *
 * Video memory. One host buffer of `vram` bytes (prop, default 16 MiB) serves both faces of the
 * card, as on the Bochs/QEMU "stdvga" it imitates:
 *   - VGA planar memory is its first 256 KiB, stored interleaved: the byte of plane p at plane
 *     offset o lives at vram[o * 4 + p]. The four latches then load from four adjacent bytes,
 *     and a planar DISPI mode (4 bpp) simply uses plane offsets above 64 Ki.
 *   - DISPI packed-pixel modes (8..32 bpp) see the whole buffer linearly (the LFB, and the
 *     64 KiB bank window at 0xA0000).
 * The buffer is saved as its own state section "<id>.vram" (one STATE_BYTES field the size of the
 * prop) rather than inside the register section, so the register section stays small and
 * readable in --dump-state and a different vram size is a clean "field length" error on load.
 */
#ifndef AMBER_VIDEO_VGA_STATE_H
#define AMBER_VIDEO_VGA_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "core/state.h"

#define VGA_SEQ_COUNT 5
#define VGA_CRTC_COUNT 0x19
#define VGA_GC_COUNT 9
#define VGA_AC_COUNT 0x15
#define VGA_PLANE_SIZE 0x10000u /* 64 KiB per plane on the IBM VGA (256 KiB in all) */

/* Bochs DISPI register indexes (Bochs iodev/vga.h, QEMU include/hw/display/bochs-vbe.h). */
enum {
    DISPI_ID = 0, DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE, DISPI_BANK, DISPI_VIRT_WIDTH,
    DISPI_VIRT_HEIGHT, DISPI_X_OFFSET, DISPI_Y_OFFSET, DISPI_VIDEO_MEMORY_64K, DISPI_REG_COUNT
};
#define DISPI_ENABLED 0x01
#define DISPI_GETCAPS 0x02
#define DISPI_8BIT_DAC 0x20
#define DISPI_LFB_ENABLED 0x40
#define DISPI_NOCLEARMEM 0x80
#define DISPI_ID0 0xB0C0
#define DISPI_ID5 0xB0C5
#define DISPI_MAX_XRES 16000
#define DISPI_MAX_YRES 12000
#define DISPI_MAX_BPP 32

typedef struct VgaState {
    /* ---- configuration (props) ---- */
    uint64_t vram_size;     /* bytes of video memory, >= 256 KiB */
    bool dispi;             /* Bochs DISPI extension present */
    uint64_t lfb_prop;      /* ISA use: LFB base from the profile (0 = none) */

    /* ---- saved registers (vga_state_fields) ---- */
    uint8_t misc;           /* 3C2 write / 3CC read */
    uint8_t feature;        /* 3BA/3DA write, 3CA read */
    uint8_t vga_enable;     /* 3C3 */
    uint8_t seq_index;
    uint8_t seq[VGA_SEQ_COUNT];
    uint8_t crtc_index;
    uint8_t crtc[VGA_CRTC_COUNT];
    uint8_t gc_index;
    uint8_t gc[VGA_GC_COUNT];
    uint8_t ac_index;       /* includes bit 5, palette address source */
    bool ac_flipflop;       /* false: next 3C0 write is an index */
    uint8_t ac[VGA_AC_COUNT];
    uint8_t pel_mask;
    uint8_t dac_read_index;
    uint8_t dac_write_index;
    uint8_t dac_comp;       /* 0..2: which of R, G, B comes next */
    uint8_t dac_state;      /* 3C7 read value: 0 after a write-index set, 3 after a read-index */
    uint8_t dac_latch[3];   /* components of the entry being written */
    uint8_t dac[256 * 3];   /* 6-bit (or 8-bit in DISPI 8-bit DAC mode) R, G, B */
    uint8_t latch[4];       /* the graphics controller's 32-bit CPU latch, one byte per plane */
    uint16_t dispi_index;
    uint16_t dispi_regs[DISPI_REG_COUNT];
    uint64_t lfb_base;      /* where the LFB is mapped (0 = not mapped) */

    /* ---- transient: host pointers, derived values, renderer bookkeeping ---- */
    Device *dev;
    uint8_t *vram;
    char vram_section[96];
    StateField vram_fields[2];
    uint64_t lfb_mapped;    /* base currently mapped on the bus (0 = none) */
    uint64_t gen;           /* bumped by every write that can change the picture */
    bool logged_dotclock, logged_dispi, logged_ac_read;

    /* renderer (render.c) */
    uint32_t *frame;
    unsigned frame_w, frame_h, frame_aspect_w, frame_aspect_h;
    size_t frame_cap;       /* pixels allocated */
    uint64_t frame_no;
    uint64_t frame_gen;     /* gen the frame was drawn from */
    bool frame_valid;
    bool frame_uses_cursor, frame_uses_blink;
    bool frame_cursor_on, frame_blink_on;
} VgaState;

/* The register state of every VGA class (VgaState sits at offset 0 of each class's state, so
 * these offsets hold for all of them); a class adds its own bus fields after the list. */
#define VGA_STATE_FIELD_LIST \
    STATE_FIELD(VgaState, misc, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, feature, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, vga_enable, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, seq_index, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, seq, STATE_U8, VGA_SEQ_COUNT, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, crtc_index, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, crtc, STATE_U8, VGA_CRTC_COUNT, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, gc_index, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, gc, STATE_U8, VGA_GC_COUNT, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, ac_index, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, ac_flipflop, STATE_BOOL, 1, STATE_FMT_DEC, 1), \
    STATE_FIELD(VgaState, ac, STATE_U8, VGA_AC_COUNT, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, pel_mask, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dac_read_index, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dac_write_index, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dac_comp, STATE_U8, 1, STATE_FMT_DEC, 1), \
    STATE_FIELD(VgaState, dac_state, STATE_U8, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dac_latch, STATE_U8, 3, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dac, STATE_U8, 256 * 3, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, latch, STATE_U8, 4, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dispi_index, STATE_U16, 1, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, dispi_regs, STATE_U16, DISPI_REG_COUNT, STATE_FMT_HEX, 1), \
    STATE_FIELD(VgaState, lfb_base, STATE_U64, 1, STATE_FMT_HEX, 1)

extern const StateField vga_state_fields[];

/* vga.c: shared by the ISA and PCI device classes */
bool vga_core_realize(Device *dev, VgaState *s, AmberError *err);
void vga_core_unrealize(VgaState *s);
void vga_core_reset(VgaState *s, ResetKind kind);
bool vga_core_post_load(VgaState *s, AmberError *err);
/* The VgaState of a VGA device (any of its bus classes), NULL for any other device. */
VgaState *vga_state_of(Device *dev);
bool vga_class_is_vga(const DeviceClass *cls);

/* The CRT timing the registers describe, in dots of the selected dot clock. */
typedef struct VgaTiming {
    uint64_t dot_hz;
    unsigned char_dots;  /* dots per character clock, including the /2 dot clock */
    unsigned htotal;     /* character clocks per line */
    unsigned hdisp;
    unsigned vtotal;     /* lines per frame */
    unsigned vdisp;
    unsigned vrs, vre_len; /* vertical retrace start line and length */
} VgaTiming;
void vga_timing(const VgaState *s, VgaTiming *t);
int64_t vga_frame_ns(const VgaTiming *t);
/* Cursor and character blink phases at guest time now: the cursor turns on or off every 16
 * frames (1.875 blinks per second at 60 Hz), blinking characters every 32 (FreeVGA textcur.htm,
 * "Cursor Blink Rate"; attrreg.htm). True = visible. */
bool vga_cursor_phase(const VgaState *s, int64_t now);
bool vga_blink_phase(const VgaState *s, int64_t now);
int64_t vga_now(const VgaState *s);

/* vbe_dispi.c */
bool dispi_realize(VgaState *s, AmberError *err);
void dispi_reset(VgaState *s);
bool dispi_enabled(const VgaState *s);
/* True when the 0xA0000 window is a linear bank into vram (DISPI packed-pixel modes). */
bool dispi_banked_linear(const VgaState *s);
uint32_t dispi_bank_offset(const VgaState *s);
unsigned dispi_bytes_per_pixel(unsigned bpp);
uint32_t dispi_line_bytes(const VgaState *s);
uint64_t dispi_start_byte(const VgaState *s);
bool dispi_map_lfb(VgaState *s, uint64_t base, AmberError *err);

#endif
