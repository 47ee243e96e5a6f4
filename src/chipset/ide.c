/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An ATA channel (the "IDE" interface of the PC/AT, ports 1F0h-1F7h + 3F6h) with a master and a
 * slave hard disk. Sources: ATA-2 (X3T10/0948D rev 4c) and ATA-3 (X3T10/2008D rev 7b): section 7
 * (register set: data, error/features, sector count, sector number, cylinder low/high,
 * device/head, status/command, alternate status/device control), section 8 (command
 * descriptions), section 9 (protocols: PIO data-in, PIO data-out, non-data; power-on and
 * software reset with the diagnostic signature); IDENTIFY DEVICE words per ATA-3 table 11, word
 * 93 as ATA/ATAPI-5 defines it (SeaBIOS reads it to skip probing an absent slave).
 *
 * Modelled: PIO transfers (16- and 32-bit data port), CHS and LBA28 addressing with the logical
 * geometry set by INITIALIZE DEVICE PARAMETERS, IDENTIFY DEVICE, READ/WRITE SECTORS (with and
 * without retry), READ/WRITE MULTIPLE and SET MULTIPLE MODE (blocks of 2..16 sectors), READ
 * VERIFY, SEEK, RECALIBRATE, EXECUTE DEVICE DIAGNOSTIC, SET FEATURES (accepted, DMA transfer
 * modes refused), IDLE/STANDBY/SLEEP/CHECK POWER MODE (accepted, the disk stays active), FLUSH
 * CACHE; software reset (SRST) with the reset signature; nIEN; BSY/DRDY/DSC/DRQ/ERR and the
 * IDNF/ABRT errors; the absent-slave rules (status reads 00h, commands ignored); INTRQ on the
 * selected device. Commands take guest time: the device is BSY until an event completes them.
 *
 * Not modelled: DMA (no bus master here; PIIX bus mastering belongs to the PCI function), ATAPI,
 * LBA48, seek and rotational timing (a flat per-command and per-sector delay stands in), power
 * management timers, security and SMART, 8-bit data transfers (SET FEATURES 01h).
 */
#include "chipset/ide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/endian.h"
#include "core/log.h"
#include "core/machine.h"
#include "storage/geometry.h"

/* Status register (ATA-3 7.15). */
#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DF 0x20
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01

/* Error register (ATA-3 7.11). */
#define ER_IDNF 0x10
#define ER_ABRT 0x04

/* Device control register (ATA-3 7.9). */
#define CTL_SRST 0x04
#define CTL_NIEN 0x02

/* Device/head register. */
#define SEL_LBA 0x40
#define SEL_DEV 0x10

#define IDE_MAX_MULT 16
#define IDE_BUF_SIZE (IDE_MAX_MULT * 512)

/* Guest time a command takes: a flat overhead plus a per-sector transfer time (about a
 * mid-1990s disk's 8 MB/s media rate); real seek/rotation timing is not modelled. */
#define IDE_CMD_NS (20 * 1000)
#define IDE_SECTOR_NS (60 * 1000)
#define IDE_RESET_NS (50 * 1000)

/* What a unit's event does when it fires. */
enum {
    OP_NONE = 0,
    OP_READ_BLOCK,  /* fetch the next block and raise DRQ */
    OP_WRITE_BLOCK, /* commit the block the host has written */
    OP_COMPLETE,    /* non-data command done: status as prepared, INTRQ */
    OP_IDENTIFY,
    OP_RESET_DONE,
    OP_DIAG_DONE,
};

typedef struct IdeChannel IdeChannel;

typedef struct IdeUnit {
    /* Host side. */
    IdeChannel *ch;
    Event *ev;
    BlockDev *bd;
    DiskGeometry geo;       /* default (IDENTIFY words 1/3/6) geometry */
    bool once_odd[4];

    /* Task file, as this device holds it (ATA-3 7.x). */
    uint8_t status, error, feature, nsector, sector, lcyl, hcyl, select;
    /* Logical geometry (INITIALIZE DEVICE PARAMETERS). */
    uint8_t heads, spt;
    uint8_t mult;           /* sectors per block for READ/WRITE MULTIPLE; 0 = disabled */
    bool intrq;
    /* The command in progress. */
    uint8_t cmd, op, next_status;
    uint32_t lba, remaining, block;
    uint16_t buf_pos, buf_len;
    uint8_t buf[IDE_BUF_SIZE];
} IdeUnit;

struct IdeChannel {
    uint64_t base, ctrl, irq;
    char *image[2];
    bool wp[2];

    Device *dev;
    Machine *m;
    bool once_odd[4];

    uint8_t devctl;
    IdeUnit unit[2];
};

