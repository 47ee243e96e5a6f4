/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "pc-i440fx" board: a PCI PC of the mid-1990s as SeaBIOS and the Bochs BIOS expect it
 * (i440FX host bridge + PIIX3), built MAME-style: this file picks every port, IRQ and DMA channel;
 * the devices hard-code none of them.
 *
 *   00:00.0 i440FX (PAM shadowing of 0xC0000-0xFFFFF)   00:01.0 PIIX3 ISA bridge, 01.1 IDE
 *   00:02.0 VGA 1234:1111 with its BIOS in the expansion-ROM BAR (SeaBIOS finds it only there)
 *   00:01.3 PIIX4 power management (ACPI PM timer, SCI on IRQ 9, soft-off), as QEMU's "pc"
 *   pairs it with the PIIX3: SeaBIOS builds its ACPI tables only when it finds one.
 *   Interrupts: the 82093AA I/O APIC at FEC00000 sees every ISA IRQ n on its input n (SeaBIOS's
 *   MP table and MADT say so); a P6 CPU gets its local APIC (prop lapic, on by default) between
 *   the 8259's INTR (LINT0) and the CPU, other CPUs have the 8259 on INTR.
 *   ISA: 8259A pair (+ELCR), 8254 + port 61h, 8237 pair + page registers, MC146818 RTC/CMOS,
 *   8042 + PS/2 keyboard and mouse, port 92h, 16550A COM1 (3F8h, IRQ 4) and COM2 (2F8h, IRQ 3; COM3/4
 *   would share those IRQs, which ISA edge lines cannot), 82077AA floppy (IRQ 6, DMA 2), two ATA
 *   channels (IRQ 14/15), debug console ports E9h/402h.
 *
 * Firmware: the BIOS image is mapped at 4 GiB - size; the i440FX aliases its last 128 KiB at
 * 0xE0000-0xFFFFF while the PAM registers send those reads to the bus.
 * CMOS is filled as Bochs does it (notes/platform-bringup.md §5, Bochs iodev/devices.cc), since
 * both BIOSes read the same map when there is no fw_cfg.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "accel/interp.h"
#include "chipset/debugport.h"
#include "chipset/dma8237.h"
#include "chipset/fdc82077.h"
#include "chipset/i440fx.h"
#include "chipset/ide.h"
#include "chipset/ioapic.h"
#include "chipset/kbc8042.h"
#include "chipset/lapic.h"
#include "chipset/pci_host.h"
#include "chipset/pic8259.h"
#include "chipset/piix3.h"
#include "chipset/piix4_pm.h"
#include "chipset/pit8254.h"
#include "chipset/port92.h"
#include "chipset/ps2kbd.h"
#include "chipset/ps2mouse.h"
#include "chipset/rtc_cmos.h"
#include "chipset/uart16550.h"
#include "core/board.h"
#include "core/machine.h"
#include "cpu/x86/fpu.h"
#include "cpu/x86/models.h"
#include "storage/blockdev.h"
#include "storage/geometry.h"
#include "video/vga.h"

#define PC_BIOS_MAX (256u * 1024)
#define PC_PCI_HOLE (UINT64_C(0xE0000000)) /* RAM ends below the PCI window */
#define ISA_IRQ_SOURCES 3

typedef struct PcBoard {
    /* props */
    char *cpu;
    uint64_t memory;
    char *bios;
    char *vgabios;
    char *fda, *fdb, *hda, *hdb;
    char *boot;
    bool lapic_on;
    /* derived at create */
    X86Cpu *x86;
    IrqLine irq13;        /* the AT's FERR# latch into PIC input 13 */
    /* The ISA IRQ lines: each goes to the 8259 input and the I/O APIC input of its number
     * (SeaBIOS's MP table and MADT: ISA IRQ n = INTIN n), and a line with several sources (IRQ 9:
     * PCI interrupts steered there and the PIIX4's SCI) is their wired OR. isa_src[n] lists the
     * source lines; their recorded levels are the OR's inputs, so the board keeps no state. */
    IrqLine *isa_src[16][ISA_IRQ_SOURCES];
    Device *pic, *ioapic, *lapic;
    ApicBus apic_bus;
    uint8_t boot_nibbles; /* CMOS 0x3D */
    uint8_t floppy_cmos[2];
} PcBoard;

