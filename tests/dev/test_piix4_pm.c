/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PIIX4 power-management function (00:01.3): configuration defaults and write masks, the PM
 * block mapped by PMBA/PMREGMISC, the PM timer at 3.579545 MHz with its 24-bit wrap, TMROF_STS
 * and the SCI on each change of bit 23, write-1-to-clear status, SCI_EN through APMC F1h/F0h,
 * soft-off, the SMBus host with no devices, resets, and save -> load.
 * Expected numbers come from the ACPI PM timer definition (ACPI 1.0 §4.7.3.3: 3579545 Hz,
 * TMR_STS when bit 23 changes) and the PIIX4 data sheet's register layout, worked out by hand:
 * count(t) = floor(t[ns] * 3579545 / 1e9); bit 23 changes first at count 2^23 = 8388608, reached
 * at t = ceil(2^23 * 1e9 / 3579545) ns = 2343484438 ns, then at 2^24 (4686968875 ns), and
 * 3 * 2^23 (7030453312 ns). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chipset/pci.h"
#include "chipset/pci_host.h"
#include "chipset/piix4_pm.h"
#include "core/savestate.h"
#include "devtest.h"

#define DEVFN PCI_DEVFN(1, 3)
#define PMBASE 0xB000
#define SMBBASE 0xB100
#define MS INT64_C(1000000)

#define T_BIT23_1 INT64_C(2343484438) /* count 8388608 */
#define T_BIT23_2 INT64_C(4686968875) /* count 16777216: bit 23 back to 0, 24-bit wrap */
#define T_BIT23_3 INT64_C(7030453312) /* count 25165824 */

typedef struct Rig {
    Machine *m;
    Device *host, *pm;
    Probe sci;
} Rig;

static void rig_init(TestCtx *t, Rig *r, bool smi_handler)
{
    r->m = dt_machine(t);
    r->host = dt_add(t, r->m, &pci_host_class, "pci");
    r->pm = dt_add(t, r->m, &piix4_pm_class, "pm");
    if (!smi_handler) {
        dt_prop(t, r->pm, "smi-handler", "off");
    }
    probe_attach(t, r->pm, PIIX4_PM_OUT_SCI, &r->sci);
    dt_realize(t, r->m);
}

static uint32_t cfg_read(Machine *m, unsigned reg, unsigned size)
{
    outl(m, 0xCF8, 0x80000000u | DEVFN << 8 | (reg & 0xFC));
    uint16_t port = (uint16_t)(0xCFC + (reg & 3));
    return size == 4 ? inl(m, port) : size == 2 ? inw(m, port) : inb(m, port);
}

static void cfg_write(Machine *m, unsigned reg, uint32_t v, unsigned size)
{
    outl(m, 0xCF8, 0x80000000u | DEVFN << 8 | (reg & 0xFC));
    uint16_t port = (uint16_t)(0xCFC + (reg & 3));
    if (size == 4) {
        outl(m, port, v);
    } else if (size == 2) {
        outw(m, port, (uint16_t)v);
    } else {
        outb(m, port, (uint8_t)v);
    }
}

/* What SeaBIOS's piix4_pm_setup does (src/fw/pciinit.c), plus the command register's I/O
 * enable that its generic device setup sets. */
static void seabios_setup(Machine *m)
{
    cfg_write(m, PCI_INTERRUPT_LINE, 9, 1);
    cfg_write(m, 0x40, PMBASE | 1, 4);
    cfg_write(m, 0x80, 0x01, 1);
    cfg_write(m, 0x90, SMBBASE | 1, 4);
    cfg_write(m, 0xD2, 0x09, 1);
    cfg_write(m, PCI_COMMAND, PCI_CMD_IO, 2);
}

static void run_to(Machine *m, int64_t t)
{
    machine_run_until(m, t);
}

