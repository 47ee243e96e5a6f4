/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371AB PIIX4 PCI ISA IDE Xcelerator, function 3: power management and SMBus host.
 * Sources: Intel 82371AB (PIIX4) data sheet 290562, ch. 7 "Power management and SMBus
 * registers" (function 3 configuration: PMBA 40h with bit 0 hardwired to 1 and a 64-byte I/O
 * block, DEVACTB 58h bit 25 APMC_EN, PMREGMISC 80h bit 0 PMIOSE, SMBBA 90h with a 16-byte block,
 * SMBHSTCFG D2h bit 0 SMB_HST_EN; PM I/O: PMSTS 00h, PMEN 02h, PMCNTRL 04h, PMTMR 08h, GPSTS 0Ch,
 * GPEN 0Eh, PCNTRL 10h, PLVL2/3 14h/15h, GLBSTS 18h, DEVSTS 1Ch, GLBEN 20h, GLBCTL 28h, DEVCTL
 * 2Ch, GPIREG 30h, GPOREG 34h; APMC B2h/APMS B3h), with the register bit masks cross-checked
 * against coreboot's southbridge/intel/i82371eb/i82371eb.h and 86Box's acpi.c; ACPI 1.0 §4.7.3
 * (PM1 events, PM timer: 3.579545 MHz, TMR_STS whenever bit 23 changes, SCI_EN routes PM events
 * to the SCI); SeaBIOS src/fw/pciinit.c, acpi.c, smm.c, hw/timer.c for what the firmware
 * programs and expects (notes/platform-bringup.md §7), and QEMU's hw/acpi/piix4.c for what the
 * "pc" machine's firmware is used to (revision 03h, APMC_EN preset without SMM).
 *
 * Modelled: the configuration space with its write masks; the PM block mapped at PMBA while
 * PMIOSE is set; PMSTS/PMEN/PMCNTRL; the PM timer computed from guest time (the count since the
 * last cold reset, never ticked), TMROF_STS latched whenever bit 23 changes (checked lazily, and
 * by one clock event armed for the next change only while TMROF_EN is set, so the SCI comes on
 * time); the SCI as a level = SCI_EN && (PMSTS & PMEN || GPSTS & GPEN || GPE0 status & enable);
 * GBL_RLS -> BIOS_STS and BIOS_RLS -> GBL_STS (the ACPI global lock handshake); soft-off (SUS_EN
 * with SUS_TYP 0) as a machine power-off; APMC/APMS with APM_STS; an emulation of the firmware's
 * SMI handler for APMC F1h/F0h (prop smi-handler, see piix4_pm.h); the SMBus host registers,
 * where every transaction ends at once with DEV_ERR (no device answers: no SPD EEPROMs).
 * Stored, not modelled: SMI# generation itself (Amber has no SMM: logged once), the other sleep
 * types (S1-S4: logged once, ignored), PCNTRL clock throttling, C2/C3 (PLVL2/3 read 0), GPSTS/
 * DEVSTS/GLBSTS event sources (nothing sets them), DEVCTL/DEVACT/DEVRES I/O traps and idle
 * timers, CNTA/CNTB/GPICTL, GPOREG outputs (no pins), GPIREG (reads 0: no inputs), the SMBus
 * interrupt and slave interface. GPOREG's reset value 7FFFBFFFh is the data sheet's as best
 * known; nothing reads its pins.
 */
#include "chipset/piix4_pm.h"

#include <stdio.h>
#include <string.h>

#include "chipset/pci.h"
#include "core/endian.h"
#include "core/machine.h"

#define PM_IO_NONE UINT32_MAX

/* Configuration registers (§7.1). */
enum {
    CFG_PMBA = 0x40,
    CFG_DEVACTB = 0x58,
    CFG_PMREGMISC = 0x80,
    CFG_SMBBA = 0x90,
    CFG_SMBHSTCFG = 0xD2,
};
#define DEVACTB_APMC_EN (1u << 25)