/* One unit's fields, named "u0.status", "u1.status", ... */
#define IDE_UF(u, member, kind, count, fmt)                                                      \
    STATE_FIELD_NAMED("u" #u "." #member, IdeChannel, unit[u].member, kind, count, fmt, 1)
#define IDE_UNIT_FIELDS(u)                                                                       \
    IDE_UF(u, status, STATE_U8, 1, STATE_FMT_HEX), IDE_UF(u, error, STATE_U8, 1, STATE_FMT_HEX), \
    IDE_UF(u, feature, STATE_U8, 1, STATE_FMT_HEX),                                              \
    IDE_UF(u, nsector, STATE_U8, 1, STATE_FMT_DEC),                                              \
    IDE_UF(u, sector, STATE_U8, 1, STATE_FMT_DEC), IDE_UF(u, lcyl, STATE_U8, 1, STATE_FMT_HEX),  \
    IDE_UF(u, hcyl, STATE_U8, 1, STATE_FMT_HEX), IDE_UF(u, select, STATE_U8, 1, STATE_FMT_HEX),  \
    IDE_UF(u, heads, STATE_U8, 1, STATE_FMT_DEC), IDE_UF(u, spt, STATE_U8, 1, STATE_FMT_DEC),    \
    IDE_UF(u, mult, STATE_U8, 1, STATE_FMT_DEC), IDE_UF(u, intrq, STATE_BOOL, 1, STATE_FMT_DEC), \
    IDE_UF(u, cmd, STATE_U8, 1, STATE_FMT_HEX), IDE_UF(u, op, STATE_U8, 1, STATE_FMT_DEC),       \
    IDE_UF(u, next_status, STATE_U8, 1, STATE_FMT_HEX),                                          \
    IDE_UF(u, lba, STATE_U32, 1, STATE_FMT_DEC),                                                 \
    IDE_UF(u, remaining, STATE_U32, 1, STATE_FMT_DEC),                                           \
    IDE_UF(u, block, STATE_U32, 1, STATE_FMT_DEC),                                               \
    IDE_UF(u, buf_pos, STATE_U16, 1, STATE_FMT_DEC),                                             \
    IDE_UF(u, buf_len, STATE_U16, 1, STATE_FMT_DEC),                                             \
    IDE_UF(u, buf, STATE_BYTES, IDE_BUF_SIZE, STATE_FMT_HEX)

static const StateField ide_state[] = {
    STATE_FIELD(IdeChannel, devctl, STATE_U8, 1, STATE_FMT_HEX, 1),
    IDE_UNIT_FIELDS(0),
    IDE_UNIT_FIELDS(1),
    STATE_END,
};

static void ide_odd(IdeChannel *ch, unsigned site, const char *what)
{
    amber_log_once(&ch->m->log, LOG_IDE, &ch->once_odd[site], "%s: %s", ch->dev->id, what);
}

static unsigned ide_cur(const IdeChannel *ch)
{
    return (ch->unit[0].select & SEL_DEV) ? 1 : 0;
}

static bool ide_present(const IdeChannel *ch, unsigned u)
{
    return ch->unit[u].bd != NULL;
}

/* INTRQ is driven by the selected device only, and only while nIEN is clear (ATA-3 5.2.9). */
static void ide_update_irq(IdeChannel *ch)
{
    unsigned u = ide_cur(ch);
    bool level = ide_present(ch, u) && ch->unit[u].intrq && !(ch->devctl & CTL_NIEN);
    device_irq_set(ch->dev, 0, level);
}

static void ide_raise(IdeUnit *u)
{
    u->intrq = true;
    ide_update_irq(u->ch);
}

/* ---- Addressing ---- */

static uint64_t ide_total(const IdeUnit *u)
{
    return blockdev_sector_count(u->bd);
}

/* Cylinders of the current logical geometry (ATA-3 IDENTIFY word 54). */
static uint32_t ide_cur_cyls(const IdeUnit *u)
{
    if (!u->heads || !u->spt) {
        return 0;
    }
    uint64_t c = ide_total(u) / ((uint64_t)u->heads * u->spt);
    return (uint32_t)(c > 65535 ? 65535 : c);
}

/* The address in the task file, as an LBA; false if CHS is out of the logical geometry. */
static bool ide_get_lba(const IdeUnit *u, uint32_t *lba)
{
    if (u->select & SEL_LBA) {
        *lba = (uint32_t)(u->select & 0x0F) << 24 | (uint32_t)u->hcyl << 16 |
               (uint32_t)u->lcyl << 8 | u->sector;
        return true;
    }
    unsigned cyl = (unsigned)u->hcyl << 8 | u->lcyl;
    unsigned head = u->select & 0x0F;
    if (u->sector == 0 || u->sector > u->spt || head >= u->heads || cyl >= ide_cur_cyls(u)) {
        return false;
    }
    *lba = ((uint32_t)cyl * u->heads + head) * u->spt + (u->sector - 1u);
    return true;
}

/* Writes lba back into the task file in the addressing mode the host used. */
static void ide_set_lba(IdeUnit *u, uint32_t lba)
{
    if (u->select & SEL_LBA) {
        u->sector = (uint8_t)lba;
        u->lcyl = (uint8_t)(lba >> 8);
        u->hcyl = (uint8_t)(lba >> 16);
        u->select = (uint8_t)((u->select & 0xF0) | ((lba >> 24) & 0x0F));
        return;
    }
    if (!u->heads || !u->spt) {
        return;
    }
    uint32_t track = lba / u->spt;
    unsigned cyl = track / u->heads;
    u->sector = (uint8_t)(lba % u->spt + 1);
    u->select = (uint8_t)((u->select & 0xF0) | (track % u->heads));
    u->lcyl = (uint8_t)cyl;
    u->hcyl = (uint8_t)(cyl >> 8);
}

static bool ide_in_range(const IdeUnit *u, uint32_t lba, uint32_t count)
{
    uint64_t total = ide_total(u);
    return lba < total && count <= total - lba;
}

/* Where a transfer from lba that failed ide_in_range hits the end: the first sector past it. */
static uint32_t ide_first_bad(const IdeUnit *u, uint32_t lba)
{
    uint64_t total = ide_total(u);
    return lba < total ? (uint32_t)total : lba;
}

/* ---- Completion helpers ---- */

static void ide_set_signature(IdeUnit *u)
{
    u->nsector = 1;
    u->sector = 1;
    u->lcyl = 0;
    u->hcyl = 0;
    u->select = 0;
}

static void ide_error(IdeUnit *u, uint8_t err)
{
    u->op = OP_NONE;
    u->error = err;
    u->status = ST_DRDY | ST_DSC | ST_ERR;
    u->buf_pos = u->buf_len = 0;
    ide_raise(u);
}

/* Finishes a command after the usual delay with status DRDY|DSC and an interrupt. */
static void ide_complete_later(IdeUnit *u, int64_t ns)
{
    u->status = ST_BSY | ST_DRDY | ST_DSC;
    u->next_status = ST_DRDY | ST_DSC;
    u->op = OP_COMPLETE;
    clock_event_arm_in(u->ev, ns);
}

static void ide_abort(IdeUnit *u)
{
    ide_error(u, ER_ABRT);
}

static uint32_t ide_block_sectors(const IdeUnit *u)
{
    bool multiple = u->cmd == 0xC4 || u->cmd == 0xC5;
    uint32_t b = multiple ? u->mult : 1;
    return b < u->remaining ? b : u->remaining;
}

/* ---- IDENTIFY DEVICE (ATA-3 8.12, table 11) ---- */

static void ide_put_string(uint8_t *buf, unsigned word, unsigned words, const char *s)
{
    /* ATA strings: two characters per word, the first in the high byte, space-padded. */
    size_t len = strlen(s);
    for (unsigned i = 0; i < words * 2; i++) {
        char c = i < len ? s[i] : ' ';
        buf[word * 2 + (i ^ 1)] = (uint8_t)c;
    }
}

static void ide_identify(IdeUnit *u, unsigned index)
{
    IdeChannel *ch = u->ch;
    uint8_t *b = u->buf;
    memset(b, 0, 512);
#define W(n, v) st_le16(b + 2 * (n), (uint16_t)(v))
    uint32_t cyls = u->geo.cylinders;
    uint64_t total = ide_total(u);
    uint32_t lba28 = (uint32_t)(total > 0x0FFFFFFF ? 0x0FFFFFFF : total);
    W(0, 0x0040);                       /* fixed disk */
    W(1, cyls);
    W(3, u->geo.heads);
    W(4, 512u * u->geo.sectors);        /* obsolete: unformatted bytes per track */
    W(5, 512);                          /* obsolete: unformatted bytes per sector */
    W(6, u->geo.sectors);
    char serial[24];
    snprintf(serial, sizeof(serial), "AMB%04X%u%08X", (unsigned)ch->base & 0xFFFF, index,
             (unsigned)(total & 0xFFFFFFFF));
    ide_put_string(b, 10, 10, serial);
    W(20, 3);                           /* buffer type: dual ported, read cache */
    W(21, IDE_BUF_SIZE / 512);
    W(22, 4);                           /* ECC bytes on READ/WRITE LONG */
    ide_put_string(b, 23, 4, "1.0");
    ide_put_string(b, 27, 20, "AMBER HARDDISK");
    W(47, 0x8000 | IDE_MAX_MULT);       /* READ/WRITE MULTIPLE up to 16 sectors */
    W(48, 1);                           /* 32-bit PIO data transfers */
    W(49, 0x0200 | 0x0800);             /* LBA supported, IORDY supported; no DMA */
    W(51, 0x0200);                      /* PIO timing mode 2 */
    W(53, 0x0003);                      /* words 54-58 and 64-70 valid */
    uint32_t ccyl = ide_cur_cyls(u);
    W(54, ccyl);
    W(55, u->heads);
    W(56, u->spt);
    uint32_t ccap = ccyl * u->heads * u->spt;
    W(57, ccap & 0xFFFF);
    W(58, ccap >> 16);
    W(59, u->mult ? 0x0100 | u->mult : 0);
    W(60, lba28 & 0xFFFF);
    W(61, lba28 >> 16);
    W(64, 0x0003);                      /* PIO modes 3 and 4 */
    W(65, 120);
    W(66, 120);
    W(67, 120);                         /* minimum PIO cycle time without flow control */
    W(68, 120);                         /* with IORDY */
    W(80, 0x000E);                      /* ATA-1, ATA-2, ATA-3 */
    W(82, 0x0000);
    W(83, 0x4000 | 0x1000);             /* word valid; FLUSH CACHE supported */
    W(84, 0x4000);
    W(86, 0x1000);
    W(87, 0x4000);
    /* Word 93, hardware reset result (ATA/ATAPI-5 8.15.52): device 0 reports whether device 1
     * answered during diagnostics; device 1 reports itself. Bit 14 set, bit 15 clear. */
    if (index == 0) {
        W(93, ide_present(ch, 1) ? 0x4000 | 0x0030 | 0x0008 | 0x0002 | 0x0001
                                 : 0x4000 | 0x0040 | 0x0008 | 0x0002 | 0x0001);
    } else {
        W(93, 0x4000 | 0x0800 | 0x0200 | 0x0100);
    }
#undef W
}

/* ---- Data transfer ---- */

static void ide_start_read_block(IdeUnit *u)
{
    u->status = ST_BSY | ST_DRDY | ST_DSC;
    u->op = OP_READ_BLOCK;
    clock_event_arm_in(u->ev, IDE_CMD_NS + (int64_t)ide_block_sectors(u) * IDE_SECTOR_NS);
}

static void ide_read_block_event(IdeUnit *u)
{
    uint32_t n = ide_block_sectors(u);
    if (!ide_in_range(u, u->lba, n)) {
        /* The first sector past the end is where the error happened. */
        ide_set_lba(u, ide_first_bad(u, u->lba));
        ide_error(u, ER_IDNF);
        return;
    }
    AmberError err = { 0 };
    if (!blockdev_read(u->bd, u->lba, n, u->buf, &err)) {
        amber_log(&u->ch->m->log, LOG_IDE, "%s: %s", u->ch->dev->id, err.msg);
        ide_set_lba(u, u->lba);
        ide_error(u, 0x40); /* UNC */
        return;
    }
    u->block = n;
    u->buf_pos = 0;
    u->buf_len = (uint16_t)(n * 512);
    u->status = ST_DRDY | ST_DSC | ST_DRQ;
    ide_raise(u);
}

/* The host has taken the whole block. */
static void ide_read_block_done(IdeUnit *u)
{
    u->lba += u->block;
    u->remaining -= u->block;
    ide_set_lba(u, u->lba - 1); /* the registers hold the last sector transferred */
    u->nsector = (uint8_t)u->remaining;
    u->buf_pos = u->buf_len = 0;
    if (u->remaining) {
        ide_start_read_block(u);
    } else {
        u->status = ST_DRDY | ST_DSC;
        u->op = OP_NONE;
    }
}

static void ide_request_write_block(IdeUnit *u, bool interrupt)
{
    uint32_t n = ide_block_sectors(u);
    u->block = n;
    u->buf_pos = 0;
    u->buf_len = (uint16_t)(n * 512);
    u->status = ST_DRDY | ST_DSC | ST_DRQ;
    if (interrupt) {
        ide_raise(u);
    }
}

static void ide_write_block_event(IdeUnit *u)
{
    uint32_t n = u->block;
    if (!ide_in_range(u, u->lba, n)) {
        /* The first sector past the end is where the error happened. */
        ide_set_lba(u, ide_first_bad(u, u->lba));
        ide_error(u, ER_IDNF);
        return;
    }
    AmberError err = { 0 };
    if (!blockdev_write(u->bd, u->lba, n, u->buf, &err)) {
        amber_log(&u->ch->m->log, LOG_IDE, "%s: %s", u->ch->dev->id, err.msg);
        ide_set_lba(u, u->lba);
        ide_error(u, ER_ABRT);
        return;
    }
    u->lba += n;
    u->remaining -= n;
    ide_set_lba(u, u->lba - 1);
    u->nsector = (uint8_t)u->remaining;
    if (u->remaining) {
        ide_request_write_block(u, true);
    } else {
        u->buf_pos = u->buf_len = 0;
        u->status = ST_DRDY | ST_DSC;
        u->op = OP_NONE;
        ide_raise(u);
    }
}

/* ---- Commands (ATA-3 section 8) ---- */

static void ide_command(IdeChannel *ch, unsigned index, uint8_t cmd)
{
    IdeUnit *u = &ch->unit[index];
    amber_log(&ch->m->log, LOG_IDE, "%s: %.6f s: unit %u command %02x count %u", ch->dev->id,
              (double)clock_now(ch->m->clock) / 1e9, index, cmd, (unsigned)u->nsector);
    u->cmd = cmd;
    u->error = 0;
    u->intrq = false;
    ide_update_irq(ch);
    clock_event_cancel(u->ev);
    u->buf_pos = u->buf_len = 0;
    uint32_t lba;
    switch (cmd) {
    case 0x20: case 0x21: /* READ SECTORS (with / without retry) */
    case 0xC4:            /* READ MULTIPLE */
    case 0x30: case 0x31: /* WRITE SECTORS */
    case 0xC5: {          /* WRITE MULTIPLE */
        bool multiple = cmd == 0xC4 || cmd == 0xC5;
        if (multiple && u->mult == 0) {
            ide_abort(u); /* multiple mode not enabled (ATA-3 8.17) */
            return;
        }
        u->remaining = u->nsector ? u->nsector : 256;
        if (!ide_get_lba(u, &lba)) {
            ide_error(u, ER_IDNF);
            return;
        }
        u->lba = lba;
        if (cmd == 0x30 || cmd == 0x31 || cmd == 0xC5) {
            ide_request_write_block(u, false); /* the first block needs no interrupt */
        } else {
            ide_start_read_block(u);
        }
        return;
    }
    case 0x40: case 0x41: { /* READ VERIFY SECTORS */
        uint32_t count = u->nsector ? u->nsector : 256;
        if (!ide_get_lba(u, &lba)) {
            ide_error(u, ER_IDNF);
            return;
        }
        if (!ide_in_range(u, lba, count)) {
            uint32_t bad = ide_first_bad(u, lba);
            ide_set_lba(u, bad);
            u->nsector = (uint8_t)(count - (bad - lba));
            ide_error(u, ER_IDNF);
            return;
        }
        ide_set_lba(u, lba + count - 1);
        u->nsector = 0;
        ide_complete_later(u, IDE_CMD_NS + (int64_t)count * IDE_SECTOR_NS / 4);
        return;
    }
    case 0x70: /* SEEK */
        if (!ide_get_lba(u, &lba) || !ide_in_range(u, lba, 1)) {
            ide_error(u, ER_IDNF);
            return;
        }
        ide_complete_later(u, IDE_CMD_NS);
        return;
    case 0x91: /* INITIALIZE DEVICE PARAMETERS */
        u->heads = (uint8_t)((u->select & 0x0F) + 1);
        u->spt = u->nsector;
        ide_complete_later(u, IDE_CMD_NS);
        return;
    case 0xC6: { /* SET MULTIPLE MODE: 0 disables; otherwise a power of two up to 16 */
        unsigned n = u->nsector;
        if (n > IDE_MAX_MULT || (n & (n - 1)) != 0) {
            ide_abort(u);
            return;
        }
        u->mult = (uint8_t)n;
        ide_complete_later(u, IDE_CMD_NS);
        return;
    }
    case 0xEC: /* IDENTIFY DEVICE */
        u->status = ST_BSY | ST_DRDY | ST_DSC;
        u->op = OP_IDENTIFY;
        clock_event_arm_in(u->ev, IDE_CMD_NS);
        return;
    case 0xEF: /* SET FEATURES */
        if (u->feature == 0x03 && u->nsector >= 0x10) {
            ide_abort(u); /* a DMA transfer mode: this device has none */
            return;
        }
        ide_complete_later(u, IDE_CMD_NS);
        return;
    case 0xE5: case 0x98: /* CHECK POWER MODE: always active */
        u->nsector = 0xFF;
        ide_complete_later(u, IDE_CMD_NS);
        return;
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: /* STANDBY/IDLE (IMMEDIATE) */
    case 0x94: case 0x95: case 0x96: case 0x97: /* the same, ATA-1 opcodes */
    case 0xE6: case 0x99:                       /* SLEEP */
    case 0xE7:                                  /* FLUSH CACHE */
        ide_complete_later(u, IDE_CMD_NS);
        return;
    default:
        break;
    }
    if (cmd >= 0x10 && cmd <= 0x1F) { /* RECALIBRATE */
        ide_complete_later(u, IDE_CMD_NS);
        return;
    }
    /* IDENTIFY PACKET DEVICE, PACKET, DEVICE RESET and anything unknown: aborted. */
    if (cmd != 0xA1 && cmd != 0xA0 && cmd != 0x08) {
        ide_odd(ch, 0, "unsupported ATA command aborted");
        amber_log(&ch->m->log, LOG_IDE, "%s: command %02Xh aborted", ch->dev->id, cmd);
    }
    ide_abort(u);
}

static void ide_unit_event(void *opaque, int64_t now)
{
    IdeUnit *u = opaque;
    uint8_t op = u->op;
    u->op = OP_NONE;
    switch (op) {
    case OP_READ_BLOCK:
        ide_read_block_event(u);
        break;
    case OP_WRITE_BLOCK:
        ide_write_block_event(u);
        break;
    case OP_COMPLETE:
        u->status = u->next_status;
        ide_raise(u);
        break;
    case OP_IDENTIFY: {
        unsigned index = (unsigned)(u - u->ch->unit);
        ide_identify(u, index);
        u->buf_pos = 0;
        u->buf_len = 512;
        u->remaining = 0;
        u->block = 0;
        u->status = ST_DRDY | ST_DSC | ST_DRQ;
        ide_raise(u);
        break;
    }
    case OP_RESET_DONE:
    case OP_DIAG_DONE:
        ide_set_signature(u);
        u->error = 0x01; /* diagnostics passed (ATA-3 9.x: device 0 reports for both) */
        u->status = ST_DRDY | ST_DSC;
        if (op == OP_DIAG_DONE && u == &u->ch->unit[0]) {
            ide_raise(u);
        } else if (op == OP_DIAG_DONE && !ide_present(u->ch, 0)) {
            ide_raise(u);
        }
        ide_update_irq(u->ch);
        break;
    default:
        break;
    }
}

/* ---- Data port ---- */

static uint16_t ide_data_read16(IdeChannel *ch)
{
    IdeUnit *u = &ch->unit[ide_cur(ch)];
    if (!ide_present(ch, ide_cur(ch)) || !(u->status & ST_DRQ) || u->buf_pos >= u->buf_len ||
        (u->cmd == 0x30 || u->cmd == 0x31 || u->cmd == 0xC5)) {
        ide_odd(ch, 1, "data port read with no data to give");
        return 0xFFFF;
    }
    uint16_t v = ld_le16(u->buf + u->buf_pos);
    u->buf_pos = (uint16_t)(u->buf_pos + 2);
    if (u->buf_pos >= u->buf_len) {
        if (u->cmd == 0xEC) {
            u->status = ST_DRDY | ST_DSC;
            u->buf_pos = u->buf_len = 0;
        } else {
            ide_read_block_done(u);
        }
    }
    return v;
}

static void ide_data_write16(IdeChannel *ch, uint16_t v)
{
    IdeUnit *u = &ch->unit[ide_cur(ch)];
    if (!ide_present(ch, ide_cur(ch)) || !(u->status & ST_DRQ) || u->buf_pos >= u->buf_len ||
        !(u->cmd == 0x30 || u->cmd == 0x31 || u->cmd == 0xC5)) {
        ide_odd(ch, 2, "data port write with no data expected");
        return;
    }
    st_le16(u->buf + u->buf_pos, v);
    u->buf_pos = (uint16_t)(u->buf_pos + 2);
    if (u->buf_pos >= u->buf_len) {
        u->status = ST_BSY | ST_DRDY | ST_DSC;
        u->op = OP_WRITE_BLOCK;
        clock_event_arm_in(u->ev, IDE_CMD_NS + (int64_t)u->block * IDE_SECTOR_NS);
    }
}

/* ---- Registers ---- */

static uint8_t ide_status_of(const IdeChannel *ch)
{
    unsigned cur = ide_cur(ch);
    if (!ide_present(ch, cur)) {
        return 0x00; /* absent device 1 behind device 0: status reads 00h (ATA-3 9.x) */
    }
    return ch->unit[cur].status;
}

static uint8_t ide_reg_read(IdeChannel *ch, unsigned reg)
{
    if (!ide_present(ch, 0) && !ide_present(ch, 1)) {
        return 0xFF; /* nothing on the cable: the bus floats */
    }
    IdeUnit *u = &ch->unit[ide_cur(ch)];
    switch (reg) {
    case 1: return u->error;
    case 2: return u->nsector;
    case 3: return u->sector;
    case 4: return u->lcyl;
    case 5: return u->hcyl;
    case 6: return u->select | 0xA0; /* bits 7 and 5 read as one on most drives */
    case 7:
        if (ide_present(ch, ide_cur(ch)) && u->intrq) {
            u->intrq = false; /* reading status acknowledges the interrupt */
            ide_update_irq(ch);
        }
        return ide_status_of(ch);
    default:
        return 0xFF;
    }
}

static void ide_reg_write(IdeChannel *ch, unsigned reg, uint8_t v)
{
    if (reg == 7) {
        unsigned cur = ide_cur(ch);
        if (v == 0x90) {
            /* EXECUTE DEVICE DIAGNOSTIC runs on both devices whichever is selected. */
            for (unsigned i = 0; i < 2; i++) {
                IdeUnit *u = &ch->unit[i];
                if (!ide_present(ch, i)) {
                    continue;
                }
                u->cmd = v;
                u->intrq = false;
                u->status = ST_BSY;
                u->op = OP_DIAG_DONE;
                clock_event_arm_in(u->ev, IDE_RESET_NS);
            }
            ide_update_irq(ch);
            return;
        }
        if (!ide_present(ch, cur)) {
            return; /* commands to an absent device are ignored */
        }
        if (ch->unit[cur].status & ST_BSY) {
            ide_odd(ch, 3, "command written while BSY ignored");
            return;
        }
        ide_command(ch, cur, v);
        return;
    }
    /* The host writes the command block to both devices (ATA-3 5.2). */
    for (unsigned i = 0; i < 2; i++) {
        IdeUnit *u = &ch->unit[i];
        switch (reg) {
        case 1: u->feature = v; break;
        case 2: u->nsector = v; break;
        case 3: u->sector = v; break;
        case 4: u->lcyl = v; break;
        case 5: u->hcyl = v; break;
        case 6: u->select = v & 0x5F; break;
        default: break;
        }
    }
    if (reg == 6) {
        ide_update_irq(ch); /* INTRQ follows the newly selected device */
    }
}

static uint32_t ide_io_read(void *opaque, uint16_t port, unsigned size)
{
    IdeChannel *ch = opaque;
    unsigned reg = (uint16_t)(port - ch->base);
    if (reg == 0) {
        if (size == 4) {
            uint32_t lo = ide_data_read16(ch);
            return lo | (uint32_t)ide_data_read16(ch) << 16;
        }
        uint16_t v = ide_data_read16(ch);
        if (size == 1) {
            ide_odd(ch, 1, "8-bit read of the data port");
            return v & 0xFF;
        }
        return v;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)(reg + i <= 7 ? ide_reg_read(ch, reg + i) : 0xFF) << (8 * i);
    }
    return v;
}

