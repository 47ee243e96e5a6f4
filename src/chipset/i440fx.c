/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82441FX PCI and Memory Controller (PMC) of the 440FX PCIset, PCI function 00.0.
 * Sources: Intel 440FX PCIset data sheet (82441FX PMC), configuration registers (VID 8086,
 * DID 1237, RID 02, class 060000, PMCCFG 0x50, DRAMC 0x57, DRAMT 0x58, PAM0-6 0x59-0x5F,
 * DRB0-7 0x60-0x67, SMRAM 0x72); Ralf Brown's Interrupt List, "Programmable Attribute Map"
 * table; platform-bringup notes §2 (what SeaBIOS and the Bochs BIOS write, and why write-only
 * shadowing must work).
 *
 * PAM: 0x59 bits 5:4 control 0xF0000-0xFFFFF; 0x5A-0x5F each control two 16 KiB blocks from
 * 0xC0000 (low nibble = lower block). Per nibble bit 0 RE (reads from DRAM) and bit 1 WE
 * (writes to DRAM). The mapping is built from membus calls only:
 *   11 RAM           -> an alias of the RAM block underneath (fast);
 *   01 read-only RAM -> a ROM copy of the DRAM content (exact: nothing can write that DRAM while
 *                       WE is off; the copy is refreshed on every switch to 01);
 *   00 and 10        -> an MMIO window: reads from the bus (0xE0000-0xFFFFF: the BIOS ROM's
 *                       alias at + 0xFFF00000; 0xC0000-0xDFFFF: nothing, all ones), writes to
 *                       DRAM with WE, else dropped.
 * Hardware reset puts every PAM register back to 0 (the bus).
 *
 * Not modelled: SMRAM (0x72 is stored; 0xA0000-0xBFFFF always goes to the bus), DRAM row
 * boundaries and timing (stored), the 82442FX data path, memory above the DRB limits (the
 * board maps RAM). ISA option ROMs in 0xC0000-0xDFFFF behind PAM state 00 are not visible (PCI
 * option ROMs come through their ROM BARs). Each switch to state 01 costs a ROM copy that the
 * memory bus keeps until the machine is freed.
 */
#include "chipset/i440fx.h"

#include <stdio.h>

#include "chipset/pci.h"
#include "core/machine.h"

#define PAM_SEGMENTS 13
#define PAM_FIRST 0x59

typedef struct I440State I440State;

typedef struct PamWindow {
    I440State *s;
    uint32_t base;
    uint32_t size;
} PamWindow;

struct I440State {
    uint64_t slot;
    PciFunction pci;

    Device *dev;
    PamWindow win[PAM_SEGMENTS];
    uint8_t applied[PAM_SEGMENTS]; /* attribute currently mapped, 0xFF = none yet */
    uint8_t *ram;                  /* host pointer of DRAM at address 0 .. 1 MiB, or NULL */
    bool once_map;
};

static const StateField i440_state_fields[] = {
    STATE_FIELD_NAMED("config", I440State, pci.config, STATE_BYTES, 256, STATE_FMT_HEX, 1),
    STATE_END,
};

static const PropDef i440_props[] = {
    {"slot", PROP_UINT, offsetof(I440State, slot), 0, 31, "0", NULL, "PCI device number"},
    PROP_END,
};

static unsigned pam_attr(const I440State *s, unsigned seg)
{
    if (seg == 0) {
        return (s->pci.config[PAM_FIRST] >> 4) & 3;
    }
    unsigned i = seg - 1;
    return (s->pci.config[PAM_FIRST + 1 + i / 2] >> (4 * (i & 1))) & 3;
}

static unsigned pam_attr_at(const I440State *s, uint32_t addr)
{
    return addr >= 0xF0000 ? pam_attr(s, 0) : pam_attr(s, 1 + (addr - 0xC0000) / 0x4000);
}

static uint8_t pam_bus_read8(I440State *s, uint32_t addr)
{
    if (addr >= 0xE0000) {
        return membus_read8(s->dev->machine->mem, 0xFFF00000u | addr);
    }
    return 0xFF;
}

static uint64_t pam_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    PamWindow *w = opaque;
    I440State *s = w->s;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint32_t a = w->base + (uint32_t)offset + i;
        uint8_t b;
        if ((pam_attr_at(s, a) & 1) && s->ram) {
            b = s->ram[a];
        } else {
            b = pam_bus_read8(s, a);
        }
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void pam_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PamWindow *w = opaque;
    I440State *s = w->s;
    for (unsigned i = 0; i < size; i++) {
        uint32_t a = w->base + (uint32_t)offset + i;
        if ((pam_attr_at(s, a) & 2) && s->ram) {
            s->ram[a] = (uint8_t)(value >> (8 * i));
        }
    }
}

static const MemOps pam_mmio_ops = {
    .read = pam_mmio_read,
    .write = pam_mmio_write,
};

/* DRAM under 1 MiB, found through the bus's RAM blocks (it may be hidden by other mappings). */
static uint8_t *pam_find_ram(I440State *s)
{
    MemBus *mem = s->dev->machine->mem;
    for (size_t i = 0; i < membus_ram_block_count(mem); i++) {
        const MemRamBlock *b = membus_ram_block(mem, i);
        if (b->base == 0 && b->size >= 0x100000) {
            return b->host;
        }
    }
    return NULL;
}