/* PM I/O register bits (§7.2). */
enum {
    PMSTS_TMROF = 1u << 0,
    PMSTS_GBL = 1u << 5,
    PMSTS_W1C = 0x8D31,     /* RSM, PWRBTNOR, RTC, PWRBTN, GBL, BM, TMROF */
    PMEN_TMROF = 1u << 0,
    PMEN_MASK = 0x0521,     /* RTC_EN, PWRBTN_EN, GBL_EN, TMROF_EN */
    PMCNTRL_SCI_EN = 1u << 0,
    PMCNTRL_GBL_RLS = 1u << 2,  /* write-only */
    PMCNTRL_SUS_EN = 1u << 13,  /* write-only */
    PMCNTRL_STORED = 0x1C03,    /* SUS_TYP 12:10, BRLD_EN_BM, SCI_EN */
    GPSTS_W1C = 0x0F81,
    GPEN_MASK = 0x0F01,
    PCNTRL_MASK = 0x00023E1E,
    GLBSTS_BIOS = 1u << 0,
    GLBSTS_APM = 1u << 5,
    GLBSTS_W1C = 0x0D27,
    GLBEN_BIOS_EN = 1u << 1,
    GLBEN_MASK = 0x8D1F,
    GLBCTL_SMI_EN = 1u << 0,
    GLBCTL_BIOS_RLS = 1u << 1,  /* write-only */
    GLBCTL_STORED = 0x0701FF05,
    DEVSTS_W1C = 0x3FFF0FFF,
    DEVCTL_MASK = 0x0FFFFFFF,
};

/* SMBus host registers (§7.3). */
enum {
    SMB_HSTSTS = 0x00,
    SMB_SLVSTS = 0x01,
    SMB_HSTCNT = 0x02,
    SMBSTS_DEV_ERR = 1u << 2,
    SMBSTS_FAILED = 1u << 4,
    SMBSTS_W1C = 0x1E,
    SMBCNT_KILL = 1u << 1,
    SMBCNT_START = 1u << 6, /* write-only */
};

/* The sleep type SeaBIOS's DSDT gives \_S5 (Package {0, 0, 0, 0}) and its APM power-off writes
 * (PMCNTRL = 2000h): the PIIX4's "soft off" encoding. */
#define SUS_TYP_SOFT_OFF 0

#define APM_CMD_ACPI_ENABLE 0xF1  /* SeaBIOS FADT acpi_enable (src/fw/dev-piix.h) */
#define APM_CMD_ACPI_DISABLE 0xF0 /* FADT acpi_disable */

typedef struct Piix4PmState {
    /* props */
    uint64_t slot;
    uint64_t function;
    bool smi_handler;
    uint64_t gpe0_base;

    PciFunction pci;
    uint16_t pmsts, pmen, pmcntrl;
    uint16_t gpsts, gpen;
    uint32_t pcntrl;
    uint16_t glbsts, glben;
    uint32_t devsts, glbctl, devctl;
    uint8_t gporeg[4];
    int64_t tmr_origin; /* guest time at which the PM timer read 0 */
    uint64_t tmr_seen;  /* tick count when TMROF was last checked */
    uint8_t apmc, apms;
    uint8_t smb[16];
    uint16_t gpe0_sts, gpe0_en;
    bool sci;

    /* not saved */
    Device *dev;
    Event *ev_tmrof;
    uint32_t pm_mapped;
    uint32_t smb_mapped;
    bool once_map, once_sus, once_smi, once_cstate;
} Piix4PmState;