static const PropDef pc_props[] = {
    {"cpu", PROP_STRING, offsetof(PcBoard, cpu), 0, 0, "80386dx", NULL,
     "CPU model: 8088, 8086, 80186, 80286, 80386dx, ..."},
    {"memory", PROP_SIZE, offsetof(PcBoard, memory), 1 << 20, INT64_C(0xE0000000), "4M", NULL,
     "RAM size"},
    {"bios", PROP_PATH, offsetof(PcBoard, bios), 0, 0, "/usr/share/seabios/bios.bin", NULL,
     "system BIOS image (64, 128 or 256 KiB), mapped below 4 GiB"},
    {"vgabios", PROP_PATH, offsetof(PcBoard, vgabios), 0, 0,
     "/usr/share/seabios/vgabios-stdvga.bin", NULL, "VGA BIOS image, in the VGA's ROM BAR"},
    {"fda", PROP_PATH, offsetof(PcBoard, fda), 0, 0, NULL, NULL, "floppy image in drive A:"},
    {"fdb", PROP_PATH, offsetof(PcBoard, fdb), 0, 0, NULL, NULL, "floppy image in drive B:"},
    {"hda", PROP_PATH, offsetof(PcBoard, hda), 0, 0, NULL, NULL, "hard-disk image, primary master"},
    {"hdb", PROP_PATH, offsetof(PcBoard, hdb), 0, 0, NULL, NULL, "hard-disk image, primary slave"},
    {"boot", PROP_STRING, offsetof(PcBoard, boot), 0, 0, "a,c", NULL,
     "boot order: a (floppy), c (hard disk), comma-separated"},
    {"lapic", PROP_BOOL, offsetof(PcBoard, lapic_on), 0, 0, "on", NULL,
     "the CPU's local APIC, on models that have one (P6); off: the 8259 drives INTR directly"},
    PROP_END,
};

/* Adds a device or fails; ids are the names profiles and front ends use. */
static Device *add(Machine *m, const DeviceClass *cls, const char *id, AmberError *err)
{
    return machine_add_device(m, cls, id, err);
}

static bool setp(Device *d, const char *key, const char *value, AmberError *err)
{
    return device_set_prop(d, key, value, NULL, err);
}

static void a20_sink(void *opaque, int n, bool level)
{
    (void)n;
    x86_set_a20(opaque, level);
}

/*
 * Numeric errors the AT way (IBM PC AT Technical Reference, "Math coprocessor"; 80486 manual
 * §7.3 "PC compatibility"): FERR# sets a latch that drives IRQ 13; an OUT to port F0h clears the
 * latch and asserts IGNNE# so the handler's next FPU instruction can run; IGNNE# drops again when
 * FERR# does.
 */
static void pc_ferr(void *opaque, bool level)
{
    PcBoard *b = opaque;
    if (level) {
        irq_raise(&b->irq13);
    } else {
        x86_fpu_set_ignne(b->x86, false);
    }
}

static uint32_t pc_f0_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    (void)size;
    return 0xFF;
}

static void pc_f0_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)port;
    (void)value;
    (void)size;
    PcBoard *b = opaque;
    irq_lower(&b->irq13);
    if (b->x86->fpu.ferr) {
        x86_fpu_set_ignne(b->x86, true);
    }
}

static const IoOps pc_f0_ops = {.read = pc_f0_read, .write = pc_f0_write, .sizes = 1};

/* An ISA IRQ line changed at one of its sources (n = irq * ISA_IRQ_SOURCES + source). */
static void pc_isa_irq(void *opaque, int n, bool level)
{
    PcBoard *b = opaque;
    unsigned irq = (unsigned)n / ISA_IRQ_SOURCES;
    (void)level; /* the source's line already records it */
    bool any = false;
    for (unsigned k = 0; k < ISA_IRQ_SOURCES; k++) {
        any = any || (b->isa_src[irq][k] && b->isa_src[irq][k]->level);
    }
    pic8259_class.irq_in(b->pic, (int)irq, any);
    ioapic_class.irq_in(b->ioapic, (int)irq, any);
}

/* Connects output out of src to ISA IRQ irq. */
static bool isa_irq(PcBoard *b, Device *src, unsigned out, unsigned irq, AmberError *err)
{
    unsigned k = 0;
    while (k < ISA_IRQ_SOURCES && b->isa_src[irq][k]) {
        k++;
    }
    if (k == ISA_IRQ_SOURCES) {
        return amber_error(err, "pc-i440fx: too many sources on IRQ %u", irq);
    }
    b->isa_src[irq][k] = &src->irq_out[out];
    return device_connect_irq_sink(src, out, pc_isa_irq, b, (int)(irq * ISA_IRQ_SOURCES + k), err);
}