static void test_config(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    T_EQ(t, cfg_read(m, 0x00, 4), 0x71138086u);
    T_EQ(t, cfg_read(m, 0x08, 4), 0x06800003u); /* class 068000, revision 03h */
    T_EQ(t, cfg_read(m, PCI_HEADER_TYPE, 1), 0x00);
    T_EQ(t, cfg_read(m, PCI_STATUS, 2), 0x0280);
    T_EQ(t, cfg_read(m, PCI_COMMAND, 2), 0x0000);
    T_EQ(t, cfg_read(m, PCI_INTERRUPT_PIN, 1), 0x01);
    T_EQ(t, cfg_read(m, 0x40, 4), 0x00000001u); /* PMBA: I/O indicator */
    T_EQ(t, cfg_read(m, 0x80, 1), 0x00);        /* PMREGMISC: PM I/O off */
    T_EQ(t, cfg_read(m, 0x90, 4), 0x00000001u); /* SMBBA */
    T_EQ(t, cfg_read(m, 0xD2, 1), 0x00);        /* SMBHSTCFG */
    /* smi-handler on: APMC_EN (DEVACTB bit 25) reads as set, "SMM already initialised". */
    T_EQ(t, cfg_read(m, 0x58, 4), 0x02000000u);

    /* Write masks. */
    cfg_write(m, 0x00, 0xFFFFFFFFu, 4);
    T_EQ(t, cfg_read(m, 0x00, 4), 0x71138086u);
    cfg_write(m, 0x08, 0xFFFFFFFFu, 4);
    T_EQ(t, cfg_read(m, 0x08, 4), 0x06800003u);
    cfg_write(m, 0x40, 0xFFFFFFFFu, 4);
    T_EQ(t, cfg_read(m, 0x40, 4), 0x0000FFC1u); /* 64-byte block: bits 15:6 */
    cfg_write(m, 0x90, 0xFFFFFFFFu, 4);
    T_EQ(t, cfg_read(m, 0x90, 4), 0x0000FFF1u); /* 16-byte block: bits 15:4 */
    cfg_write(m, 0x80, 0xFF, 1);
    T_EQ(t, cfg_read(m, 0x80, 1), 0x01);
    cfg_write(m, 0x80, 0x00, 1);
    cfg_write(m, 0xD2, 0xFF, 1);
    T_EQ(t, cfg_read(m, 0xD2, 1), 0x0F);
    cfg_write(m, 0xD2, 0x00, 1);
    cfg_write(m, PCI_COMMAND, 0xFFFF, 2);
    T_EQ(t, cfg_read(m, PCI_COMMAND, 2), 0x0001);
    cfg_write(m, PCI_INTERRUPT_PIN, 0x04, 1);
    T_EQ(t, cfg_read(m, PCI_INTERRUPT_PIN, 1), 0x01);
    cfg_write(m, PCI_INTERRUPT_LINE, 9, 1);
    T_EQ(t, cfg_read(m, PCI_INTERRUPT_LINE, 1), 9);
    cfg_write(m, 0x5C, 0x12345678u, 4); /* DEVRESA: stored */
    T_EQ(t, cfg_read(m, 0x5C, 4), 0x12345678u);
    machine_free(m);

    /* smi-handler off: DEVACTB resets to 0 as the data sheet has it. */
    rig_init(t, &r, false);
    T_EQ(t, cfg_read(r.m, 0x58, 4), 0x00000000u);
    machine_free(r.m);
}

static void test_pmba_mapping(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    T_CHECK(t, !iobus_claimed(m->io, PMBASE));
    cfg_write(m, 0x40, PMBASE | 1, 4);
    T_CHECK(t, !iobus_claimed(m->io, PMBASE)); /* PMIOSE still off */
    T_EQ(t, inl(m, PMBASE + 8), 0xFFFFFFFFu);
    cfg_write(m, 0x80, 0x01, 1);
    T_CHECK(t, iobus_claimed(m->io, PMBASE));
    T_CHECK(t, iobus_claimed(m->io, PMBASE + 0x3F));
    T_CHECK(t, !iobus_claimed(m->io, PMBASE + 0x40));
    T_EQ(t, inw(m, PMBASE + 4), 0x0000);
    /* Moving the block while enabled. */
    cfg_write(m, 0x40, 0xC001, 4);
    T_CHECK(t, !iobus_claimed(m->io, PMBASE));
    T_CHECK(t, iobus_claimed(m->io, 0xC000));
    cfg_write(m, 0x80, 0x00, 1);
    T_CHECK(t, !iobus_claimed(m->io, 0xC000));
    /* SMBus: needs SMB_HST_EN and the command register's I/O enable. */
    cfg_write(m, 0x90, SMBBASE | 1, 4);
    cfg_write(m, 0xD2, 0x09, 1);
    T_CHECK(t, !iobus_claimed(m->io, SMBBASE));
    cfg_write(m, PCI_COMMAND, PCI_CMD_IO, 2);
    T_CHECK(t, iobus_claimed(m->io, SMBBASE));
    T_CHECK(t, iobus_claimed(m->io, SMBBASE + 0xF));
    cfg_write(m, 0xD2, 0x08, 1);
    T_CHECK(t, !iobus_claimed(m->io, SMBBASE));
    /* APMC/APMS and the GPE0 block are always there. */
    T_CHECK(t, iobus_claimed(m->io, 0xB2) && iobus_claimed(m->io, 0xB3));
    T_CHECK(t, iobus_claimed(m->io, 0xAFE0) && iobus_claimed(m->io, 0xAFE3));
    T_EQ(t, inl(m, 0xAFE0), 0x00000000u);
    machine_free(m);
}