static const StateField piix4_pm_state_fields[] = {
    STATE_FIELD_NAMED("config", Piix4PmState, pci.config, STATE_BYTES, 256, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, pmsts, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, pmen, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, pmcntrl, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, gpsts, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, gpen, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, pcntrl, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, glbsts, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, glben, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, devsts, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, glbctl, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, devctl, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, gporeg, STATE_BYTES, 4, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, tmr_origin, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Piix4PmState, tmr_seen, STATE_U64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Piix4PmState, apmc, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, apms, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, smb, STATE_BYTES, 16, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, gpe0_sts, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, gpe0_en, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Piix4PmState, sci, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef piix4_pm_props[] = {
    {"slot", PROP_UINT, offsetof(Piix4PmState, slot), 0, 31, "1", NULL, "PCI device number"},
    {"function", PROP_UINT, offsetof(Piix4PmState, function), 0, 7, "3", NULL,
     "PCI function number"},
    {"smi-handler", PROP_BOOL, offsetof(Piix4PmState, smi_handler), 0, 0, "on", NULL,
     "emulate the firmware's SMI handler (no SMM): APMC F1h/F0h set/clear SCI_EN, and APMC_EN "
     "reads as set from reset (\"SMM already initialised\")"},
    {"gpe0", PROP_UINT, offsetof(Piix4PmState, gpe0_base), 0, 0xFFFC, "0xAFE0", NULL,
     "I/O base of the 4-byte GPE0 block SeaBIOS's FADT names (QEMU's, not the PIIX4's); 0 = none"},
    PROP_END,
};

/* ---- the PM timer (§7.2 PMTMR; ACPI 1.0 §4.7.3.3) ---- */

static uint64_t pm_ticks(const Piix4PmState *s, int64_t now)
{
    int64_t d = now - s->tmr_origin;
    if (d < 0) {
        d = 0;
    }
    return (uint64_t)((unsigned __int128)d * PIIX4_PM_TIMER_HZ / (uint64_t)NS_PER_SEC);
}

/* The first guest time at which the count has reached n. */
static int64_t pm_tick_time(const Piix4PmState *s, uint64_t n)
{
    unsigned __int128 ns = ((unsigned __int128)n * (uint64_t)NS_PER_SEC + PIIX4_PM_TIMER_HZ - 1) /
                           PIIX4_PM_TIMER_HZ;
    return s->tmr_origin + (int64_t)ns;
}

static int64_t pm_now(const Piix4PmState *s)
{
    return clock_now(s->dev->machine->clock);
}

/* TMROF_STS is set whenever bit 23 changes, enabled or not; checked whenever it matters. */
static void pm_tmrof_sync(Piix4PmState *s)
{
    uint64_t now = pm_ticks(s, pm_now(s));
    if ((now >> 23) != (s->tmr_seen >> 23)) {
        s->pmsts |= PMSTS_TMROF;
    }
    s->tmr_seen = now;
}

static void pm_tmrof_arm(Piix4PmState *s)
{
    if (s->pmen & PMEN_TMROF) {
        int64_t now = pm_now(s);
        uint64_t next = ((pm_ticks(s, now) >> 23) + 1) << 23;
        int64_t when = pm_tick_time(s, next);
        clock_event_arm_at(s->ev_tmrof, when > now ? when : now + 1); /* always ahead */
    } else {
        clock_event_cancel(s->ev_tmrof);
    }
}

static void pm_update_sci(Piix4PmState *s)
{
    pm_tmrof_sync(s);
    bool level = (s->pmcntrl & PMCNTRL_SCI_EN) &&
                 ((s->pmsts & s->pmen & PMEN_MASK) || (s->gpsts & s->gpen & GPEN_MASK) ||
                  (s->gpe0_sts & s->gpe0_en));
    if (level != s->sci) {
        s->sci = level;
        device_irq_set(s->dev, PIIX4_PM_OUT_SCI, level);
    }
}

static void pm_tmrof_event(void *opaque, int64_t now)
{
    (void)now;
    Piix4PmState *s = opaque;
    pm_update_sci(s);
    pm_tmrof_arm(s);
}

/* ---- the PM I/O block ---- */

static uint8_t byte_of(uint32_t reg, unsigned i)
{
    return (uint8_t)(reg >> (8 * i));
}

static uint32_t with_byte(uint32_t reg, unsigned i, uint8_t v, uint32_t mask)
{
    uint32_t lane = 0xFFu << (8 * i);
    return ((reg & ~lane) | ((uint32_t)v << (8 * i))) & mask;
}

static uint32_t w1c_byte(uint32_t reg, unsigned i, uint8_t v, uint32_t mask)
{
    return reg & ~(((uint32_t)v << (8 * i)) & mask);
}

static void pm_sleep(Piix4PmState *s)
{
    unsigned typ = (s->pmcntrl >> 10) & 7;
    Machine *m = s->dev->machine;
    if (typ == SUS_TYP_SOFT_OFF) {
        amber_log(&m->log, LOG_PCI, "%s: soft-off (SUS_TYP %u): powering off", s->dev->id, typ);
        machine_request_power_off(m);
        return;
    }
    amber_log_once(&m->log, LOG_PCI, &s->once_sus,
                   "%s: sleep type %u requested; only soft-off (0) is modelled, ignored",
                   s->dev->id, typ);
}

static void pm_smi_not_modelled(Piix4PmState *s, const char *why)
{
    amber_log_once(&s->dev->machine->log, LOG_PCI, &s->once_smi,
                   "%s: %s would raise SMI#; Amber has no SMM, ignored", s->dev->id, why);
}

static uint8_t pm_read8(Piix4PmState *s, unsigned off)
{
    switch (off) {
    case 0x00: case 0x01:
        pm_tmrof_sync(s);
        return byte_of(s->pmsts, off & 1);
    case 0x02: case 0x03:
        return byte_of(s->pmen, off & 1);
    case 0x04: case 0x05:
        return byte_of(s->pmcntrl, off & 1);
    case 0x08: case 0x09: case 0x0A: case 0x0B:
        return byte_of((uint32_t)pm_ticks(s, pm_now(s)) & 0xFFFFFFu, off & 3);
    case 0x0C: case 0x0D:
        return byte_of(s->gpsts, off & 1);
    case 0x0E: case 0x0F:
        return byte_of(s->gpen, off & 1);
    case 0x10: case 0x11: case 0x12: case 0x13:
        return byte_of(s->pcntrl, off & 3);
    case 0x14: case 0x15:
        amber_log_once(&s->dev->machine->log, LOG_PCI, &s->once_cstate,
                       "%s: PLVL%u read: C2/C3 not modelled, the CPU stays in C0", s->dev->id,
                       off == 0x14 ? 2u : 3u);
        return 0;
    case 0x18: case 0x19: {
        /* GP_STS (7), PM1_STS (6) and DEV_STS (4) summarise the other status registers. */
        pm_tmrof_sync(s);
        uint16_t v = s->glbsts & ~0x00D0u;
        v |= s->gpsts ? 0x80 : 0;
        v |= s->pmsts ? 0x40 : 0;
        v |= s->devsts ? 0x10 : 0;
        return byte_of(v, off & 1);
    }
    case 0x1C: case 0x1D: case 0x1E: case 0x1F:
        return byte_of(s->devsts, off & 3);
    case 0x20: case 0x21:
        return byte_of(s->glben, off & 1);
    case 0x28: case 0x29: case 0x2A: case 0x2B:
        return byte_of(s->glbctl, off & 3);
    case 0x2C: case 0x2D: case 0x2E: case 0x2F:
        return byte_of(s->devctl, off & 3);
    case 0x34: case 0x35: case 0x36: case 0x37:
        return s->gporeg[off & 3];
    default:
        return 0; /* GPIREG (no inputs), reserved */
    }
}

static void pm_write8(Piix4PmState *s, unsigned off, uint8_t v)
{
    unsigned i = off & 3;
    switch (off) {
    case 0x00: case 0x01:
        pm_tmrof_sync(s); /* a change before the write is cleared by it */
        s->pmsts = (uint16_t)w1c_byte(s->pmsts, i & 1, v, PMSTS_W1C);
        pm_update_sci(s);
        break;
    case 0x02: case 0x03:
        pm_tmrof_sync(s);
        s->pmen = (uint16_t)with_byte(s->pmen, i & 1, v, PMEN_MASK);
        pm_update_sci(s);
        pm_tmrof_arm(s);
        break;
    case 0x04:
        s->pmcntrl = (uint16_t)with_byte(s->pmcntrl, 0, v, PMCNTRL_STORED);
        if (v & PMCNTRL_GBL_RLS) {
            s->glbsts |= GLBSTS_BIOS;
            if (s->glben & GLBEN_BIOS_EN) {
                pm_smi_not_modelled(s, "GBL_RLS");
            }
        }
        pm_update_sci(s);
        break;
    case 0x05:
        s->pmcntrl = (uint16_t)with_byte(s->pmcntrl, 1, v, PMCNTRL_STORED);
        if (v & (PMCNTRL_SUS_EN >> 8)) {
            pm_sleep(s);
        }
        break;
    case 0x0C: case 0x0D:
        s->gpsts = (uint16_t)w1c_byte(s->gpsts, i & 1, v, GPSTS_W1C);
        pm_update_sci(s);
        break;
    case 0x0E: case 0x0F:
        s->gpen = (uint16_t)with_byte(s->gpen, i & 1, v, GPEN_MASK);
        pm_update_sci(s);
        break;
    case 0x10: case 0x11: case 0x12: case 0x13:
        s->pcntrl = with_byte(s->pcntrl, i, v, PCNTRL_MASK);
        break;
    case 0x18: case 0x19:
        s->glbsts = (uint16_t)w1c_byte(s->glbsts, i & 1, v, GLBSTS_W1C);
        break;
    case 0x1C: case 0x1D: case 0x1E: case 0x1F:
        s->devsts = w1c_byte(s->devsts, i, v, DEVSTS_W1C);
        break;
    case 0x20: case 0x21:
        s->glben = (uint16_t)with_byte(s->glben, i & 1, v, GLBEN_MASK);
        break;
    case 0x28: case 0x29: case 0x2A: case 0x2B:
        s->glbctl = with_byte(s->glbctl, i, v, GLBCTL_STORED);
        if (off == 0x28 && (v & GLBCTL_BIOS_RLS)) {
            s->pmsts |= PMSTS_GBL; /* the firmware releases the global lock: SCI if GBL_EN */
            pm_update_sci(s);
        }
        break;
    case 0x2C: case 0x2D: case 0x2E: case 0x2F:
        s->devctl = with_byte(s->devctl, i, v, DEVCTL_MASK);
        break;
    case 0x34: case 0x35: case 0x36: case 0x37:
        s->gporeg[i] = v;
        break;
    default:
        break; /* PMTMR, PLVL2/3, GPIREG are read-only; the rest is reserved */
    }
}

static uint32_t pm_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    return pm_read8(s, (unsigned)(port - s->pm_mapped) & 0x3F);
}

static void pm_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    pm_write8(s, (unsigned)(port - s->pm_mapped) & 0x3F, (uint8_t)value);
}