/* Reads the BIOS image; its size must be one a PC's ROM socket takes. */
static uint8_t *load_rom(const char *path, const char *what, size_t *size, AmberError *err)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        amber_error(err, "%s: cannot read the %s: %s", path, what, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    *size = len;
    return (uint8_t *)data;
}

/* The drive that fits a floppy image, and its CMOS type (IBM AT BIOS types: 1 360K, 2 1.2M,
 * 3 720K, 4 1.44M, 5 2.88M). A 40-track format goes in a 360K drive; 640K (80x2x8, DD) in a 720K
 * drive. */
static bool floppy_drive_for(const char *path, const char **drive, uint8_t *cmos, AmberError *err)
{
    BlockDev *bd = blockdev_open(path, NULL, err);
    if (!bd) {
        return false;
    }
    FloppyGeometry g;
    bool ok = geometry_floppy_detect(bd, &g, err);
    blockdev_close(bd);
    if (!ok) {
        return false;
    }
    if (g.cylinders <= 42) {
        *drive = "360K";
        *cmos = 1;
    } else if (g.density == FLOPPY_ED) {
        *drive = "2.88M";
        *cmos = 5;
    } else if (g.density == FLOPPY_HD && g.five_inch) {
        *drive = "1.2M";
        *cmos = 2;
    } else if (g.density == FLOPPY_HD) {
        *drive = "1.44M";
        *cmos = 4;
    } else {
        *drive = "720K";
        *cmos = 3;
    }
    return true;
}

static bool parse_boot(PcBoard *b, AmberError *err)
{
    /* CMOS 0x3D: low nibble first device, high nibble second (1 floppy, 2 hard disk). */
    uint8_t order[2] = {0, 0};
    unsigned n = 0;
    for (const char *p = b->boot; *p; p++) {
        if (*p == ',' || *p == ' ') {
            continue;
        }
        uint8_t dev = (*p == 'a' || *p == 'A') ? 1 : (*p == 'c' || *p == 'C') ? 2 : 0;
        if (!dev || n >= 2) {
            return amber_error(err, "[machine] boot: '%s' is not a boot order (use a, c, a,c or c,a)",
                               b->boot);
        }
        order[n++] = dev;
    }
    if (n == 0) {
        return amber_error(err, "[machine] boot: empty boot order (use a, c, a,c or c,a)");
    }
    b->boot_nibbles = (uint8_t)(order[0] | order[1] << 4);
    return true;
}

