/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA as a PCI function, like the Bochs/QEMU "stdvga": vendor 1234, device 1111, class 0300
 * (VGA-compatible display controller), BAR0 = the whole video memory as a prefetchable 32-bit
 * memory BAR (the DISPI linear frame buffer), and an expansion ROM BAR holding the VGA BIOS
 * (SeaVGABIOS vgabios-stdvga.bin), which is how SeaBIOS finds it (platform-bringup notes §3:
 * SeaBIOS sizes the BARs, assigns them, enables the ROM BAR, copies the image to 0xC0000 and
 * calls C000:0003). IDs as in Bochs iodev/display/vga.cc (pci init) and QEMU hw/display/vga-pci.c.
 *
 * Everything VGA is in vga.c / vbe_dispi.c; this file only adds the config space and follows
 * the BARs. The legacy ranges (0x3B0-0x3DF, 0x1CE-0x1D1, 0xA0000-0xBFFFF) are decoded whatever
 * the command register says, as QEMU's and Bochs's PCI VGAs do: firmware enables I/O and memory
 * before it runs the VGA BIOS, so nothing observable depends on the gating.
 * Not modelled: QEMU's BAR2 MMIO register window (SeaVGABIOS does not need it for class 0300),
 * VGA palette snooping.
 *
 * Props: slot (PCI device number, default 2), vram, dispi (as the ISA VGA), rom (path of the
 * VGA BIOS image; empty = no ROM BAR).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chipset/pci.h"
#include "core/machine.h"
#include "core/membus.h"
#include "video/vga.h"
#include "video/vga_state.h"

#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111
#define VGA_PCI_CLASS 0x030000
#define VGA_ROM_MAX (1u << 20)

typedef struct VgaPciState {
    VgaState vga; /* first: vga_state_of() and the renderer see a VgaState */
    PciFunction pci;
    uint64_t slot;
    char *rom_path;
    bool rom_any_enable; /* prop rom_bochs_decode */

    /* transient */
    uint8_t *rom;        /* the image padded with 0xFF to rom_bar_size */
    uint32_t rom_bar_size;
    uint64_t rom_mapped; /* PCI_BAR_UNMAPPED when not mapped */
} VgaPciState;

static const StateField vga_pci_state_fields[] = {
    VGA_STATE_FIELD_LIST,
    STATE_FIELD_NAMED("pci_config", VgaPciState, pci.config, STATE_U8, 256, STATE_FMT_HEX, 1),
    STATE_END,
};

static uint32_t pow2_at_least(uint64_t n, uint32_t min)
{
    uint32_t p = min;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

static bool vga_pci_load_rom(VgaPciState *s, AmberError *err)
{
    const char *path = s->rom_path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return amber_error(err, "%s: cannot open the VGA BIOS: %s", path, strerror(errno));
    }
    uint8_t *buf = malloc(VGA_ROM_MAX + 1);
    size_t n = buf ? fread(buf, 1, VGA_ROM_MAX + 1, f) : 0;
    bool read_error = ferror(f);
    fclose(f);
    if (!buf) {
        return amber_error(err, "%s: out of memory reading the VGA BIOS", path);
    }
    if (read_error) {
        free(buf);
        return amber_error(err, "%s: read error", path);
    }
    if (n > VGA_ROM_MAX) {
        free(buf);
        return amber_error(err, "%s: too large for a VGA BIOS (more than %u KiB)", path,
                           VGA_ROM_MAX / 1024);
    }
    if (n < 3 || buf[0] != 0x55 || buf[1] != 0xAA) {
        free(buf);
        return amber_error(err, "%s: not an option ROM (no 55AA signature)", path);
    }
    /* ROM BARs are at least 2 KiB (PCI 2.1 §6.2.5.2); the image is padded with all ones. */
    s->rom_bar_size = pow2_at_least(n, 2048);
    s->rom = malloc(s->rom_bar_size);
    if (!s->rom) {
        free(buf);
        return amber_error(err, "%s: out of memory", path);
    }
    memset(s->rom, 0xFF, s->rom_bar_size);
    memcpy(s->rom, buf, n);
    free(buf);
    return true;
}

