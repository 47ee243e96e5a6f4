/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Bochs VBE "DISPI" interface: the paravirtual mode-setting registers of the Bochs and QEMU
 * standard VGA, which SeaVGABIOS (vgasrc/bochsvga.c) and the LGPL VGA BIOS (vbe.c) use to provide
 * VESA modes. There is no datasheet; the interface is defined by Bochs iodev/vga.cc and QEMU
 * hw/display/vga.c (VBE_DISPI_* in bochs-vbe.h), and docs/specs/standard-vga.rst.
 *
 * Ports: 0x1CE index, 0x1CF data, 0x1D0 data (QEMU's alternative data port), 16-bit accesses
 * (0x1D1 is decoded as the high half of the 0x1D0 word).
 * Registers: 0 ID (writes of 0xB0C0-0xB0C5 select the interface version; reads return it),
 * 1 XRES, 2 YRES, 3 BPP (4, 8, 15, 16, 24, 32; 0 means 8; writable only while disabled),
 * 4 ENABLE (0x01 enabled, 0x02 GETCAPS: XRES/YRES/BPP then read the maxima 16000/12000/32,
 * 0x20 8-bit DAC, 0x40 LFB, 0x80 keep memory), 5 BANK (64 KiB bank shown at 0xA0000),
 * 6 VIRT_WIDTH, 7 VIRT_HEIGHT (derived: vram / line length), 8 X_OFFSET, 9 Y_OFFSET,
 * 0xA VIDEO_MEMORY_64K (read-only). SeaVGABIOS's probe (platform-bringup notes §4): write ID
 * 0xB0C0, read it back, write ID 0xB0C5, read 0xA, then GETCAPS for the maxima.
 *
 * Memory: the LFB is the whole of vram, linear, wherever the PCI BAR (or the ISA prop) puts it.
 * In a packed-pixel mode the 0xA0000 window is a linear 64 KiB bank of the same memory; in the
 * 4 bpp planar mode the bank is added to the VGA plane offset instead (vga.c).
 * Not modelled: the Bochs "DDC/EDID" MMIO BAR (SeaVGABIOS only reads EDID from it), the
 * QEMU-only MMIO register BAR, and the "VBE_DISPI_INDEX_DDC" register.
 */
#include <string.h>

#include "core/endian.h"
#include "core/iobus.h"
#include "core/machine.h"
#include "core/membus.h"
#include "video/vga_state.h"

bool dispi_enabled(const VgaState *s)
{
    return s->dispi && (s->dispi_regs[DISPI_ENABLE] & DISPI_ENABLED);
}

bool dispi_banked_linear(const VgaState *s)
{
    return dispi_enabled(s) && s->dispi_regs[DISPI_BPP] != 4;
}

uint32_t dispi_bank_offset(const VgaState *s)
{
    return (uint32_t)s->dispi_regs[DISPI_BANK] << 16;
}

unsigned dispi_bytes_per_pixel(unsigned bpp)
{
    switch (bpp) {
    case 15:
    case 16:
        return 2;
    case 24:
        return 3;
    case 32:
        return 4;
    default:
        return 1; /* 8 (and 4, whose packing is planar; callers check) */
    }
}

uint32_t dispi_line_bytes(const VgaState *s)
{
    unsigned bpp = s->dispi_regs[DISPI_BPP];
    uint32_t vw = s->dispi_regs[DISPI_VIRT_WIDTH];
    if (bpp == 4) {
        return vw / 8; /* bytes per plane */
    }
    return vw * dispi_bytes_per_pixel(bpp);
}

uint64_t dispi_start_byte(const VgaState *s)
{
    unsigned bpp = s->dispi_regs[DISPI_BPP];
    uint64_t line = dispi_line_bytes(s);
    uint64_t x = s->dispi_regs[DISPI_X_OFFSET];
    uint64_t y = s->dispi_regs[DISPI_Y_OFFSET];
    if (bpp == 4) {
        return y * line + x / 8;
    }
    return y * line + x * dispi_bytes_per_pixel(bpp);
}

static uint16_t dispi_banks(const VgaState *s)
{
    return (uint16_t)(s->vram_size >> 16);
}

/* VIRT_HEIGHT follows from the memory size and the line length. */
static void dispi_update_virt_height(VgaState *s)
{
    uint32_t line = dispi_line_bytes(s);
    uint64_t h = line ? s->vram_size / line : 0;
    s->dispi_regs[DISPI_VIRT_HEIGHT] = (uint16_t)(h > 0xFFFF ? 0xFFFF : h);
}

static uint16_t dispi_read(VgaState *s)
{
    unsigned i = s->dispi_index;
    if ((s->dispi_regs[DISPI_ENABLE] & DISPI_GETCAPS) && i >= DISPI_XRES && i <= DISPI_BPP) {
        static const uint16_t caps[] = {0, DISPI_MAX_XRES, DISPI_MAX_YRES, DISPI_MAX_BPP};
        return caps[i];
    }
    if (i == DISPI_VIDEO_MEMORY_64K) {
        return dispi_banks(s);
    }
    return i < DISPI_REG_COUNT ? s->dispi_regs[i] : 0;
}

static void dispi_write(VgaState *s, uint16_t v)
{
    uint16_t *r = s->dispi_regs;
    bool enabled = (r[DISPI_ENABLE] & DISPI_ENABLED) != 0;
    switch (s->dispi_index) {
    case DISPI_ID:
        if (v >= DISPI_ID0 && v <= DISPI_ID5) {
            r[DISPI_ID] = v;
        }
        break;
    case DISPI_XRES:
        if (!enabled && v <= DISPI_MAX_XRES) {
            r[DISPI_XRES] = v;
        }
        break;
    case DISPI_YRES:
        if (!enabled && v <= DISPI_MAX_YRES) {
            r[DISPI_YRES] = v;
        }
        break;
    case DISPI_BPP:
        if (v == 0) {
            v = 8;
        }
        if (!enabled && (v == 4 || v == 8 || v == 15 || v == 16 || v == 24 || v == 32)) {
            r[DISPI_BPP] = v;
        } else if (!enabled) {
            amber_log_once(&s->dev->machine->log, LOG_VGA, &s->logged_dispi,
                           "%s: DISPI BPP %u is not supported; ignored", s->dev->id, v);
        }
        break;
    case DISPI_ENABLE:
        if ((v & DISPI_ENABLED) && !enabled) {
            /* Switching on: the virtual screen starts as the visible one, at offset 0. */
            if (!r[DISPI_BPP]) {
                r[DISPI_BPP] = 8;
            }
            r[DISPI_VIRT_WIDTH] = r[DISPI_XRES];
            r[DISPI_X_OFFSET] = r[DISPI_Y_OFFSET] = 0;
            r[DISPI_BANK] = 0;
            dispi_update_virt_height(s);
            if (!(v & DISPI_NOCLEARMEM)) {
                uint64_t n = (uint64_t)dispi_line_bytes(s) * r[DISPI_YRES];
                if (r[DISPI_BPP] == 4) {
                    n *= 4; /* four planes, interleaved */
                }
                memset(s->vram, 0, (size_t)(n < s->vram_size ? n : s->vram_size));
            }
        }
        r[DISPI_ENABLE] = v;
        break;
    case DISPI_BANK:
        r[DISPI_BANK] = (uint16_t)(v % dispi_banks(s));
        break;
    case DISPI_VIRT_WIDTH:
        r[DISPI_VIRT_WIDTH] = v;
        dispi_update_virt_height(s);
        break;
    case DISPI_X_OFFSET:
        r[DISPI_X_OFFSET] = v;
        break;
    case DISPI_Y_OFFSET:
        r[DISPI_Y_OFFSET] = v;
        break;
    default:
        /* VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only. */
        return;
    }
    s->gen++;
}

static uint32_t dispi_io_read(void *opaque, uint16_t port, unsigned size)
{
    VgaState *s = opaque;
    uint16_t v = port == 0x1CE ? s->dispi_index : dispi_read(s);
    if (size == 1 && port >= 0x1D0) {
        return v >> 8; /* byte reads: 0x1CF low half, 0x1D0 high half (Bochs) */
    }
    return size == 1 ? (v & 0xFF) : v;
}

static void dispi_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    VgaState *s = opaque;
    (void)size;
    if (port == 0x1CE) {
        s->dispi_index = (uint16_t)value;
    } else if (port != 0x1D1) {
        dispi_write(s, (uint16_t)value);
    }
}

