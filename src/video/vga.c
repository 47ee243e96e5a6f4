/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IBM VGA: the register set and the planar video memory, as on the IBM PS/2 Display Adapter and
 * the Bochs/QEMU "stdvga" that SeaVGABIOS and the LGPL VGA BIOS drive.
 *
 * Sources: IBM "VGA Technical Reference" (Personal System/2 Hardware Interface Technical
 * Reference, Video Subsystem chapter: register descriptions, memory organisation, read/write
 * modes); FreeVGA (J. Neal, "Hardware Level VGA and SVGA Video Programming Information Page",
 * vgamem.htm / vgaseq.htm / crtcreg.htm / graphreg.htm / attrreg.htm / colorreg.htm).
 *
 * Modelled:
 *   - sequencer (SR00-04), CRT controller (CR00-18, protect bit CR11.7 with the CR07.4 exception,
 *     the undocumented read-back of CR22 latch / CR24 flip-flop / CR26 AC index), graphics
 *     controller (GR00-08), attribute controller (AR00-14 with the 3DA-reset flip-flop and the
 *     palette address source bit), DAC (read/write indexes, 3 components per entry, PEL mask,
 *     DAC state), misc output (3Bx/3Dx select, RAM enable, clock select), feature control, 3C3;
 *   - input status 1 (3BA/3DA) bits 0 and 3 computed from guest time and the CRTC timings, so a
 *     program busy-waiting on retrace sees it at the right guest times without any polling;
 *   - 256 KiB planar memory behind the memory-map window chosen by GR06 (A0000 128K/64K, B0000,
 *     B8000), misc output RAM enable, chain-4 and odd/even addressing, read modes 0/1 (colour
 *     compare, don't care), write modes 0-3 (data rotate, set/reset, enable set/reset, logical
 *     operation, bit mask, map mask). Chain-4 writes go through the same write pipeline as
 *     planar ones, as on the IBM VGA; a chain-4 byte at CPU address A lands in plane A & 3 at
 *     offset A & ~3 (what the CRTC's doubleword mode scans).
 * Not modelled: the retrace interrupt (CR11 bits 4/5, IRQ 2/9: not wired on PS/2 or most ISA
 *   cards), light pen, input status 0 switch sense (reads 0), display-enable/retrace skews,
 *   3C3/46E8 disabling the card (the value is kept, the card stays enabled), the odd/even page
 *   bit of the misc output (offset bit 0 is 0 in odd/even, like every VGA clone BIOS expects).
 *   Graphics-mode blinking (AR10.3 in graphics modes) is not drawn.
 */
#include "video/vga.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/iobus.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/membus.h"
#include "video/vga_state.h"

#define VGA_WINDOW_BASE 0xA0000u
#define VGA_WINDOW_SIZE 0x20000u

/* Writable bits per register (IBM VGA Technical Reference register tables; reserved bits read
 * back as 0 on the IBM adapter). */
static const uint8_t seq_mask[VGA_SEQ_COUNT] = {0x03, 0x3D, 0x0F, 0x3F, 0x0E};
static const uint8_t gc_mask[VGA_GC_COUNT] = {0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B, 0x0F, 0x0F, 0xFF};

VgaState *vga_state_of(Device *dev)
{
    /* Every VGA class keeps VgaState first in its state struct. */
    if (!dev || !dev->cls || !dev->s || !vga_class_is_vga(dev->cls)) {
        return NULL;
    }
    return (VgaState *)dev->s;
}

int64_t vga_now(const VgaState *s)
{
    return clock_now(s->dev->machine->clock);
}

static void vga_touch(VgaState *s)
{
    s->gen++;
}

/* ---- timing ---- */

/* DISPI modes have no CRT timing of their own (SeaVGABIOS rewrites only CR01/CR12 for them, so
 * the totals of the previous VGA mode would be left smaller than the picture). Assume a 60 Hz
 * raster around xres x yres with 25% horizontal and ~5% vertical blanking, like a VESA GTF
 * mode, so retrace and display-enable still toggle at plausible times. */
static void dispi_timing(const VgaState *s, VgaTiming *t)
{
    unsigned xres = s->dispi_regs[DISPI_XRES], yres = s->dispi_regs[DISPI_YRES];
    t->char_dots = 8;
    t->hdisp = xres / 8 ? xres / 8 : 1;
    t->htotal = t->hdisp + t->hdisp / 4 + 1;
    t->vdisp = yres ? yres : 1;
    t->vtotal = t->vdisp + t->vdisp / 20 + 4;
    t->vrs = t->vdisp + 1;
    t->vre_len = 2;
    t->dot_hz = (uint64_t)t->htotal * t->char_dots * t->vtotal * 60;
}

void vga_timing(const VgaState *s, VgaTiming *t)
{
    const uint8_t *c = s->crtc;
    if (dispi_enabled(s)) {
        dispi_timing(s, t);
        return;
    }
    /* Misc output bits 3-2: 00 = 25.175 MHz (640-dot modes), 01 = 28.322 MHz (720-dot modes);
     * 10/11 select the feature connector's external clock, which nothing drives here. */
    unsigned clk = (s->misc >> 2) & 3;
    t->dot_hz = clk == 1 ? 28322000u : 25175000u;
    /* SR01 bit 0: 8-dot characters; bit 3: dot clock divided by 2. */
    t->char_dots = (s->seq[1] & 0x01) ? 8 : 9;
    if (s->seq[1] & 0x08) {
        t->char_dots *= 2;
    }
    t->htotal = c[0x00] + 5u;
    t->hdisp = c[0x01] + 1u;
    t->vtotal = (c[0x06] | (c[0x07] & 0x01) << 8 | (c[0x07] & 0x20) << 4) + 2u;
    t->vdisp = (c[0x12] | (c[0x07] & 0x02) << 7 | (c[0x07] & 0x40) << 3) + 1u;
    t->vrs = c[0x10] | (c[0x07] & 0x04) << 6 | (c[0x07] & 0x80) << 2;
    /* CR11 bits 3-0 hold the low four bits of the line at which retrace ends. */
    t->vre_len = (unsigned)(c[0x11] - t->vrs) & 0x0F;
    if (t->vre_len == 0) {
        t->vre_len = 16;
    }
}

int64_t vga_frame_ns(const VgaTiming *t)
{
    uint64_t frame_dots = (uint64_t)t->htotal * t->char_dots * t->vtotal;
    return (int64_t)((unsigned __int128)frame_dots * NS_PER_SEC / t->dot_hz);
}

/* Frame number and position of the beam at guest time now. */
static uint64_t vga_beam(const VgaTiming *t, int64_t now, unsigned *line, unsigned *hchar)
{
    uint64_t line_dots = (uint64_t)t->htotal * t->char_dots;
    uint64_t frame_dots = line_dots * t->vtotal;
    uint64_t dots = (uint64_t)((unsigned __int128)(uint64_t)(now < 0 ? 0 : now) * t->dot_hz /
                               NS_PER_SEC);
    uint64_t pos = dots % frame_dots;
    if (line) {
        *line = (unsigned)(pos / line_dots);
    }
    if (hchar) {
        *hchar = (unsigned)(pos % line_dots / t->char_dots);
    }
    return dots / frame_dots;
}

bool vga_cursor_phase(const VgaState *s, int64_t now)
{
    VgaTiming t;
    vga_timing(s, &t);
    return ((vga_beam(&t, now, NULL, NULL) >> 4) & 1) == 0;
}

bool vga_blink_phase(const VgaState *s, int64_t now)
{
    VgaTiming t;
    vga_timing(s, &t);
    return ((vga_beam(&t, now, NULL, NULL) >> 5) & 1) == 0;
}

/* Input status 1 (3xA): bit 0 = display disabled (not in the active area: horizontal or
 * vertical blanking/retrace), bit 3 = vertical retrace. Bits 4-5 (diagnostic) read 0. */
static uint8_t vga_status1(VgaState *s)
{
    VgaTiming t;
    unsigned line, hchar;
    vga_timing(s, &t);
    vga_beam(&t, vga_now(s), &line, &hchar);
    uint8_t v = 0;
    if (line >= t.vdisp || hchar >= t.hdisp) {
        v |= 0x01;
    }
    if (line >= t.vrs && line < t.vrs + t.vre_len) {
        v |= 0x08;
    }
    return v;
}

/* ---- planar memory ---- */

static inline uint8_t *plane_ptr(VgaState *s, uint32_t offset)
{
    return s->vram + (size_t)offset * 4;
}

/* Highest plane offset + 1 the VGA addresses: 64 KiB, or more in a planar DISPI mode. */
static uint32_t plane_limit(const VgaState *s)
{
    if (dispi_enabled(s)) {
        return (uint32_t)(s->vram_size / 4);
    }
    return VGA_PLANE_SIZE;
}

/* Turns an offset into the 128 KiB window at 0xA0000 into a VGA address per GR06 bits 3-2, or
 * returns false when the memory map does not decode it (IBM VGA TR, Miscellaneous register). */
static bool vga_window_decode(const VgaState *s, uint32_t off, uint32_t *addr)
{
    if (!(s->misc & 0x02)) {
        return false; /* RAM enable clear: the CPU cannot reach video memory */
    }
    switch ((s->gc[6] >> 2) & 3) {
    case 0:
        *addr = off;
        return true;
    case 1:
        *addr = off;
        return off < 0x10000;
    case 2:
        *addr = off - 0x10000;
        return off >= 0x10000 && off < 0x18000;
    default:
        *addr = off - 0x18000;
        return off >= 0x18000;
    }
}

static void load_latches(VgaState *s, uint32_t offset)
{
    memcpy(s->latch, plane_ptr(s, offset), 4);
}

static uint8_t vga_mem_read(VgaState *s, uint32_t off)
{
    uint32_t addr;
    if (!vga_window_decode(s, off, &addr)) {
        return 0xFF;
    }
    if (dispi_banked_linear(s)) {
        uint64_t a = (uint64_t)dispi_bank_offset(s) + (addr & 0xFFFF);
        return a < s->vram_size ? s->vram[a] : 0xFF;
    }
    if (dispi_enabled(s)) {
        addr += dispi_bank_offset(s);
    }
    unsigned plane;
    uint32_t offset;
    if (s->seq[4] & 0x08) {
        /* Chain 4: address bits 1-0 pick the plane (SR04 bit 3). */
        plane = addr & 3;
        offset = addr & ~3u;
    } else if (s->gc[5] & 0x10) {
        /* Odd/even read (GR05 bit 4): A0 picks plane 0/1 or 2/3 (GR04 bit 1). */
        plane = (s->gc[4] & 2) | (addr & 1);
        offset = addr & ~1u;
    } else {
        plane = s->gc[4] & 3;
        offset = addr;
    }
    offset %= plane_limit(s);
    load_latches(s, offset);
    if (!(s->gc[5] & 0x08)) {
        return s->latch[plane];
    }
    /* Read mode 1: a 1 for each pixel whose colour, in the planes GR07 cares about, equals
     * GR02 (colour compare). */
    uint8_t result = 0xFF;
    for (unsigned p = 0; p < 4; p++) {
        if (s->gc[7] & (1u << p)) {
            uint8_t want = (s->gc[2] >> p & 1) ? 0xFF : 0x00;
            result &= (uint8_t)~(s->latch[p] ^ want);
        }
    }
    return result;
}

static uint8_t alu(uint8_t data, uint8_t latch, unsigned func)
{
    switch (func) {
    case 1:
        return data & latch;
    case 2:
        return data | latch;
    case 3:
        return data ^ latch;
    default:
        return data;
    }
}

static void vga_mem_write(VgaState *s, uint32_t off, uint8_t val)
{
    uint32_t addr;
    if (!vga_window_decode(s, off, &addr)) {
        return;
    }
    if (dispi_banked_linear(s)) {
        uint64_t a = (uint64_t)dispi_bank_offset(s) + (addr & 0xFFFF);
        if (a < s->vram_size) {
            s->vram[a] = val;
            vga_touch(s);
        }
        return;
    }
    if (dispi_enabled(s)) {
        addr += dispi_bank_offset(s);
    }
    unsigned planes = s->seq[2] & 0x0F; /* map mask */
    uint32_t offset;
    if (s->seq[4] & 0x08) {
        planes &= 1u << (addr & 3);
        offset = addr & ~3u;
    } else if (!(s->seq[4] & 0x04)) {
        /* Odd/even write (SR04 bit 2 clear): even addresses reach planes 0/2, odd ones 1/3. */
        planes &= (addr & 1) ? 0x0A : 0x05;
        offset = addr & ~1u;
    } else {
        offset = addr;
    }
    offset %= plane_limit(s);
    if (!planes) {
        return;
    }

    /* The graphics controller's write pipeline (IBM VGA TR, Graphics Controller; FreeVGA
     * vgamem.htm "write modes"). */
    unsigned mode = s->gc[5] & 3;
    unsigned rot = s->gc[3] & 7;
    unsigned func = (s->gc[3] >> 3) & 3;
    uint8_t rotated = (uint8_t)((val >> rot) | (val << ((8 - rot) & 7)));
    uint8_t bitmask = s->gc[8];
    uint8_t out[4];
    for (unsigned p = 0; p < 4; p++) {
        uint8_t sr = (s->gc[0] >> p & 1) ? 0xFF : 0x00;
        uint8_t data;
        uint8_t mask = bitmask;
        switch (mode) {
        case 0:
            data = (s->gc[1] >> p & 1) ? sr : rotated;
            break;
        case 1:
            out[p] = s->latch[p];
            continue;
        case 2:
            data = (val >> p & 1) ? 0xFF : 0x00;
            break;
        default: /* 3: the rotated data ANDed with the bit mask is the mask; set/reset is the colour */
            data = sr;
            mask &= rotated;
            break;
        }
        data = alu(data, s->latch[p], func);
        out[p] = (uint8_t)((data & mask) | (s->latch[p] & ~mask));
    }
    uint8_t *dst = plane_ptr(s, offset);
    for (unsigned p = 0; p < 4; p++) {
        if (planes & (1u << p)) {
            dst[p] = out[p];
        }
    }
    vga_touch(s);
}

static uint64_t vga_window_read(void *opaque, uint64_t offset, unsigned size)
{
    VgaState *s = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)vga_mem_read(s, (uint32_t)(offset + i) & (VGA_WINDOW_SIZE - 1)) << (8 * i);
    }
    return v;
}