static bool pc_create(Machine *m, void *s, AmberError *err)
{
    PcBoard *b = s;
    const X86Model *model = x86_model_find(b->cpu);
    if (!model) {
        return amber_error(err, "[machine] cpu: unknown CPU model '%s'", b->cpu);
    }
    if (!x86_has(model, X86_F_386)) {
        return amber_error(err, "[machine] cpu: '%s' cannot run this board's BIOS (SeaBIOS and the "
                           "Bochs BIOS need an 80386 or later)", b->cpu);
    }
    if (!parse_boot(b, err)) {
        return false;
    }

    /* Memory first: devices (VGA window, PAM) map over it at realize and reset. */
    uint64_t ram = (b->memory + MEM_PAGE_MASK) & ~MEM_PAGE_MASK;
    if (!membus_map_ram(m->mem, "ram", 0, ram, err)) {
        return false;
    }
    size_t rom_size = 0;
    uint8_t *rom = load_rom(b->bios, "BIOS", &rom_size, err);
    if (!rom) {
        return false;
    }
    if (rom_size != 64 * 1024 && rom_size != 128 * 1024 && rom_size != 256 * 1024) {
        g_free(rom);
        return amber_error(err, "%s: a BIOS image must be 64, 128 or 256 KiB, this one is %zu bytes",
                           b->bios, rom_size);
    }
    bool ok = membus_map_rom(m->mem, "bios", (UINT64_C(1) << 32) - rom_size, rom, rom_size, err);
    g_free(rom);
    if (!ok) {
        return false;
    }

    b->x86 = x86_interp_new(m, model, err);
    if (!b->x86) {
        return false;
    }

    Device *pci = add(m, &pci_host_class, "pci", err);
    Device *nb = pci ? add(m, &i440fx_class, "i440fx", err) : NULL;
    Device *sb = nb ? add(m, &piix3_class, "piix3", err) : NULL;
    Device *pic = sb ? add(m, &pic8259_class, "pic", err) : NULL;
    Device *pit = pic ? add(m, &pit8254_class, "pit", err) : NULL;
    Device *dma = pit ? add(m, &dma8237_class, "dma", err) : NULL;
    Device *rtc = dma ? add(m, &rtc_cmos_class, "rtc", err) : NULL;
    Device *kbc = rtc ? add(m, &kbc8042_class, "kbc", err) : NULL;
    Device *kbd = kbc ? add(m, &ps2kbd_class, "kbd", err) : NULL;
    Device *mouse = kbd ? add(m, &ps2mouse_class, "mouse", err) : NULL;
    Device *p92 = mouse ? add(m, &port92_class, "port92", err) : NULL;
    Device *dbg = p92 ? add(m, &debugport_class, "debug", err) : NULL;
    Device *com1 = dbg ? add(m, &uart16550_class, "com1", err) : NULL;
    Device *com2 = com1 ? add(m, &uart16550_class, "com2", err) : NULL;
    Device *fdc = com2 ? add(m, &fdc82077_class, "fdc", err) : NULL;
    Device *ide0 = fdc ? add(m, &ide_class, "ide0", err) : NULL;
    Device *ide1 = ide0 ? add(m, &ide_class, "ide1", err) : NULL;
    Device *vga = ide1 ? add(m, &vga_pci_class, "vga", err) : NULL;
    Device *pm = vga ? add(m, &piix4_pm_class, "pm", err) : NULL;
    Device *ioapic = pm ? add(m, &ioapic_class, "ioapic", err) : NULL;
    if (!ioapic) {
        return false;
    }
    b->pic = pic;
    b->ioapic = ioapic;
    apicbus_init(&b->apic_bus);
    /* The P6's local APIC (Pentium Pro/II developer's manual vol. 3, ch. 7): the earlier models'
     * APIC (P54C) is not modelled, so they keep the 8259 on INTR. */
    if (b->lapic_on && x86_has(model, X86_F_APIC) && model->family >= X86_FAMILY_686) {
        b->lapic = add(m, &lapic_class, "lapic", err);
        if (!b->lapic) {
            return false;
        }
        b->x86->lapic = true; /* before the machine's first reset: IA32_APIC_BASE, CPUID */
    }
    ok = setp(pic, "elcr", "on", err) && setp(com2, "base", "0x2F8", err) &&
         setp(com2, "irq", "3", err) &&
         setp(ide1, "base", "0x170", err) && setp(ide1, "ctrl", "0x376", err) &&
         setp(ide1, "irq", "15", err) && setp(vga, "rom", b->vgabios, err);
    /* Media: each floppy image gets the drive that fits it (a profile's [fdc] section may still
     * choose another drive). */
    const char *fd[2] = {b->fda, b->fdb};
    for (unsigned i = 0; ok && i < 2; i++) {
        if (!fd[i] || !*fd[i]) {
            continue;
        }
        const char *drive;
        char key[16];
        ok = floppy_drive_for(fd[i], &drive, &b->floppy_cmos[i], err);
        snprintf(key, sizeof key, "drive%u", i);
        ok = ok && setp(fdc, key, drive, err);
        snprintf(key, sizeof key, "image%u", i);
        ok = ok && setp(fdc, key, fd[i], err);
    }
    if (ok && !b->fda) {
        b->floppy_cmos[0] = 4; /* the default 1.44M drive, empty */
    }
    if (ok && b->hda && *b->hda) {
        ok = setp(ide0, "master", b->hda, err);
    }
    if (ok && b->hdb && *b->hdb) {
        ok = setp(ide0, "slave", b->hdb, err);
    }
    if (!ok) {
        return false;
    }

    /* Interrupts: ISA IRQ n -> PIC input n and I/O APIC input n; PCI INTx through the PIIX3's
     * PIRQ routing onto the IRQs SeaBIOS and the Bochs BIOS give PCI (5, 9, 10, 11); the PIIX4's
     * SCI on IRQ 9 (piix4_pm.h). */
    if (b->lapic) {
        /* 8259 INTR -> LINT0 (ExtINT once the firmware programs it; straight through while the
         * APIC is hardware-disabled); the APIC drives INTR and NMI. */
        ok = device_connect_irq(pic, 0, b->lapic, 0, err) &&
             device_connect_irq_sink(b->lapic, 0, x86_interp_intr, b->x86, 0, err) &&
             device_connect_irq_sink(b->lapic, 1, x86_interp_nmi, b->x86, 0, err);
        b->x86->inta = lapic_inta;
        b->x86->inta_opaque = b->lapic;
        b->x86->apic_base_write = lapic_apic_base_write;
        b->x86->apic_base_opaque = b->lapic;
        lapic_set_extint(b->lapic, pic8259_inta, pic);
    } else {
        ok = device_connect_irq_sink(pic, 0, x86_interp_intr, b->x86, 0, err);
        b->x86->inta = pic8259_inta;
        b->x86->inta_opaque = pic;
    }
    ok = ok &&
         isa_irq(b, pit, 0, 0, err) && isa_irq(b, kbc, 0, 1, err) && isa_irq(b, com2, 0, 3, err) &&
         isa_irq(b, com1, 0, 4, err) && isa_irq(b, fdc, 0, 6, err) && isa_irq(b, rtc, 0, 8, err) &&
         isa_irq(b, kbc, 1, 12, err) && isa_irq(b, ide0, 0, 14, err) &&
         isa_irq(b, ide1, 0, 15, err) && isa_irq(b, sb, 5, 5, err) && isa_irq(b, sb, 9, 9, err) &&
         isa_irq(b, sb, 10, 10, err) && isa_irq(b, sb, 11, 11, err) &&
         isa_irq(b, pm, PIIX4_PM_OUT_SCI, 9, err) &&
         /* A20: the 8042's output port bit 1 and port 92h bit 1, ORed in port 92h. */
         device_connect_irq(kbc, 2, p92, 0, err) &&
         device_connect_irq_sink(p92, 0, a20_sink, b->x86, 0, err);
    if (!ok) {
        return false;
    }
    if (x86_has(model, X86_F_FPU)) {
        b->isa_src[13][0] = &b->irq13;
        irq_connect(&b->irq13, pc_isa_irq, b, 13 * ISA_IRQ_SOURCES);
        b->x86->ferr = pc_ferr;
        b->x86->ferr_opaque = b;
        if (!iobus_register(m->io, "fpu-irq13", 0xF0, 1, &pc_f0_ops, b, err)) {
            return false;
        }
    }
    ps2kbd_attach(kbd, kbc8042_port(kbc, 0));
    ps2mouse_attach(mouse, kbc8042_port(kbc, 1));
    return true;
}