static const IoOps dispi_io_ops = {
    .read = dispi_io_read,
    .write = dispi_io_write,
    .sizes = 1 | 2,
};

/* ---- the linear frame buffer ---- */

static uint64_t lfb_read(void *opaque, uint64_t offset, unsigned size)
{
    VgaState *s = opaque;
    if (offset + size > s->vram_size) {
        return ~UINT64_C(0) >> (64 - 8 * size);
    }
    const uint8_t *p = s->vram + offset;
    switch (size) {
    case 1:
        return p[0];
    case 2:
        return ld_le16(p);
    case 4:
        return ld_le32(p);
    default:
        return ld_le64(p);
    }
}

static void lfb_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VgaState *s = opaque;
    if (offset + size > s->vram_size) {
        return;
    }
    uint8_t *p = s->vram + offset;
    switch (size) {
    case 1:
        p[0] = (uint8_t)value;
        break;
    case 2:
        st_le16(p, (uint16_t)value);
        break;
    case 4:
        st_le32(p, (uint32_t)value);
        break;
    default:
        st_le64(p, value);
        break;
    }
    s->gen++;
}

static const MemOps lfb_ops = {
    .read = lfb_read,
    .write = lfb_write,
};

bool dispi_map_lfb(VgaState *s, uint64_t base, AmberError *err)
{
    MemBus *bus = s->dev->machine->mem;
    if (base == s->lfb_mapped) {
        s->lfb_base = base;
        return true;
    }
    if (base & MEM_PAGE_MASK) {
        return amber_error(err, "%s: LFB base 0x%llx is not page-aligned", s->dev->id,
                           (unsigned long long)base);
    }
    if (s->lfb_mapped) {
        membus_unmap(bus, s->lfb_mapped, s->vram_size);
        s->lfb_mapped = 0;
    }
    s->lfb_base = base;
    if (!base) {
        return true;
    }
    if (!membus_map_mmio(bus, "vga-lfb", base, s->vram_size, &lfb_ops, s, err)) {
        s->lfb_base = 0;
        return false;
    }
    s->lfb_mapped = base;
    return true;
}

bool dispi_realize(VgaState *s, AmberError *err)
{
    if (!s->dispi) {
        return true;
    }
    /* 0x1D1 is claimed so a 16-bit access at 0x1D0 reaches the handler whole. */
    return iobus_register(s->dev->machine->io, s->dev->id, 0x1CE, 4, &dispi_io_ops, s, err);
}

void dispi_reset(VgaState *s)
{
    memset(s->dispi_regs, 0, sizeof s->dispi_regs);
    s->dispi_index = 0;
    /* QEMU and Bochs come out of reset reporting the newest interface version. */
    s->dispi_regs[DISPI_ID] = DISPI_ID5;
    s->dispi_regs[DISPI_VIDEO_MEMORY_64K] = dispi_banks(s);
}