static void vga_window_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VgaState *s = opaque;
    for (unsigned i = 0; i < size; i++) {
        vga_mem_write(s, (uint32_t)(offset + i) & (VGA_WINDOW_SIZE - 1), (uint8_t)(value >> (8 * i)));
    }
}

static const MemOps vga_window_ops = {
    .read = vga_window_read,
    .write = vga_window_write,
};

/* ---- ports 0x3B0-0x3DF ---- */

/* The CRTC and input status 1 answer at 3Bx with misc bit 0 clear (mono), at 3Dx when set. */
static bool port_active(const VgaState *s, uint16_t port)
{
    if ((port & 0xFFF0) == 0x3B0) {
        return !(s->misc & 0x01);
    }
    if ((port & 0xFFF0) == 0x3D0) {
        return (s->misc & 0x01) != 0;
    }
    return true;
}

static uint8_t crtc_read(VgaState *s)
{
    unsigned i = s->crtc_index;
    if (i < VGA_CRTC_COUNT) {
        return s->crtc[i];
    }
    /* Undocumented IBM VGA read-backs, used by some register save/restore code. */
    switch (i) {
    case 0x22:
        return s->latch[s->gc[4] & 3];
    case 0x24:
        return s->ac_flipflop ? 0x80 : 0x00;
    case 0x26:
        return s->ac_index & 0x3F;
    default:
        return 0xFF;
    }
}