static void ide_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    IdeChannel *ch = opaque;
    unsigned reg = (uint16_t)(port - ch->base);
    if (reg == 0) {
        ide_data_write16(ch, (uint16_t)value);
        if (size == 4) {
            ide_data_write16(ch, (uint16_t)(value >> 16));
        } else if (size == 1) {
            ide_odd(ch, 2, "8-bit write of the data port");
        }
        return;
    }
    for (unsigned i = 0; i < size && reg + i <= 7; i++) {
        ide_reg_write(ch, reg + i, (uint8_t)(value >> (8 * i)));
    }
}

static void ide_soft_reset_assert(IdeChannel *ch)
{
    for (unsigned i = 0; i < 2; i++) {
        IdeUnit *u = &ch->unit[i];
        clock_event_cancel(u->ev);
        u->op = OP_NONE;
        u->intrq = false;
        u->buf_pos = u->buf_len = 0;
        u->remaining = 0;
        u->status = ST_BSY;
    }
    ide_update_irq(ch);
}

static void ide_soft_reset_release(IdeChannel *ch)
{
    for (unsigned i = 0; i < 2; i++) {
        IdeUnit *u = &ch->unit[i];
        if (ide_present(ch, i)) {
            u->op = OP_RESET_DONE;
            clock_event_arm_in(u->ev, IDE_RESET_NS);
        }
    }
}