static void vga_pci_bar_map(void *opaque, PciFunction *f, unsigned bar, uint64_t addr)
{
    VgaPciState *s = opaque;
    Machine *m = s->vga.dev->machine;
    AmberError err = {0};
    (void)f;
    if (bar == 0) {
        if (!vga_set_lfb_base(s->vga.dev, addr == PCI_BAR_UNMAPPED ? 0 : addr, &err)) {
            amber_log(&m->log, LOG_VGA, "%s: BAR0: %s", s->vga.dev->id, err.msg);
        }
    } else if (bar == PCI_ROM_BAR && s->rom) {
        if (s->rom_mapped != PCI_BAR_UNMAPPED) {
            membus_unmap(m->mem, s->rom_mapped, s->rom_bar_size);
            s->rom_mapped = PCI_BAR_UNMAPPED;
        }
        if (addr != PCI_BAR_UNMAPPED) {
            if (membus_map_rom(m->mem, "vga-rom", addr, s->rom, s->rom_bar_size, &err)) {
                s->rom_mapped = addr;
            } else {
                amber_log(&m->log, LOG_VGA, "%s: ROM BAR: %s", s->vga.dev->id, err.msg);
            }
        }
    }
}

/* Config space at its defaults (also the reset state). */
static void vga_pci_config_init(VgaPciState *s)
{
    pci_function_init(&s->pci, VGA_PCI_VENDOR, VGA_PCI_DEVICE, 0x00, VGA_PCI_CLASS, 0x00);
    pci_function_set_bar(&s->pci, 0, pow2_at_least(s->vga.vram_size, 16),
                         PCI_BAR_MEM | PCI_BAR_PREFETCH);
    if (s->rom) {
        pci_function_set_bar(&s->pci, PCI_ROM_BAR, s->rom_bar_size, PCI_BAR_MEM);
    }
    s->pci.bar_map = vga_pci_bar_map;
    s->pci.opaque = s;
    s->pci.rom_ignores_enable = s->rom_any_enable;
}

static bool vga_pci_realize(Device *dev, AmberError *err)
{
    VgaPciState *s = dev->s;
    s->rom_mapped = PCI_BAR_UNMAPPED;
    PciBus *bus = pci_bus_find(dev->machine);
    if (!bus) {
        return amber_error(err, "%s: no PCI host bridge in this machine (add it first)",
                           dev->id);
    }
    if (s->rom_path && *s->rom_path && !vga_pci_load_rom(s, err)) {
        return false;
    }
    if (!vga_core_realize(dev, &s->vga, err)) {
        return false;
    }
    vga_pci_config_init(s);
    return pci_bus_add(bus, PCI_DEVFN((unsigned)s->slot, 0), &s->pci, err);
}

static void vga_pci_unrealize(Device *dev)
{
    VgaPciState *s = dev->s;
    vga_core_unrealize(&s->vga);
    free(s->rom);
    s->rom = NULL;
}

static void vga_pci_reset(Device *dev, ResetKind kind)
{
    VgaPciState *s = dev->s;
    vga_pci_config_init(s);
    pci_function_update_mappings(&s->pci);
    vga_core_reset(&s->vga, kind);
}

static bool vga_pci_post_load(Device *dev, AmberError *err)
{
    VgaPciState *s = dev->s;
    if (!vga_core_post_load(&s->vga, err)) {
        return false;
    }
    pci_function_update_mappings(&s->pci);
    return true;
}

static const PropDef vga_pci_props[] = {
    {"slot", PROP_UINT, offsetof(VgaPciState, slot), 0, 31, "2", NULL,
     "PCI device number on bus 0"},
    {"vram", PROP_SIZE, offsetof(VgaPciState, vga.vram_size), 256 * 1024, 256 * 1024 * 1024,
     "16M", NULL, "video memory (BAR0 size, rounded up to a power of two)"},
    {"dispi", PROP_BOOL, offsetof(VgaPciState, vga.dispi), 0, 0, "true", NULL,
     "Bochs VBE DISPI extension (ports 0x1CE-0x1D1)"},
    {"rom", PROP_PATH, offsetof(VgaPciState, rom_path), 0, 0, NULL, NULL,
     "VGA BIOS image for the expansion ROM BAR (e.g. /usr/share/seabios/vgabios-stdvga.bin)"},
    {"rom_bochs_decode", PROP_BOOL, offsetof(VgaPciState, rom_any_enable), 0, 0, "false", NULL,
     "decode the ROM BAR without its enable bit, as the Bochs emulator does (for the Bochs BIOS)"},
    PROP_END,
};

const DeviceClass vga_pci_class = {
    .type = "vga-pci",
    .desc = "IBM VGA with Bochs VBE DISPI extension as PCI 1234:1111",
    .state_size = sizeof(VgaPciState),
    .state_version = 1,
    .state = vga_pci_state_fields,
    .props = vga_pci_props,
    .realize = vga_pci_realize,
    .unrealize = vga_pci_unrealize,
    .reset = vga_pci_reset,
    .post_load = vga_pci_post_load,
};