static void crtc_write(VgaState *s, uint8_t v)
{
    unsigned i = s->crtc_index;
    if (i >= VGA_CRTC_COUNT) {
        return;
    }
    /* CR11 bit 7 protects CR00-07, except the line compare bit 8 in CR07 bit 4. */
    if ((s->crtc[0x11] & 0x80) && i <= 7) {
        if (i == 7) {
            s->crtc[7] = (uint8_t)((s->crtc[7] & ~0x10) | (v & 0x10));
            vga_touch(s);
        }
        return;
    }
    s->crtc[i] = v;
    vga_touch(s);
}

static void ac_write(VgaState *s, uint8_t v)
{
    if (!s->ac_flipflop) {
        s->ac_index = v & 0x3F;
    } else {
        unsigned i = s->ac_index & 0x1F;
        if (i < VGA_AC_COUNT) {
            /* The palette (AR00-0F) is writable only while bit 5 (palette address source)
             * is clear (FreeVGA attrreg.htm, "Attribute Address Register"). */
            if (i >= 0x10 || !(s->ac_index & 0x20)) {
                s->ac[i] = (i < 0x10) ? (v & 0x3F) : v;
            }
        }
    }
    s->ac_flipflop = !s->ac_flipflop;
    vga_touch(s);
}

static uint8_t dac_read_data(VgaState *s)
{
    uint8_t v = s->dac[s->dac_read_index * 3 + s->dac_comp];
    if (++s->dac_comp == 3) {
        s->dac_comp = 0;
        s->dac_read_index++;
    }
    return v;
}