static void test_timer(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    T_EQ(t, inl(m, PMBASE + 8), 0);
    run_to(m, 1000); /* 1 us: 3.579545 counts */
    T_EQ(t, inl(m, PMBASE + 8), 3);
    run_to(m, NS_PER_SEC);
    T_EQ(t, inl(m, PMBASE + 8), 3579545u);
    /* Two 16-bit reads at the same instant give the same count. */
    T_EQ(t, inw(m, PMBASE + 8) | (uint32_t)inw(m, PMBASE + 10) << 16, 3579545u);
    /* Just below and at the wrap of the 24-bit counter. */
    run_to(m, T_BIT23_2 - 1);
    T_EQ(t, inl(m, PMBASE + 8), 0xFFFFFFu);
    run_to(m, T_BIT23_2);
    T_EQ(t, inl(m, PMBASE + 8), 0);
    run_to(m, 5 * NS_PER_SEC); /* 17897725 counts - 2^24 */
    T_EQ(t, inl(m, PMBASE + 8), 1120509u);
    T_EQ(t, inb(m, PMBASE + 11), 0); /* bits 31:24 read 0 */
    /* Read-only: a write changes nothing. */
    outl(m, PMBASE + 8, 0);
    T_EQ(t, inl(m, PMBASE + 8), 1120509u);
    /* Nothing enabled: no SCI, and no event is kept armed for the timer. */
    T_EQ(t, r.sci.rises, 0);
    T_EQ(t, clock_event_pending(clock_event_find(m->clock, "pm.tmrof")), false);
    machine_free(m);
}

static void test_tmrof_sci(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    outb(m, 0xB2, 0xF1); /* ACPI mode: SCI_EN */
    T_EQ(t, inw(m, PMBASE + 4) & 1, 1);
    outw(m, PMBASE + 2, 0x0001); /* TMROF_EN */
    T_EQ(t, inw(m, PMBASE + 2), 0x0001);
    T_CHECK(t, clock_event_pending(clock_event_find(m->clock, "pm.tmrof")));
    run_to(m, T_BIT23_1 - 1);
    T_EQ(t, inw(m, PMBASE) & 1, 0);
    T_EQ(t, r.sci.rises, 0);
    run_to(m, T_BIT23_1);
    T_EQ(t, r.sci.rises, 1);
    T_EQ(t, r.sci.edge_time[0], T_BIT23_1);
    T_EQ(t, inw(m, PMBASE) & 1, 1);
    T_EQ(t, inl(m, PMBASE + 8), 0x800000u);
    /* Writing 0 clears nothing; writing 1 clears the bit and drops the SCI. */
    outw(m, PMBASE, 0x0000);
    T_EQ(t, inw(m, PMBASE) & 1, 1);
    T_CHECK(t, r.sci.level);
    outw(m, PMBASE, 0x0001);
    T_EQ(t, inw(m, PMBASE) & 1, 0);
    T_CHECK(t, !r.sci.level);
    /* The next change of bit 23 (1 -> 0, the wrap). */
    run_to(m, T_BIT23_2 - 1);
    T_CHECK(t, !r.sci.level);
    run_to(m, T_BIT23_2);
    T_EQ(t, r.sci.rises, 2);
    T_EQ(t, r.sci.edge_time[2], T_BIT23_2);
    outw(m, PMBASE, 0x0001);
    /* Disabled: the status still latches the change, but no SCI until enabled. */
    outw(m, PMBASE + 2, 0x0000);
    T_CHECK(t, !clock_event_pending(clock_event_find(m->clock, "pm.tmrof")));
    run_to(m, T_BIT23_3 + MS);
    T_CHECK(t, !r.sci.level);
    T_EQ(t, inw(m, PMBASE) & 1, 1);
    outw(m, PMBASE + 2, 0x0001);
    T_CHECK(t, r.sci.level);
    /* SCI_EN off (ACPI disable, F0h): status and enable stay, the SCI drops. */
    outb(m, 0xB2, 0xF0);
    T_EQ(t, inw(m, PMBASE + 4) & 1, 0);
    T_CHECK(t, !r.sci.level);
    T_EQ(t, inw(m, PMBASE) & 1, 1);
    outb(m, 0xB2, 0xF1);
    T_CHECK(t, r.sci.level);
    outw(m, PMBASE, 0xFFFF);
    T_CHECK(t, !r.sci.level);
    T_EQ(t, inw(m, PMBASE), 0x0000);
    machine_free(m);
}

