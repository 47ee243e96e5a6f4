/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371SB PIIX3 PCI ISA IDE Xcelerator: the PCI-to-ISA bridge function and the IDE
 * function's configuration space.
 * Sources: Intel 82371FB (PIIX) and 82371SB (PIIX3) data sheet: function 0 configuration
 * (VID 8086, DID 7000, class 060100, header type 0x80 = multi-function, IORT 0x4C, XBCS 0x4E,
 * PIRQRC[A:D] 0x60-0x63 with bit 7 = routing disabled, bits 3:0 = ISA IRQ (3-7, 9-12, 14, 15),
 * TOM 0x69, MBIRQ 0x70/0x71, APICBASE 0x80, SMI registers 0xA0-0xAE); function 1 (DID 7010,
 * class 010180, BMIBA BAR4 16 bytes of I/O, IDETIM 0x40/0x42 with bit 15 = IDE decode enable,
 * SIDETIM 0x44); platform-bringup notes §0.5 and §3 (SeaBIOS only scans functions 1-3 when
 * header type bit 7 is set; the PIRQ swizzle).
 *
 * PCI interrupts: the bus (pci.c) swizzles INTx to PIRQ A-D; this bridge ORs every PIRQ routed to
 * an ISA IRQ onto that output (the PIIX3 steers PIRQs onto the ISA IRQ lines, which the ELCR
 * then makes level triggered). Outputs change only when a routed level changes, so IRQ lines
 * never routed are left to their ISA devices.
 * Not modelled: the ISA bus timing registers' effects, the motherboard DMA/IRQ (MBIRQ) steering,
 * the SMI logic and APM registers (stored), the IDE timing registers' effects, the USB function
 * (01.2, absent as on PIIX3 boards without it).
 */
#include "chipset/piix3.h"

#include "chipset/pci.h"
#include "core/endian.h"
#include "core/machine.h"

typedef struct Piix3State {
    uint64_t slot;
    PciFunction isa;
    PciFunction ide;
    uint8_t pirq_level; /* bit per PIRQ A-D */
    uint16_t isa_out;   /* levels driven on outputs 0-15 */
    uint8_t ide_out;    /* levels on outputs 16/17 */

    Device *dev;
    Piix3BmMapFn bm_map;
    void *bm_opaque;
} Piix3State;