static void dac_write_data(VgaState *s, uint8_t v)
{
    bool dac8 = (s->dispi_regs[DISPI_ENABLE] & DISPI_8BIT_DAC) != 0;
    s->dac_latch[s->dac_comp] = dac8 ? v : (v & 0x3F);
    if (++s->dac_comp == 3) {
        memcpy(&s->dac[s->dac_write_index * 3], s->dac_latch, 3);
        s->dac_comp = 0;
        s->dac_write_index++;
        vga_touch(s);
    }
}

static uint32_t vga_io_read(void *opaque, uint16_t port, unsigned size)
{
    VgaState *s = opaque;
    (void)size;
    if (!port_active(s, port)) {
        return 0xFF;
    }
    switch (port) {
    case 0x3C0:
        return s->ac_index;
    case 0x3C1: {
        unsigned i = s->ac_index & 0x1F;
        if (i >= VGA_AC_COUNT) {
            amber_log_once(&s->dev->machine->log, LOG_VGA, &s->logged_ac_read,
                           "%s: read of attribute register 0x%02x (none above 0x14)",
                           s->dev->id, i);
            return 0x00;
        }
        return s->ac[i];
    }
    case 0x3C2:
        return 0x00; /* input status 0: no retrace interrupt pending, switch sense 0 */
    case 0x3C3:
        return s->vga_enable;
    case 0x3C4:
        return s->seq_index;
    case 0x3C5:
        return s->seq_index < VGA_SEQ_COUNT ? s->seq[s->seq_index] : 0xFF;
    case 0x3C6:
        return s->pel_mask;
    case 0x3C7:
        return s->dac_state;
    case 0x3C8:
        return s->dac_write_index;
    case 0x3C9:
        return dac_read_data(s);
    case 0x3CA:
        return s->feature;
    case 0x3CC:
        return s->misc;
    case 0x3CE:
        return s->gc_index;
    case 0x3CF:
        return s->gc_index < VGA_GC_COUNT ? s->gc[s->gc_index] : 0xFF;
    case 0x3B4:
    case 0x3D4:
        return s->crtc_index;
    case 0x3B5:
    case 0x3D5:
        return crtc_read(s);
    case 0x3BA:
    case 0x3DA:
        s->ac_flipflop = false;
        return vga_status1(s);
    default:
        return 0xFF;
    }
}