static void test_status_and_enables(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    /* PMEN keeps only RTC_EN, PWRBTN_EN, GBL_EN, TMROF_EN. */
    outw(m, PMBASE + 2, 0xFFFF);
    T_EQ(t, inw(m, PMBASE + 2), 0x0521);
    outw(m, PMBASE + 2, 0x0020); /* GBL_EN only */
    /* PMCNTRL: SUS_EN (13) and GBL_RLS (2) are write-only. */
    outw(m, PMBASE + 4, 0x1C06);
    T_EQ(t, inw(m, PMBASE + 4), 0x1C02);
    /* GBL_RLS sets BIOS_STS (GLBSTS bit 0). */
    T_EQ(t, inw(m, PMBASE + 0x18) & 1, 1);
    outw(m, PMBASE + 0x18, 0x0001);
    T_EQ(t, inw(m, PMBASE + 0x18) & 1, 0);
    outw(m, PMBASE + 4, 0x0000);
    /* BIOS_RLS (GLBCTL bit 1) sets GBL_STS (PMSTS bit 5): an SCI with GBL_EN and SCI_EN. */
    outl(m, PMBASE + 0x28, 0x00000002);
    T_EQ(t, inl(m, PMBASE + 0x28) & 2, 0); /* write-only */
    T_EQ(t, inw(m, PMBASE) & 0x20, 0x20);
    T_CHECK(t, !r.sci.level); /* SCI_EN is off */
    outb(m, 0xB2, 0xF1);
    T_CHECK(t, r.sci.level);
    /* GLBSTS PM1_STS (bit 6) summarises PMSTS. */
    T_EQ(t, inw(m, PMBASE + 0x18) & 0x40, 0x40);
    outw(m, PMBASE, 0x0020);
    T_CHECK(t, !r.sci.level);
    T_EQ(t, inw(m, PMBASE + 0x18) & 0x40, 0);
    /* Stored registers keep their writable bits. */
    outw(m, PMBASE + 0x0E, 0xFFFF);
    T_EQ(t, inw(m, PMBASE + 0x0E), 0x0F01);
    outw(m, PMBASE + 0x0E, 0);
    outl(m, PMBASE + 0x10, 0xFFFFFFFFu);
    T_EQ(t, inl(m, PMBASE + 0x10), 0x00023E1Eu);
    outw(m, PMBASE + 0x20, 0xFFFF);
    T_EQ(t, inw(m, PMBASE + 0x20), 0x8D1F);
    outl(m, PMBASE + 0x2C, 0xFFFFFFFFu);
    T_EQ(t, inl(m, PMBASE + 0x2C), 0x0FFFFFFFu);
    T_EQ(t, inl(m, PMBASE + 0x34), 0x7FFFBFFFu); /* GPOREG reset value */
    outl(m, PMBASE + 0x34, 0x12345678u);
    T_EQ(t, inl(m, PMBASE + 0x34), 0x12345678u);
    T_EQ(t, inb(m, PMBASE + 0x14), 0); /* PLVL2 */
    /* The GPE0 block: enable is read/write, status write-1-to-clear (nothing sets it). */
    outw(m, 0xAFE2, 0x00FF);
    T_EQ(t, inw(m, 0xAFE2), 0x00FF);
    T_EQ(t, inw(m, 0xAFE0), 0x0000);
    T_CHECK(t, !r.sci.level);
    machine_free(m);
}