static const IoOps pm_io_ops = {.read = pm_io_read, .write = pm_io_write, .sizes = 1};

/* ---- the SMBus host (§7.3): no devices on the bus ---- */

static uint32_t smb_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    return s->smb[(unsigned)(port - s->smb_mapped) & 0x0F];
}

static void smb_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    unsigned off = (unsigned)(port - s->smb_mapped) & 0x0F;
    uint8_t v = (uint8_t)value;
    switch (off) {
    case SMB_HSTSTS:
        s->smb[off] &= (uint8_t)~(v & SMBSTS_W1C);
        break;
    case SMB_SLVSTS:
        s->smb[off] &= (uint8_t)~v;
        break;
    case SMB_HSTCNT:
        s->smb[off] = v & (uint8_t)~(SMBCNT_START | SMBCNT_KILL);
        if (v & SMBCNT_KILL) {
            s->smb[SMB_HSTSTS] |= SMBSTS_FAILED;
        } else if (v & SMBCNT_START) {
            /* Nobody acknowledges the address: the transaction ends with a device error. */
            s->smb[SMB_HSTSTS] |= SMBSTS_DEV_ERR;
        }
        break;
    default:
        s->smb[off] = v;
        break;
    }
}

static const IoOps smb_io_ops = {.read = smb_io_read, .write = smb_io_write, .sizes = 1};