static void pam_map_segment(I440State *s, unsigned seg, bool force)
{
    unsigned attr = pam_attr(s, seg);
    if (!s->ram) {
        attr &= ~3u; /* no DRAM there: everything goes to the bus */
    }
    if (!force && s->applied[seg] == attr) {
        return; /* (a ROM copy of state 01 is still exact: nothing wrote that DRAM) */
    }
    PamWindow *w = &s->win[seg];
    MemBus *mem = s->dev->machine->mem;
    AmberError err = {0};
    char name[64];
    bool ok;
    snprintf(name, sizeof name, "pam-%05x", w->base);
    switch (attr) {
    case 3:
        ok = membus_map_ram_alias(mem, w->base, w->size, w->base, &err);
        break;
    case 1:
        ok = membus_map_rom(mem, name, w->base, s->ram + w->base, w->size, &err);
        break;
    default:
        ok = membus_map_mmio(mem, name, w->base, w->size, &pam_mmio_ops, w, &err);
        break;
    }
    if (!ok) {
        amber_log_once(&s->dev->machine->log, LOG_PCI, &s->once_map, "i440fx: PAM mapping: %s",
                       err.msg);
        return;
    }
    s->applied[seg] = (uint8_t)attr;
}

static void pam_apply(I440State *s, bool force)
{
    s->ram = pam_find_ram(s);
    for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++) {
        pam_map_segment(s, seg, force);
    }
}

void i440fx_apply_pam(Device *dev)
{
    pam_apply(dev->s, true);
}

static void i440_config_write(void *opaque, PciFunction *f, unsigned off, unsigned size,
                              uint32_t old)
{
    (void)f;
    (void)old;
    I440State *s = opaque;
    if (off + size > PAM_FIRST && off < PAM_FIRST + 7) {
        amber_log(&s->dev->machine->log, LOG_PCI, "i440fx: PAM %02x %02x %02x %02x %02x %02x %02x",
                  s->pci.config[0x59], s->pci.config[0x5A], s->pci.config[0x5B],
                  s->pci.config[0x5C], s->pci.config[0x5D], s->pci.config[0x5E],
                  s->pci.config[0x5F]);
        pam_apply(s, false);
    }
}

static void i440_config_defaults(I440State *s)
{
    PciFunction *f = &s->pci;
    pci_function_init(f, 0x8086, 0x1237, 0x02, 0x060000, 0x00);
    f->config[PCI_COMMAND] = 0x06;
    f->config[PCI_STATUS + 1] = 0x02; /* medium DEVSEL */
    f->config[PCI_STATUS] = 0x80;     /* fast back-to-back capable */
    f->config[0x57] = 0x01;           /* DRAMC */
    f->config[0x58] = 0x10;           /* DRAMT */
    for (unsigned i = 0x60; i <= 0x67; i++) {
        f->config[i] = 0x02; /* DRB: 16 MiB per row until the BIOS sizes DRAM */
    }
    f->config[0x72] = 0x02; /* SMRAM: C_BASE_SEG = 010 (0xA0000) */
    f->wmask[0x50] = 0xFF;
    f->wmask[0x51] = 0xFF;
    for (unsigned i = 0x52; i <= 0x58; i++) {
        f->wmask[i] = 0xFF;
    }
    f->wmask[PAM_FIRST] = 0x30;
    for (unsigned i = PAM_FIRST + 1; i < PAM_FIRST + 7; i++) {
        f->wmask[i] = 0x33;
    }
    for (unsigned i = 0x60; i <= 0x71; i++) {
        f->wmask[i] = 0xFF;
    }
    f->wmask[0x72] = 0x78; /* D_OPEN, D_CLS, D_LCK, G_SMRAME; the base segment is fixed */
    f->write_hook = i440_config_write;
    f->opaque = s;
}

static bool i440_realize(Device *dev, AmberError *err)
{
    I440State *s = dev->s;
    s->dev = dev;
    for (unsigned seg = 0; seg < PAM_SEGMENTS; seg++) {
        s->win[seg].s = s;
        s->win[seg].base = seg == 0 ? 0xF0000 : 0xC0000 + (seg - 1) * 0x4000;
        s->win[seg].size = seg == 0 ? 0x10000 : 0x4000;
        s->applied[seg] = 0xFF;
    }
    i440_config_defaults(s);
    return pci_bus_add(pci_bus_find(dev->machine), PCI_DEVFN(s->slot, 0), &s->pci, err);
}

static void i440_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    I440State *s = dev->s;
    i440_config_defaults(s);
    pam_apply(s, true);
}

static bool i440_post_load(Device *dev, AmberError *err)
{
    (void)err;
    pam_apply(dev->s, true);
    return true;
}

const DeviceClass i440fx_class = {
    .type = "i440fx",
    .desc = "Intel 82441FX PMC host bridge (PCI 00.0) with PAM shadowing",
    .state_size = sizeof(I440State),
    .state_version = 1,
    .state = i440_state_fields,
    .props = i440_props,
    .realize = i440_realize,
    .reset = i440_reset,
    .post_load = i440_post_load,
};
