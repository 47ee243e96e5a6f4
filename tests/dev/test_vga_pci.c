/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VGA as PCI 00:02.0 behind configuration mechanism #1: identity, BAR0 (LFB) and ROM BAR
 * sizing and assignment the way SeaBIOS does it (platform-bringup notes §3), the ROM image
 * visible at the ROM BAR, command-register gating, reset, save/restore, and ROM file errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chipset/pci_host.h"
#include "devtest.h"
#include "video/render.h"
#include "video/vga.h"
#define VGA_BDF (2u << 11)

static uint32_t cfg_r(Machine *m, unsigned reg)
{
    outl(m, 0xCF8, 0x80000000u | VGA_BDF | reg);
    return inl(m, 0xCFC);
}

static void cfg_w(Machine *m, unsigned reg, uint32_t v)
{
    outl(m, 0xCF8, 0x80000000u | VGA_BDF | reg);
    outl(m, 0xCFC, v);
}

/* A fake 40,000-byte VGA BIOS: 55AA, a size byte, then a pattern. */
static char *make_rom(TestCtx *t, size_t size, bool signature)
{
    char *path = strdup("/tmp/amber-test-vgarom-XXXXXX");
    int fd = mkstemp(path);
    T_CHECK(t, fd >= 0);
    uint8_t *buf = malloc(size);
    for (size_t i = 0; i < size; i++) {
        buf[i] = (uint8_t)(i * 7);
    }
    if (signature) {
        buf[0] = 0x55;
        buf[1] = 0xAA;
        buf[2] = (uint8_t)((size + 511) / 512);
    } else {
        buf[0] = 0x00;
    }
    T_EQ(t, write(fd, buf, size), (long)size);
    close(fd);
    free(buf);
    return path;
}

typedef struct Rig {
    Machine *m;
    Device *vga;
    char *rom;
} Rig;

static bool rig_init(TestCtx *t, Rig *r)
{
    r->rom = make_rom(t, 40000, true);
    r->m = dt_machine(t);
    dt_add(t, r->m, &pci_host_class, "pci");
    r->vga = dt_add(t, r->m, &vga_pci_class, "vga");
    dt_prop(t, r->vga, "rom", r->rom);
    return dt_realize(t, r->m);
}

static void rig_free(Rig *r)
{
    machine_free(r->m);
    unlink(r->rom);
    free(r->rom);
}

/* SeaBIOS pciinit: size every BAR with all ones, assign, enable I/O + memory. */
static void firmware_assign(Machine *m)
{
    cfg_w(m, 0x10, 0xFFFFFFFF);
    cfg_w(m, 0x30, 0xFFFFF800);
    cfg_w(m, 0x10, 0xFD000000);
    cfg_w(m, 0x30, 0xFEBC0000 | 1);
    cfg_w(m, 0x04, 0x0003);
}

static void test_identity_and_bars(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        rig_free(&r);
        return;
    }
    Machine *m = r.m;
    T_EQ(t, cfg_r(m, 0x00), 0x11111234);
    T_EQ(t, cfg_r(m, 0x08) >> 8, 0x030000);
    T_EQ(t, (cfg_r(m, 0x0C) >> 16) & 0x7F, 0x00); /* header type 0 */
    /* Sizing: 16 MiB prefetchable memory; a 64 KiB ROM for a 40,000-byte image. */
    cfg_w(m, 0x10, 0xFFFFFFFF);
    T_EQ(t, cfg_r(m, 0x10), 0xFF000008);
    cfg_w(m, 0x30, 0xFFFFF800);
    T_EQ(t, cfg_r(m, 0x30), 0xFFFF0000);
    /* Nothing decodes until the command register enables memory. */
    cfg_w(m, 0x10, 0xFD000000);
    cfg_w(m, 0x30, 0xFEBC0001);
    T_EQ(t, membus_kind(m->mem, 0xFD000000), MEM_UNMAPPED);
    T_EQ(t, membus_kind(m->mem, 0xFEBC0000), MEM_UNMAPPED);
    cfg_w(m, 0x04, 0x0003);
    T_EQ(t, membus_kind(m->mem, 0xFD000000), MEM_MMIO);
    /* The ROM image, padded with all ones to the BAR size. */
    T_EQ(t, membus_read8(m->mem, 0xFEBC0000), 0x55);
    T_EQ(t, membus_read8(m->mem, 0xFEBC0001), 0xAA);
    T_EQ(t, membus_read8(m->mem, 0xFEBC0000 + 1000), (uint8_t)(1000 * 7));
    T_EQ(t, membus_read8(m->mem, 0xFEBC0000 + 40000), 0xFF);
    /* ROM enable off: gone (SeaBIOS restores the BAR after copying). */
    cfg_w(m, 0x30, 0xFEBC0000);
    T_EQ(t, membus_kind(m->mem, 0xFEBC0000), MEM_UNMAPPED);

    /* BAR0 is the DISPI LFB. */
    outw(m, 0x1CE, 4);
    outw(m, 0x1CF, 0);
    outw(m, 0x1CE, 3);
    outw(m, 0x1CF, 32);
    outw(m, 0x1CE, 1);
    outw(m, 0x1CF, 640);
    outw(m, 0x1CE, 2);
    outw(m, 0x1CF, 480);
    outw(m, 0x1CE, 4);
    outw(m, 0x1CF, 0x41);
    membus_write32(m->mem, 0xFD000000 + 4 * 641, 0x00C0FFEE);
    VgaFrame f;
    T_CHECK(t, vga_render(r.vga, &f));
    T_EQ(t, f.width, 640);
    T_EQ(t, f.pixels ? f.pixels[641] : 0, 0xC0FFEE);
    /* Re-assigned by the guest: the LFB follows. */
    cfg_w(m, 0x10, 0xE0000000);
    T_EQ(t, membus_kind(m->mem, 0xFD000000), MEM_UNMAPPED);
    T_EQ(t, membus_read32(m->mem, 0xE0000000 + 4 * 641), 0x00C0FFEE);
    /* Memory decode off: unmapped; on again: back. */
    cfg_w(m, 0x04, 0x0001);
    T_EQ(t, membus_kind(m->mem, 0xE0000000), MEM_UNMAPPED);
    cfg_w(m, 0x04, 0x0003);
    T_EQ(t, membus_read32(m->mem, 0xE0000000 + 4 * 641), 0x00C0FFEE);
    /* The legacy VGA answers regardless. */
    outb(m, 0x3C2, 0x63);
    T_EQ(t, inb(m, 0x3CC), 0x63);
    /* Reset: config space back to defaults, BARs unmapped. */
    machine_reset(m, RESET_COLD);
    T_EQ(t, cfg_r(m, 0x10), 0x00000008);
    T_EQ(t, cfg_r(m, 0x04) & 3, 0);
    T_EQ(t, membus_kind(m->mem, 0xE0000000), MEM_UNMAPPED);
    rig_free(&r);
}