static const StateField piix3_state_fields[] = {
    STATE_FIELD_NAMED("isa_config", Piix3State, isa.config, STATE_BYTES, 256, STATE_FMT_HEX, 1),
    STATE_FIELD_NAMED("ide_config", Piix3State, ide.config, STATE_BYTES, 256, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix3State, pirq_level, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix3State, isa_out, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix3State, ide_out, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static const PropDef piix3_props[] = {
    {"slot", PROP_UINT, offsetof(Piix3State, slot), 0, 31, "1", NULL, "PCI device number"},
    PROP_END,
};

/* ISA IRQs a PIRQ may be steered to (PIRQRC bits 3:0). */
#define PIIX3_IRQ_OK 0xDEF8u

static void piix3_update_isa(Piix3State *s)
{
    uint16_t out = 0;
    for (unsigned p = 0; p < 4; p++) {
        uint8_t r = s->isa.config[0x60 + p];
        unsigned irq = r & 0x0F;
        if (!(r & 0x80) && ((PIIX3_IRQ_OK >> irq) & 1) && ((s->pirq_level >> p) & 1)) {
            out |= (uint16_t)(1u << irq);
        }
    }
    uint16_t changed = out ^ s->isa_out;
    s->isa_out = out;
    for (unsigned irq = 0; irq < 16; irq++) {
        if ((changed >> irq) & 1) {
            device_irq_set(s->dev, irq, (out >> irq) & 1);
        }
    }
}

static void piix3_route(void *opaque, unsigned pirq, bool level)
{
    Piix3State *s = opaque;
    if (level) {
        s->pirq_level |= (uint8_t)(1u << pirq);
    } else {
        s->pirq_level &= (uint8_t) ~(1u << pirq);
    }
    piix3_update_isa(s);
}

static void piix3_isa_write(void *opaque, PciFunction *f, unsigned off, unsigned size, uint32_t old)
{
    (void)f;
    (void)old;
    if (off + size > 0x60 && off < 0x64) {
        piix3_update_isa(opaque);
    }
}

static void piix3_update_ide(Piix3State *s)
{
    bool io = s->ide.config[PCI_COMMAND] & PCI_CMD_IO;
    uint8_t out = 0;
    if (io && (ld_le16(s->ide.config + 0x40) & 0x8000)) {
        out |= 1;
    }
    if (io && (ld_le16(s->ide.config + 0x42) & 0x8000)) {
        out |= 2;
    }
    uint8_t changed = out ^ s->ide_out;
    s->ide_out = out;
    for (unsigned c = 0; c < 2; c++) {
        if ((changed >> c) & 1) {
            device_irq_set(s->dev, PIIX3_OUT_IDE_PRIMARY + c, (out >> c) & 1);
        }
    }
}

static void piix3_ide_write(void *opaque, PciFunction *f, unsigned off, unsigned size, uint32_t old)
{
    (void)f;
    (void)off;
    (void)size;
    (void)old;
    piix3_update_ide(opaque);
}

static void piix3_ide_bar(void *opaque, PciFunction *f, unsigned bar, uint64_t addr)
{
    (void)f;
    Piix3State *s = opaque;
    if (bar == 4 && s->bm_map) {
        s->bm_map(s->bm_opaque, addr);
    }
}

void piix3_set_busmaster_hook(Device *dev, Piix3BmMapFn fn, void *opaque)
{
    Piix3State *s = dev->s;
    s->bm_map = fn;
    s->bm_opaque = opaque;
    if (fn) {
        fn(opaque, pci_function_bar_address(&s->ide, 4));
    }
}

bool piix3_ide_decode(Device *dev, unsigned channel)
{
    Piix3State *s = dev->s;
    return channel < 2 && ((s->ide_out >> channel) & 1);
}

static void piix3_config_defaults(Piix3State *s)
{
    PciFunction *f = &s->isa;
    pci_function_init(f, 0x8086, 0x7000, 0x00, 0x060100, 0x80);
    f->config[PCI_COMMAND] = 0x07;
    f->config[PCI_STATUS + 1] = 0x02;
    f->config[0x4C] = 0x4D; /* IORT */
    f->config[0x4E] = 0x03; /* XBCS: RTC and keyboard controller decode */
    for (unsigned p = 0; p < 4; p++) {
        f->config[0x60 + p] = 0x80;
    }
    f->config[0x69] = 0x02; /* TOM */
    f->config[0x70] = 0x80; /* MBIRQ0 */
    f->config[0x71] = 0x80;
    f->config[0x76] = 0x0C; /* MBDMA */
    f->config[0x77] = 0x0C;
    f->config[0x78] = 0x02; /* PCSC */
    for (unsigned i = 0x40; i < 0x100; i++) {
        f->wmask[i] = 0xFF;
    }
    for (unsigned p = 0; p < 4; p++) {
        f->wmask[0x60 + p] = 0x8F;
    }
    f->wmask[PCI_COMMAND] = 0x08; /* special cycle enable only; I/O, memory, master fixed on */
    f->wmask[PCI_COMMAND + 1] = 0x00;
    f->write_hook = piix3_isa_write;
    f->opaque = s;

    PciFunction *g = &s->ide;
    pci_function_init(g, 0x8086, 0x7010, 0x00, 0x010180, 0x00);
    g->config[PCI_STATUS + 1] = 0x02;
    pci_function_set_bar(g, 4, 16, PCI_BAR_IO);
    g->wmask[PCI_COMMAND] = PCI_CMD_IO | PCI_CMD_MASTER;
    g->wmask[PCI_COMMAND + 1] = 0;
    g->wmask[0x40] = 0xFF;
    g->wmask[0x41] = 0xF3;
    g->wmask[0x42] = 0xFF;
    g->wmask[0x43] = 0xF3;
    g->wmask[0x44] = 0xFF;
    g->write_hook = piix3_ide_write;
    g->bar_map = piix3_ide_bar;
    g->opaque = s;
}

static bool piix3_realize(Device *dev, AmberError *err)
{
    Piix3State *s = dev->s;
    s->dev = dev;
    piix3_config_defaults(s);
    PciBus *bus = pci_bus_find(dev->machine);
    if (!pci_bus_add(bus, PCI_DEVFN(s->slot, 0), &s->isa, err) ||
        !pci_bus_add(bus, PCI_DEVFN(s->slot, 1), &s->ide, err)) {
        return false;
    }
    pci_bus_set_router(bus, piix3_route, s);
    return true;
}

static void piix3_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    Piix3State *s = dev->s;
    piix3_config_defaults(s);
    pci_function_update_mappings(&s->ide);
    piix3_update_isa(s);
    piix3_update_ide(s);
}

static bool piix3_post_load(Device *dev, AmberError *err)
{
    (void)err;
    Piix3State *s = dev->s;
    pci_function_update_mappings(&s->ide);
    for (unsigned irq = 0; irq < 16; irq++) {
        if ((s->isa_out >> irq) & 1) {
            device_irq_set(dev, irq, true);
        }
    }
    for (unsigned c = 0; c < 2; c++) {
        device_irq_set(dev, PIIX3_OUT_IDE_PRIMARY + c, (s->ide_out >> c) & 1);
    }
    return true;
}

const DeviceClass piix3_class = {
    .type = "piix3",
    .desc = "Intel 82371SB PIIX3 ISA bridge (01.0) and IDE function (01.1)",
    .state_size = sizeof(Piix3State),
    .state_version = 1,
    .state = piix3_state_fields,
    .props = piix3_props,
    .n_irq_out = 18,
    .realize = piix3_realize,
    .reset = piix3_reset,
    .post_load = piix3_post_load,
};