static void vga_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    VgaState *s = opaque;
    uint8_t v = (uint8_t)value;
    (void)size;
    if (!port_active(s, port)) {
        return;
    }
    switch (port) {
    case 0x3C0:
        ac_write(s, v);
        break;
    case 0x3C2:
        s->misc = v;
        if ((v & 0x08) && !s->logged_dotclock) {
            amber_log_once(&s->dev->machine->log, LOG_VGA, &s->logged_dotclock,
                           "%s: misc output 0x%02x selects the external dot clock; using 25.175 MHz",
                           s->dev->id, v);
        }
        vga_touch(s);
        break;
    case 0x3C3:
        s->vga_enable = v & 0x01;
        break;
    case 0x3C4:
        s->seq_index = v & 0x07;
        break;
    case 0x3C5:
        if (s->seq_index < VGA_SEQ_COUNT) {
            s->seq[s->seq_index] = v & seq_mask[s->seq_index];
            vga_touch(s);
        }
        break;
    case 0x3C6:
        s->pel_mask = v;
        vga_touch(s);
        break;
    case 0x3C7:
        s->dac_read_index = v;
        s->dac_comp = 0;
        s->dac_state = 3;
        break;
    case 0x3C8:
        s->dac_write_index = v;
        s->dac_comp = 0;
        s->dac_state = 0;
        break;
    case 0x3C9:
        dac_write_data(s, v);
        break;
    case 0x3CE:
        s->gc_index = v & 0x0F;
        break;
    case 0x3CF:
        if (s->gc_index < VGA_GC_COUNT) {
            s->gc[s->gc_index] = v & gc_mask[s->gc_index];
            vga_touch(s);
        }
        break;
    case 0x3B4:
    case 0x3D4:
        s->crtc_index = v & 0x3F;
        break;
    case 0x3B5:
    case 0x3D5:
        crtc_write(s, v);
        break;
    case 0x3BA:
    case 0x3DA:
        s->feature = v & 0x03;
        break;
    default:
        break;
    }
}