static void cmos_disk(Device *rtc, unsigned base, const char *path)
{
    /* Type 47 (user-defined) with the geometry at base..base+8 (Bochs iodev/harddrv.cc). */
    BlockDev *bd = blockdev_open(path, NULL, NULL);
    if (!bd) {
        return;
    }
    DiskGeometry g;
    if (geometry_disk_detect(bd, &g, NULL)) {
        uint32_t cyl = g.cylinders > 1024 ? 1024 : g.cylinders;
        rtc_cmos_set_byte(rtc, base + 0, (uint8_t)cyl);
        rtc_cmos_set_byte(rtc, base + 1, (uint8_t)(cyl >> 8));
        rtc_cmos_set_byte(rtc, base + 2, g.heads);
        rtc_cmos_set_byte(rtc, base + 3, 0xFF); /* write precompensation: none */
        rtc_cmos_set_byte(rtc, base + 4, 0xFF);
        rtc_cmos_set_byte(rtc, base + 5, g.heads > 8 ? 0xC8 : 0xC0);
        rtc_cmos_set_byte(rtc, base + 6, (uint8_t)cyl); /* landing zone */
        rtc_cmos_set_byte(rtc, base + 7, (uint8_t)(cyl >> 8));
        rtc_cmos_set_byte(rtc, base + 8, g.sectors);
    }
    blockdev_close(bd);
}