/* ---- APMC/APMS (B2h/B3h) and the emulated SMI handler ---- */

static uint32_t apm_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    return port == 0xB2 ? s->apmc : s->apms;
}

static void apm_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    uint8_t v = (uint8_t)value;
    if (port == 0xB3) {
        s->apms = v;
        return;
    }
    s->apmc = v;
    s->glbsts |= GLBSTS_APM;
    if (!(ld_le32(s->pci.config + CFG_DEVACTB) & DEVACTB_APMC_EN)) {
        return; /* APMC writes raise no SMI# */
    }
    if (!s->smi_handler) {
        pm_smi_not_modelled(s, "an APMC write");
        return;
    }
    /* What the firmware's SMI handler does (SeaBIOS src/fw/smm.c: F0h clears, F1h sets PMCNTRL
     * SCI_EN); it then acknowledges the SMI, so APM_STS does not stay set. */
    if (v == APM_CMD_ACPI_ENABLE) {
        s->pmcntrl |= PMCNTRL_SCI_EN;
    } else if (v == APM_CMD_ACPI_DISABLE) {
        s->pmcntrl &= (uint16_t)~PMCNTRL_SCI_EN;
    }
    s->glbsts &= (uint16_t)~GLBSTS_APM;
    pm_update_sci(s);
}