static void test_apm(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    outb(m, 0xB3, 0x5A); /* APMS: scratch */
    T_EQ(t, inb(m, 0xB3), 0x5A);
    outb(m, 0xB2, 0xF1);
    T_EQ(t, inb(m, 0xB2), 0xF1);
    T_EQ(t, inw(m, PMBASE + 4), 0x0001);
    T_EQ(t, inb(m, 0xB3), 0x5A);
    outb(m, 0xB2, 0x42); /* another command: no effect on SCI_EN */
    T_EQ(t, inw(m, PMBASE + 4), 0x0001);
    outb(m, 0xB2, 0xF0);
    T_EQ(t, inw(m, PMBASE + 4), 0x0000);
    /* Clearing APMC_EN: APMC writes raise no SMI, so nothing plays the handler. */
    cfg_write(m, 0x58, 0, 4);
    outb(m, 0xB2, 0xF1);
    T_EQ(t, inw(m, PMBASE + 4), 0x0000);
    T_EQ(t, inw(m, PMBASE + 0x18) & 0x20, 0x20); /* APM_STS */
    machine_free(m);

    /* smi-handler off: APMC is a plain register, APM_STS latches, SCI_EN is untouched. */
    rig_init(t, &r, false);
    m = r.m;
    seabios_setup(m);
    outb(m, 0xB2, 0xF1);
    T_EQ(t, inb(m, 0xB2), 0xF1);
    T_EQ(t, inw(m, PMBASE + 4), 0x0000);
    T_EQ(t, inw(m, PMBASE + 0x18) & 0x20, 0x20);
    outw(m, PMBASE + 0x18, 0x0020);
    T_EQ(t, inw(m, PMBASE + 0x18) & 0x20, 0);
    /* With APMC_EN set by the firmware, the SMI# is not modelled either. */
    cfg_write(m, 0x58, 0x02000000u, 4);
    outb(m, 0xB2, 0xF1);
    T_EQ(t, inw(m, PMBASE + 4), 0x0000);
    machine_free(m);
}

static void test_soft_off(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    run_to(m, MS);
    /* SUS_TYP 1 (suspend to RAM, SeaBIOS's \_S3) with SUS_EN: ignored. */
    outw(m, PMBASE + 4, 0x2000 | 1u << 10);
    T_CHECK(t, !m->powered_off);
    T_EQ(t, inw(m, PMBASE + 4), 0x0400);
    /* SUS_TYP without SUS_EN: nothing. */
    outw(m, PMBASE + 4, 0x0000);
    T_CHECK(t, !m->powered_off);
    /* \_S5: SUS_TYP 0 with SUS_EN, as SeaBIOS's APM power-off writes it (2000h). */
    outw(m, PMBASE + 4, 0x2000);
    T_CHECK(t, m->powered_off);
    T_EQ(t, machine_run_until(m, 10 * MS), MS); /* nothing runs any more */
    machine_free(m);

    /* A byte write of the high byte alone does it too. */
    rig_init(t, &r, true);
    seabios_setup(r.m);
    outb(r.m, PMBASE + 5, 0x20);
    T_CHECK(t, r.m->powered_off);
    machine_free(r.m);
}

static void test_smbus(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    T_EQ(t, inb(m, SMBBASE), 0x00);
    outb(m, SMBBASE + 4, 0xA1);  /* read from address 50h (an SPD EEPROM's) */
    outb(m, SMBBASE + 3, 0x00);
    outb(m, SMBBASE + 2, 0x48); /* START, byte data */
    T_EQ(t, inb(m, SMBBASE) & 0x01, 0x00); /* not busy */
    T_EQ(t, inb(m, SMBBASE) & 0x04, 0x04); /* DEV_ERR: nobody answered */
    T_EQ(t, inb(m, SMBBASE + 2), 0x08);    /* START reads 0 */
    T_EQ(t, inb(m, SMBBASE + 4), 0xA1);
    outb(m, SMBBASE, 0x1E);
    T_EQ(t, inb(m, SMBBASE), 0x00);
    outb(m, SMBBASE + 2, 0x02); /* KILL */
    T_EQ(t, inb(m, SMBBASE) & 0x10, 0x10);
    machine_free(m);
}