static uint32_t ide_ctrl_read(void *opaque, uint16_t port, unsigned size)
{
    IdeChannel *ch = opaque;
    if (!ide_present(ch, 0) && !ide_present(ch, 1)) {
        return 0xFF;
    }
    return ide_status_of(ch); /* alternate status: no interrupt acknowledge */
}

static void ide_ctrl_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    IdeChannel *ch = opaque;
    uint8_t old = ch->devctl;
    ch->devctl = (uint8_t)value & (CTL_SRST | CTL_NIEN);
    if (!(old & CTL_SRST) && (value & CTL_SRST)) {
        ide_soft_reset_assert(ch);
    } else if ((old & CTL_SRST) && !(value & CTL_SRST)) {
        ide_soft_reset_release(ch);
    }
    ide_update_irq(ch);
}

static const IoOps ide_io_ops = {
    .read = ide_io_read,
    .write = ide_io_write,
    .sizes = 1 | 2 | 4,
};

static const IoOps ide_ctrl_ops = {
    .read = ide_ctrl_read,
    .write = ide_ctrl_write,
    .sizes = 1,
};

/* ---- Host API and life cycle ---- */

bool ide_attach(Device *dev, unsigned unit, BlockDev *bd, AmberError *err)
{
    IdeChannel *ch = dev->s;
    if (unit > 1) {
        return amber_error(err, "%s: no unit %u (0 = master, 1 = slave)", dev->id, unit);
    }
    if (ch->unit[unit].bd) {
        return amber_error(err, "%s: %s: unit %u already has a disk", dev->id, blockdev_name(bd),
                           unit);
    }
    IdeUnit *u = &ch->unit[unit];
    if (!geometry_disk_detect(bd, &u->geo, err)) {
        return false;
    }
    /* IDENTIFY reports a geometry a CHS-only BIOS can use: at most 16 heads and 63 sectors. An
     * MBR written under a translating BIOS (255 heads) gives way to the ATA default. */
    if (u->geo.heads > 16 || u->geo.sectors > 63) {
        geometry_disk_from_mbr(blockdev_sector_count(bd), NULL, &u->geo);
    }
    u->bd = bd;
    return true;
}