static const IoOps apm_io_ops = {.read = apm_io_read, .write = apm_io_write, .sizes = 1};

/* ---- the GPE0 block SeaBIOS's FADT names (prop gpe0): status W1C at +0, enable at +2 ---- */

static uint32_t gpe0_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    unsigned off = (unsigned)(port - s->gpe0_base) & 3;
    return byte_of(off < 2 ? s->gpe0_sts : s->gpe0_en, off & 1);
}

static void gpe0_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    Piix4PmState *s = opaque;
    unsigned off = (unsigned)(port - s->gpe0_base) & 3;
    if (off < 2) {
        s->gpe0_sts = (uint16_t)w1c_byte(s->gpe0_sts, off & 1, (uint8_t)value, 0xFFFF);
    } else {
        s->gpe0_en = (uint16_t)with_byte(s->gpe0_en, off & 1, (uint8_t)value, 0xFFFF);
    }
    pm_update_sci(s);
}

static const IoOps gpe0_io_ops = {.read = gpe0_io_read, .write = gpe0_io_write, .sizes = 1};

/* ---- configuration space ---- */

static void pm_remap(Piix4PmState *s, uint32_t *mapped, uint32_t want, uint32_t len,
                     const IoOps *ops, const char *what)
{
    if (*mapped == want) {
        return;
    }
    Machine *m = s->dev->machine;
    if (*mapped != PM_IO_NONE) {
        iobus_unregister(m->io, (uint16_t)*mapped, len);
        *mapped = PM_IO_NONE;
    }
    if (want == PM_IO_NONE) {
        return;
    }
    AmberError err = {0};
    if (iobus_register(m->io, s->dev->id, (uint16_t)want, len, ops, s, &err)) {
        *mapped = want;
    } else {
        amber_log_once(&m->log, LOG_PCI, &s->once_map, "%s: %s block at %04Xh not mapped: %s",
                       s->dev->id, what, want, err.msg);
    }
}

static void pm_update_mappings(Piix4PmState *s)
{
    const uint8_t *c = s->pci.config;
    uint32_t pm = (c[CFG_PMREGMISC] & 1) ? (ld_le32(c + CFG_PMBA) & 0xFFC0u) : PM_IO_NONE;
    uint32_t smb = ((c[CFG_SMBHSTCFG] & 1) && (c[PCI_COMMAND] & PCI_CMD_IO))
                       ? (ld_le32(c + CFG_SMBBA) & 0xFFF0u)
                       : PM_IO_NONE;
    pm_remap(s, &s->pm_mapped, pm, 64, &pm_io_ops, "PM");
    pm_remap(s, &s->smb_mapped, smb, 16, &smb_io_ops, "SMBus");
}

static void pm_config_write(void *opaque, PciFunction *f, unsigned off, unsigned size, uint32_t old)
{
    (void)f;
    (void)old;
    unsigned end = off + size;
    if ((off < PCI_COMMAND + 1 && end > PCI_COMMAND) || (off < CFG_PMBA + 4 && end > CFG_PMBA) ||
        (off <= CFG_PMREGMISC && end > CFG_PMREGMISC) || (off < CFG_SMBBA + 4 && end > CFG_SMBBA) ||
        (off <= CFG_SMBHSTCFG && end > CFG_SMBHSTCFG)) {
        pm_update_mappings(opaque);
    }
}