/* CMOS contents the firmware reads (notes/platform-bringup.md §1 and §5). */
static void pc_fill_cmos(Machine *m, PcBoard *b)
{
    Device *rtc = machine_find_device(m, "rtc");
    if (!rtc) {
        return;
    }
    uint64_t kb_above_1m = b->memory > (1u << 20) ? (b->memory - (1u << 20)) / 1024 : 0;
    uint64_t ext = kb_above_1m > 0xFC00 ? 0xFC00 : kb_above_1m;
    uint64_t above_16m = b->memory > (16u << 20) ? (b->memory - (16u << 20)) / 65536 : 0;
    if (above_16m > 0xFFFF) {
        above_16m = 0xFFFF;
    }
    unsigned floppies = (b->fda ? 1 : 0) + (b->fdb ? 1 : 0);
    if (floppies == 0) {
        floppies = 1; /* drive A: exists, empty */
    }
    rtc_cmos_set_byte(rtc, 0x10, (uint8_t)(b->floppy_cmos[0] << 4 | b->floppy_cmos[1]));
    uint8_t equip = 0x01 | (uint8_t)((floppies - 1) << 6); /* floppy present; VGA = 00 */
    if (x86_has(b->x86->model, X86_F_FPU)) {
        equip |= 0x02;
    }
    rtc_cmos_set_byte(rtc, 0x14, equip);
    rtc_cmos_set_byte(rtc, 0x15, 0x80); /* 640 KiB base memory */
    rtc_cmos_set_byte(rtc, 0x16, 0x02);
    rtc_cmos_set_byte(rtc, 0x17, (uint8_t)ext);
    rtc_cmos_set_byte(rtc, 0x18, (uint8_t)(ext >> 8));
    rtc_cmos_set_byte(rtc, 0x30, (uint8_t)ext);
    rtc_cmos_set_byte(rtc, 0x31, (uint8_t)(ext >> 8));
    rtc_cmos_set_byte(rtc, 0x34, (uint8_t)above_16m);
    rtc_cmos_set_byte(rtc, 0x35, (uint8_t)(above_16m >> 8));
    uint8_t disks = 0;
    if (b->hda && *b->hda) {
        disks |= 0xF0;
        rtc_cmos_set_byte(rtc, 0x19, 47);
        cmos_disk(rtc, 0x1B, b->hda);
    }
    if (b->hdb && *b->hdb) {
        disks |= 0x0F;
        rtc_cmos_set_byte(rtc, 0x1A, 47);
        cmos_disk(rtc, 0x24, b->hdb);
    }
    rtc_cmos_set_byte(rtc, 0x12, disks);
    rtc_cmos_set_byte(rtc, 0x2D, (b->boot_nibbles & 0x0F) == 1 ? 0x20 : 0x00);
    rtc_cmos_set_byte(rtc, 0x32, 0x20); /* century, BCD */
    rtc_cmos_set_byte(rtc, 0x3D, b->boot_nibbles);
    rtc_cmos_set_byte(rtc, 0x38, 0x00); /* third boot device none; check floppy signatures */
    rtc_cmos_set_byte(rtc, 0x39, 0x55); /* ATA translation LBA for all four drives */
    rtc_cmos_set_byte(rtc, 0x3F, 0x01); /* Bochs BIOS: skip the F12 boot-menu wait */
    rtc_cmos_set_byte(rtc, 0x5F, 0x00); /* CPUs - 1 */
    rtc_cmos_fix_checksum(rtc);
}

static bool pc_realize(Machine *m, void *s, AmberError *err)
{
    (void)m;
    PcBoard *b = s;
    if (!ioapic_attach_bus(b->ioapic, &b->apic_bus) ||
        (b->lapic && !lapic_attach_bus(b->lapic, &b->apic_bus))) {
        return amber_error(err, "pc-i440fx: the APIC bus is full");
    }
    return true;
}

static void pc_reset(Machine *m, void *s, ResetKind kind)
{
    PcBoard *b = s;
    if (kind == RESET_COLD) {
        pc_fill_cmos(m, b);
    }
}

static void pc_destroy(Machine *m, void *s)
{
    PcBoard *b = s;
    if (b->x86) {
        machine_set_cpu(m, NULL, NULL);
        x86_interp_free(b->x86);
        b->x86 = NULL;
    }
}

const BoardClass board_pc_i440fx = {
    .name = "pc-i440fx",
    .desc = "PCI PC: i440FX + PIIX3, VGA, floppy, IDE, COM1 (SeaBIOS or Bochs BIOS)",
    .addr_bits = 32,
    .state_size = sizeof(PcBoard),
    .props = pc_props,
    .create = pc_create,
    .realize = pc_realize,
    .reset = pc_reset,
    .destroy = pc_destroy,
};