BlockDev *ide_media(Device *dev, unsigned unit)
{
    IdeChannel *ch = dev->s;
    return unit < 2 ? ch->unit[unit].bd : NULL;
}

static void ide_unrealize(Device *dev)
{
    IdeChannel *ch = dev->s;
    for (unsigned i = 0; i < 2; i++) {
        blockdev_close(ch->unit[i].bd);
        ch->unit[i].bd = NULL;
    }
}

static bool ide_realize(Device *dev, AmberError *err)
{
    IdeChannel *ch = dev->s;
    Machine *m = dev->machine;
    ch->dev = dev;
    ch->m = m;
    char name[96];
    for (unsigned i = 0; i < 2; i++) {
        ch->unit[i].ch = ch;
        snprintf(name, sizeof(name), "%s.unit%u", dev->id, i);
        ch->unit[i].ev = clock_event_new(m->clock, name, ide_unit_event, &ch->unit[i], err);
        if (!ch->unit[i].ev) {
            return false;
        }
    }
    if (!iobus_register(m->io, dev->id, (uint16_t)ch->base, 8, &ide_io_ops, ch, err) ||
        !iobus_register(m->io, dev->id, (uint16_t)ch->ctrl, 1, &ide_ctrl_ops, ch, err)) {
        return false;
    }
    for (unsigned i = 0; i < 2; i++) {
        if (!ch->image[i]) {
            continue;
        }
        BlockOpenOptions o = { .write_protect = ch->wp[i] };
        BlockDev *bd = blockdev_open(ch->image[i], &o, err);
        if (!bd || !ide_attach(dev, i, bd, err)) {
            blockdev_close(bd);
            ide_unrealize(dev);
            return false;
        }
    }
    return true;
}