static const IoOps vga_io_ops = {
    .read = vga_io_read,
    .write = vga_io_write,
    .sizes = 1,
};

/* ---- device glue shared by the ISA and PCI classes ---- */

const StateField vga_state_fields[] = {
    VGA_STATE_FIELD_LIST,
    STATE_END,
};

bool vga_core_realize(Device *dev, VgaState *s, AmberError *err)
{
    Machine *m = dev->machine;
    s->dev = dev;
    if (s->vram_size < 4 * VGA_PLANE_SIZE || s->vram_size > (UINT64_C(1) << 28) ||
        s->vram_size % 0x10000) {
        return amber_error(err, "%s: vram must be a multiple of 64K between 256K and 256M",
                           dev->id);
    }
    s->vram = calloc(1, (size_t)s->vram_size);
    if (!s->vram) {
        return amber_error(err, "%s: cannot allocate %llu bytes of video memory", dev->id,
                           (unsigned long long)s->vram_size);
    }
    if (!iobus_register(m->io, dev->id, 0x3B0, 0x30, &vga_io_ops, s, err)) {
        return false;
    }
    if (!membus_map_mmio(m->mem, dev->id, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &vga_window_ops, s,
                         err)) {
        return false;
    }
    if (!dispi_realize(s, err)) {
        return false;
    }
    /* Video memory as its own section (see vga_state.h). */
    snprintf(s->vram_section, sizeof s->vram_section, "%s.vram", dev->id);
    s->vram_fields[0] = (StateField){"vram", STATE_BYTES, 0, (uint32_t)s->vram_size,
                                     STATE_FMT_HEX, 1, 0};
    s->vram_fields[1] = (StateField)STATE_END;
    return machine_add_state_section(m, s->vram_section, 1, s->vram_fields, s->vram, NULL, err);
}

void vga_core_unrealize(VgaState *s)
{
    free(s->vram);
    s->vram = NULL;
    free(s->frame);
    s->frame = NULL;
    s->frame_cap = 0;
}