static void test_save_restore(TestCtx *t)
{
    Rig r;
    if (!rig_init(t, &r)) {
        rig_free(&r);
        return;
    }
    Machine *m = r.m;
    AmberError err = {0};
    firmware_assign(m);
    membus_write32(m->mem, 0xFD000010, 0x12345678);
    StateSection regs = {0}, vram = {0};
    for (unsigned i = 0; i < machine_state_section_count(m); i++) {
        StateSection sec;
        if (machine_state_section(m, i, &sec, NULL)) {
            if (strcmp(sec.name, "vga") == 0) {
                regs = sec;
            } else if (strcmp(sec.name, "vga.vram") == 0) {
                vram = sec;
            }
        }
    }
    T_CHECK(t, regs.name && vram.name);
    if (!regs.name || !vram.name) {
        rig_free(&r);
        return;
    }
    StateBuf b1 = {0}, b2 = {0};
    T_CHECK(t, state_encode(&regs, &b1));
    T_CHECK(t, state_encode(&vram, &b2));
    machine_reset(m, RESET_COLD);
    T_EQ(t, membus_kind(m->mem, 0xFD000000), MEM_UNMAPPED);
    T_EQ(t, membus_kind(m->mem, 0xFEBC0000), MEM_UNMAPPED);
    T_CHECK(t, state_decode(&regs, b1.data, b1.len, &err));
    T_CHECK(t, state_decode(&vram, b2.data, b2.len, &err));
    T_CHECK(t, vga_pci_class.post_load(r.vga, &err));
    T_EQ(t, cfg_r(m, 0x10), 0xFD000008);
    T_EQ(t, membus_read32(m->mem, 0xFD000010), 0x12345678);
    T_EQ(t, membus_read8(m->mem, 0xFEBC0001), 0xAA);
    statebuf_free(&b1);
    statebuf_free(&b2);
    rig_free(&r);
}

static void expect_realize_error(TestCtx *t, const char *rom, const char *needle)
{
    AmberError err = {0};
    Machine *m = dt_machine(t);
    dt_add(t, m, &pci_host_class, "pci");
    Device *vga = dt_add(t, m, &vga_pci_class, "vga");
    dt_prop(t, vga, "rom", rom);
    T_CHECK(t, !machine_realize(m, &err));
    T_CONTAINS(t, err.msg, rom);
    T_CONTAINS(t, err.msg, needle);
    machine_free(m);
}

static void test_rom_errors(TestCtx *t)
{
    expect_realize_error(t, "/nonexistent/vgabios.bin", "cannot open");
    char *bad = make_rom(t, 4096, false);
    expect_realize_error(t, bad, "55AA");
    unlink(bad);
    free(bad);
    /* Without a host bridge there is no bus to sit on. */
    AmberError err = {0};
    Machine *m = dt_machine(t);
    dt_add(t, m, &vga_pci_class, "vga");
    T_CHECK(t, !machine_realize(m, &err));
    T_CONTAINS(t, err.msg, "PCI host bridge");
    machine_free(m);
}

/* Debian's SeaVGABIOS image, when installed: its PCIR header names this device. */
static void test_debian_seavgabios(TestCtx *t)
{
    const char *path = "/usr/share/seabios/vgabios-stdvga.bin";
    if (access(path, R_OK) != 0) {
        printf("note: %s not installed; real-ROM check not run\n", path);
        T_CHECK(t, true);
        return;
    }
    Machine *m = dt_machine(t);
    dt_add(t, m, &pci_host_class, "pci");
    Device *vga = dt_add(t, m, &vga_pci_class, "vga");
    dt_prop(t, vga, "rom", path);
    if (!dt_realize(t, m)) {
        machine_free(m);
        return;
    }
    firmware_assign(m);
    uint64_t rom = 0xFEBC0000;
    T_EQ(t, membus_read16(m->mem, rom), 0xAA55);
    uint16_t pcir = membus_read16(m->mem, rom + 0x18);
    T_EQ(t, membus_read32(m->mem, rom + pcir), 0x52494350); /* "PCIR" */
    T_EQ(t, membus_read16(m->mem, rom + pcir + 4), 0x1234);
    T_EQ(t, membus_read16(m->mem, rom + pcir + 6), 0x1111);
    machine_free(m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_identity_and_bars);
    T_RUN(&t, test_save_restore);
    T_RUN(&t, test_rom_errors);
    T_RUN(&t, test_debian_seavgabios);
    return t_finish(&t);
}