static void ide_reset(Device *dev, ResetKind kind)
{
    IdeChannel *ch = dev->s;
    /* Power-on or hardware reset (RESET-): signature, diagnostics passed, default geometry,
     * multiple mode off (ATA-3 9.1). */
    ch->devctl = 0;
    for (unsigned i = 0; i < 2; i++) {
        IdeUnit *u = &ch->unit[i];
        clock_event_cancel(u->ev);
        u->op = OP_NONE;
        u->intrq = false;
        u->buf_pos = u->buf_len = 0;
        u->remaining = 0;
        u->feature = 0;
        ide_set_signature(u);
        u->error = 0x01;
        u->status = ide_present(ch, i) ? ST_DRDY | ST_DSC : 0;
        u->heads = u->geo.heads;
        u->spt = u->geo.sectors;
        u->mult = 0;
    }
    ide_update_irq(ch);
}

static bool ide_post_load(Device *dev, AmberError *err)
{
    IdeChannel *ch = dev->s;
    for (unsigned i = 0; i < 2; i++) {
        IdeUnit *u = &ch->unit[i];
        /* block is the sector count of the buffer's transfer: the write event hands that many
         * sectors of buf to the block layer. */
        if (u->buf_len > IDE_BUF_SIZE || u->buf_pos > u->buf_len || u->mult > IDE_MAX_MULT ||
            u->block > IDE_MAX_MULT) {
            return amber_error(err, "%s: inconsistent IDE state for unit %u", dev->id, i);
        }
    }
    return true;
}