void vga_core_reset(VgaState *s, ResetKind kind)
{
    /* Everything the BIOS programs starts at 0 (the IBM VGA has no defined power-on values);
     * a cold start also clears video memory, a warm reset keeps it. */
    s->misc = 0;
    s->feature = 0;
    s->vga_enable = 0;
    s->seq_index = 0;
    memset(s->seq, 0, sizeof s->seq);
    s->crtc_index = 0;
    memset(s->crtc, 0, sizeof s->crtc);
    s->gc_index = 0;
    memset(s->gc, 0, sizeof s->gc);
    s->ac_index = 0;
    s->ac_flipflop = false;
    memset(s->ac, 0, sizeof s->ac);
    s->pel_mask = 0xFF;
    s->dac_read_index = s->dac_write_index = 0;
    s->dac_comp = 0;
    s->dac_state = 0;
    memset(s->dac_latch, 0, sizeof s->dac_latch);
    memset(s->dac, 0, sizeof s->dac);
    memset(s->latch, 0, sizeof s->latch);
    if (kind == RESET_COLD && s->vram) {
        memset(s->vram, 0, (size_t)s->vram_size);
    }
    dispi_reset(s);
    s->frame_valid = false;
    vga_touch(s);
}

bool vga_core_post_load(VgaState *s, AmberError *err)
{
    /* dac_comp indexes dac_latch[] and the palette: a file that breaks it is refused. The
     * register indexes need no check (every use is bounds-tested, as on the chip). */
    if (s->dac_comp >= 3) {
        return amber_error(err, "%s: inconsistent VGA DAC state (component %u)", s->dev->id,
                           s->dac_comp);
    }
    /* Everything decoded is recomputed on use; only the LFB mapping lives outside. */
    uint64_t base = s->lfb_base;
    s->frame_valid = false;
    vga_touch(s);
    return dispi_map_lfb(s, base, err);
}

bool vga_set_lfb_base(Device *vga, uint64_t base, AmberError *err)
{
    VgaState *s = vga_state_of(vga);
    if (!s || !s->vram) {
        return amber_error(err, "vga_set_lfb_base: not a realized VGA");
    }
    return dispi_map_lfb(s, base, err);
}

/* ---- the ISA class ---- */

static const PropDef vga_isa_props[] = {
    {"vram", PROP_SIZE, offsetof(VgaState, vram_size), 256 * 1024, 256 * 1024 * 1024, "16M",
     NULL, "video memory (256K for a plain VGA; DISPI modes use the rest)"},
    {"dispi", PROP_BOOL, offsetof(VgaState, dispi), 0, 0, "true", NULL,
     "Bochs VBE DISPI extension (ports 0x1CE-0x1D0)"},
    {"lfb", PROP_UINT, offsetof(VgaState, lfb_prop), 0, 0, "0", NULL,
     "physical base of the DISPI linear frame buffer (0 = none)"},
    PROP_END,
};

static bool vga_isa_realize(Device *dev, AmberError *err)
{
    VgaState *s = dev->s;
    if (!vga_core_realize(dev, s, err)) {
        return false;
    }
    return dispi_map_lfb(s, s->lfb_prop, err);
}

static void vga_isa_unrealize(Device *dev)
{
    vga_core_unrealize(dev->s);
}

static void vga_isa_reset(Device *dev, ResetKind kind)
{
    vga_core_reset(dev->s, kind);
}

static bool vga_isa_post_load(Device *dev, AmberError *err)
{
    return vga_core_post_load(dev->s, err);
}

bool vga_class_is_vga(const DeviceClass *cls)
{
    return cls == &vga_isa_class || cls == &vga_pci_class;
}

const DeviceClass vga_isa_class = {
    .type = "vga",
    .desc = "IBM VGA with Bochs VBE DISPI extension (ISA)",
    .state_size = sizeof(VgaState),
    .state_version = 1,
    .state = vga_state_fields,
    .props = vga_isa_props,
    .realize = vga_isa_realize,
    .unrealize = vga_isa_unrealize,
    .reset = vga_isa_reset,
    .post_load = vga_isa_post_load,
};