static void test_reset(TestCtx *t)
{
    Rig r;
    rig_init(t, &r, true);
    Machine *m = r.m;
    seabios_setup(m);
    outb(m, 0xB2, 0xF1);
    outw(m, PMBASE + 2, 0x0001);
    run_to(m, T_BIT23_1);
    T_CHECK(t, r.sci.level);
    run_to(m, 3 * NS_PER_SEC);
    machine_reset(m, RESET_WARM);
    T_CHECK(t, !r.sci.level);
    T_CHECK(t, !iobus_claimed(m->io, PMBASE));
    T_EQ(t, cfg_read(m, 0x40, 4), 0x00000001u);
    T_CHECK(t, !clock_event_pending(clock_event_find(m->clock, "pm.tmrof")));
    seabios_setup(m);
    T_EQ(t, inw(m, PMBASE + 2), 0x0000);
    T_EQ(t, inw(m, PMBASE + 4), 0x0000);
    T_EQ(t, inw(m, PMBASE), 0x0000);
    /* A warm reset leaves the timer running: 3 s = 10738635 counts. */
    T_EQ(t, inl(m, PMBASE + 8), 10738635u);
    machine_reset(m, RESET_COLD);
    seabios_setup(m);
    T_EQ(t, inl(m, PMBASE + 8), 0);
    run_to(m, 4 * NS_PER_SEC); /* 1 s after the cold reset */
    T_EQ(t, inl(m, PMBASE + 8), 3579545u);
    machine_free(m);
}

static void test_save_load(TestCtx *t)
{
    Rig a, b;
    rig_init(t, &a, true);
    rig_init(t, &b, true);
    seabios_setup(a.m);
    outb(a.m, 0xB2, 0xF1);
    outw(a.m, PMBASE + 2, 0x0001);
    outb(a.m, 0xB3, 0x77);
    outl(a.m, PMBASE + 0x34, 0xCAFEF00Du);
    run_to(a.m, T_BIT23_1 + 10 * MS); /* TMROF latched, SCI up */
    T_CHECK(t, a.sci.level);
    run_to(a.m, 3 * NS_PER_SEC);

    char path[] = "/tmp/amber-piix4pm-state-XXXXXX";
    int fd = mkstemp(path);
    T_CHECK(t, fd >= 0);
    close(fd);
    dt_save(t, a.m, path);
    dt_load(t, b.m, path);
    unlink(path);

    Machine *ma = a.m, *mb = b.m;
    T_EQ(t, machine_state_hash(mb), machine_state_hash(ma));
    T_EQ(t, dt_now(mb), 3 * NS_PER_SEC);
    T_CHECK(t, b.sci.level); /* post_load drives the line again */
    T_CHECK(t, iobus_claimed(mb->io, PMBASE));
    T_CHECK(t, iobus_claimed(mb->io, SMBBASE));
    T_EQ(t, inl(mb, PMBASE + 8), inl(ma, PMBASE + 8));
    T_EQ(t, inl(mb, PMBASE + 8), 10738635u);
    T_EQ(t, inw(mb, PMBASE), inw(ma, PMBASE));
    T_EQ(t, inw(mb, PMBASE) & 1, 1);
    T_EQ(t, inw(mb, PMBASE + 4), 0x0001);
    T_EQ(t, inb(mb, 0xB3), 0x77);
    T_EQ(t, inl(mb, PMBASE + 0x34), 0xCAFEF00Du);
    /* Both run on alike: clear the status, and the next change of bit 23 comes at the same time
     * in both, from the restored event. */
    outw(ma, PMBASE, 0x0001);
    outw(mb, PMBASE, 0x0001);
    probe_clear(&a.sci);
    probe_clear(&b.sci);
    run_to(ma, T_BIT23_2 + MS);
    run_to(mb, T_BIT23_2 + MS);
    T_EQ(t, a.sci.rises, 1);
    T_EQ(t, b.sci.rises, 1);
    T_EQ(t, a.sci.edge_time[0], T_BIT23_2);
    T_EQ(t, b.sci.edge_time[0], T_BIT23_2);
    T_EQ(t, inl(mb, PMBASE + 8), inl(ma, PMBASE + 8));
    T_EQ(t, machine_state_hash(mb), machine_state_hash(ma));
    machine_free(ma);
    machine_free(mb);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_config);
    T_RUN(&t, test_pmba_mapping);
    T_RUN(&t, test_timer);
    T_RUN(&t, test_tmrof_sci);
    T_RUN(&t, test_status_and_enables);
    T_RUN(&t, test_apm);
    T_RUN(&t, test_soft_off);
    T_RUN(&t, test_smbus);
    T_RUN(&t, test_reset);
    T_RUN(&t, test_save_load);
    return t_finish(&t);
}