static const PropDef ide_props[] = {
    { "base", PROP_UINT, offsetof(IdeChannel, base), 0, 0xFFF8, "0x1F0", NULL,
      "command block I/O base (0x1F0 primary, 0x170 secondary)" },
    { "ctrl", PROP_UINT, offsetof(IdeChannel, ctrl), 0, 0xFFFF, "0x3F6", NULL,
      "device control / alternate status port (0x3F6, 0x376)" },
    { "irq", PROP_UINT, offsetof(IdeChannel, irq), 0, 15, "14", NULL, "ISA IRQ (board wiring)" },
    { "master", PROP_PATH, offsetof(IdeChannel, image[0]), 0, 0, NULL, NULL,
      "raw disk image of the master" },
    { "slave", PROP_PATH, offsetof(IdeChannel, image[1]), 0, 0, NULL, NULL,
      "raw disk image of the slave" },
    { "master_wp", PROP_BOOL, offsetof(IdeChannel, wp[0]), 0, 0, "false", NULL,
      "refuse guest writes to the master" },
    { "slave_wp", PROP_BOOL, offsetof(IdeChannel, wp[1]), 0, 0, "false", NULL,
      "refuse guest writes to the slave" },
    PROP_END,
};

const DeviceClass ide_class = {
    .type = "ide",
    .desc = "ATA (IDE) channel with master and slave hard disks",
    .state_size = sizeof(IdeChannel),
    .state_version = 1,
    .state = ide_state,
    .props = ide_props,
    .n_irq_out = 1,
    .realize = ide_realize,
    .unrealize = ide_unrealize,
    .reset = ide_reset,
    .post_load = ide_post_load,
};