static void pm_config_defaults(Piix4PmState *s)
{
    PciFunction *f = &s->pci;
    /* Revision 03h: QEMU's value, and the PIIX4M stepping that Linux trusts to read the PM timer
     * in one access (drivers/clocksource/acpi_pm.c, acpi_pm_check_blacklist: revision < 3). */
    pci_function_init(f, 0x8086, 0x7113, 0x03, 0x068000, 0x00);
    pci_function_set_pin(f, 1);
    f->wmask[PCI_COMMAND] = PCI_CMD_IO; /* IOSE gates the SMBus block */
    f->wmask[PCI_COMMAND + 1] = 0;
    st_le16(f->config + PCI_STATUS, 0x0280); /* fast back-to-back, medium DEVSEL */
    st_le32(f->config + CFG_PMBA, 0x00000001);
    f->wmask[CFG_PMBA] = 0xC0;
    f->wmask[CFG_PMBA + 1] = 0xFF;
    for (unsigned a = 0x44; a < 0x80; a++) {
        f->wmask[a] = 0xFF; /* CNTA/B, GPICTL, DEVRESD, DEVACTA/B, DEVRESA-J: stored */
    }
    f->wmask[CFG_PMREGMISC] = 0x01;
    st_le32(f->config + CFG_SMBBA, 0x00000001);
    f->wmask[CFG_SMBBA] = 0xF0;
    f->wmask[CFG_SMBBA + 1] = 0xFF;
    f->wmask[CFG_SMBHSTCFG] = 0x0F;
    f->wmask[0xD3] = 0xFF; /* SMBSLVC */
    f->wmask[0xD4] = 0xFF; /* SMBSHDW1 */
    f->wmask[0xD5] = 0xFF; /* SMBSHDW2 */
    if (s->smi_handler) {
        st_le32(f->config + CFG_DEVACTB, DEVACTB_APMC_EN);
    }
    f->write_hook = pm_config_write;
    f->opaque = s;
}

static void pm_registers_reset(Piix4PmState *s)
{
    s->pmsts = s->pmen = s->pmcntrl = 0;
    s->gpsts = s->gpen = 0;
    s->pcntrl = 0;
    s->glbsts = s->glben = 0;
    s->devsts = s->glbctl = s->devctl = 0;
    st_le32(s->gporeg, 0x7FFFBFFFu);
    s->apmc = s->apms = 0;
    memset(s->smb, 0, sizeof s->smb);
    s->gpe0_sts = s->gpe0_en = 0;
}

/* ---- device ---- */

static bool piix4_pm_realize(Device *dev, AmberError *err)
{
    Piix4PmState *s = dev->s;
    Machine *m = dev->machine;
    s->dev = dev;
    s->pm_mapped = PM_IO_NONE;
    s->smb_mapped = PM_IO_NONE;
    pm_config_defaults(s);
    PciBus *bus = pci_bus_find(m);
    if (!bus) {
        return amber_error(err, "%s: needs a PCI host bridge created before it", dev->id);
    }
    if (!pci_bus_add(bus, PCI_DEVFN(s->slot, s->function), &s->pci, err)) {
        return false;
    }
    if (!iobus_register(m->io, dev->id, 0xB2, 2, &apm_io_ops, s, err)) {
        return false;
    }
    if (s->gpe0_base &&
        !iobus_register(m->io, dev->id, (uint16_t)s->gpe0_base, 4, &gpe0_io_ops, s, err)) {
        return false;
    }
    char name[128];
    snprintf(name, sizeof name, "%s.tmrof", dev->id);
    s->ev_tmrof = clock_event_new(m->clock, name, pm_tmrof_event, s, err);
    return s->ev_tmrof != NULL;
}

static void piix4_pm_reset(Device *dev, ResetKind kind)
{
    Piix4PmState *s = dev->s;
    pm_config_defaults(s);
    pm_registers_reset(s);
    if (kind == RESET_COLD) {
        /* The counter starts from 0 at power-on; a warm reset leaves it running. */
        s->tmr_origin = pm_now(s);
        s->tmr_seen = 0;
    } else {
        s->tmr_seen = pm_ticks(s, pm_now(s));
    }
    clock_event_cancel(s->ev_tmrof);
    pm_update_mappings(s);
    s->sci = false;
    device_irq_set(dev, PIIX4_PM_OUT_SCI, false);
}

static bool piix4_pm_post_load(Device *dev, AmberError *err)
{
    (void)err;
    Piix4PmState *s = dev->s;
    /* The clock section restored the TMROF event; only host-side mappings and the line level
     * are rebuilt here. */
    pm_update_mappings(s);
    device_irq_set(dev, PIIX4_PM_OUT_SCI, s->sci);
    return true;
}

const DeviceClass piix4_pm_class = {
    .type = "piix4-pm",
    .desc = "Intel 82371AB PIIX4 power management function (ACPI PM timer, SCI, SMBus)",
    .state_size = sizeof(Piix4PmState),
    .state_version = 1,
    .state = piix4_pm_state_fields,
    .props = piix4_pm_props,
    .n_irq_out = 1,
    .realize = piix4_pm_realize,
    .reset = piix4_pm_reset,
    .post_load = piix4_pm_post_load,
};
