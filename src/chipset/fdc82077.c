/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82077AA CHMOS single-chip floppy disk controller, in PC-AT mode (IDENT high).
 * Source: Intel 82077AA datasheet (order 290166, 1994): section 2 (register set: DOR, MSR, DSR,
 * FIFO, DIR, CCR; TDR), section 4 (command/execution/result phases), section 5 (command set,
 * ST0-ST3, table "C, H, R, N after command termination"), section 3 (reset and polling).
 *
 * Modelled: the register set at base+0..5 and base+7 (base+6 belongs to the IDE channel);
 * DOR and DSR software resets followed by the drive-polling interrupt (four SENSE INTERRUPTs
 * returning ST0 = C0h..C3h); SPECIFY (step rate, non-DMA mode), RECALIBRATE (79 steps, then
 * equipment check), SEEK and RELATIVE SEEK (overlapped, per-drive busy bits in MSR), SENSE
 * INTERRUPT, SENSE DRIVE STATUS, READ ID, READ DATA / READ DELETED DATA / READ TRACK / VERIFY,
 * WRITE DATA / WRITE DELETED DATA (multi-sector, multi-track, implied seek, terminal count from
 * the 8237 or end of cylinder), FORMAT TRACK, VERSION, CONFIGURE, DUMPREG, LOCK, PERPENDICULAR
 * MODE; DMA (channel through machine->isa_dma) and non-DMA (byte requests on INT) transfers;
 * data-rate selection (DSR/CCR) checked against the medium's density and the drive type;
 * drive types 360K/720K/1.2M/1.44M/2.88M with disk-change lines (DIR bit 7), cleared by a step
 * pulse with a medium present. Guest time: steps take the SPECIFY step rate, sectors pass
 * under the head at the drive's rotation speed (the angular position follows guest time), a
 * missing sector costs two index pulses.
 *
 * Not modelled: FM recording (MFM=0 finds no address marks), deleted data address marks (media
 * hold normal data only), sector sizes other than 512 bytes (N must be 2), SCAN commands
 * (invalid), the FIFO threshold and overrun/underrun timing (DMA is served whenever the 8237
 * runs), motor spin-up and head-load times, double stepping of 40-track media in 80-track
 * drives (the cylinder is the head position), the power-down mode, PS/2 status registers A/B
 * (PC-AT mode floats them).
 */
#include "chipset/fdc82077.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/isadma.h"
#include "core/log.h"
#include "core/machine.h"
#include "storage/geometry.h"

/* Register offsets from base (datasheet 2.0). */
enum { REG_SRA = 0, REG_SRB = 1, REG_DOR = 2, REG_TDR = 3, REG_MSR_DSR = 4, REG_FIFO = 5,
       REG_DIR_CCR = 7 };

/* DOR bits (2.1.2). */
#define DOR_SEL 0x03
#define DOR_NRESET 0x04
#define DOR_DMAGATE 0x08 /* PC-AT mode: gates INT and DRQ */

/* MSR bits (2.1.4). */
#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_NDMA 0x20
#define MSR_CB 0x10

/* DSR bits (2.1.5). */
#define DSR_SWRESET 0x80
#define DSR_PWRDOWN 0x40

/* Status register bits (5.x, tables of ST0..ST3). */
#define ST0_IC_ABNORMAL 0x40
#define ST0_IC_INVALID 0x80
#define ST0_IC_POLL 0xC0
#define ST0_SE 0x20
#define ST0_EC 0x10
#define ST1_EN 0x80
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01
#define ST2_CM 0x40
#define ST2_WC 0x10
#define ST2_BC 0x02
#define ST3_WP 0x40
#define ST3_RDY 0x20
#define ST3_T0 0x10
#define ST3_TS 0x08

/* CONFIGURE byte 2 (5.2.x): 0 EIS EFIFO POLL FIFOTHR[3:0]. EFIFO=1 disables the FIFO. */
#define CFG_EIS 0x40
#define CFG_EFIFO 0x20
#define CFG_POLL 0x10

enum { PH_COMMAND = 0, PH_EXEC, PH_RESULT };

/* What the exec event does when it fires. */
enum {
    OP_NONE = 0,
    OP_RESET_POLL, /* drive polling after reset: four "ready changed" interrupts */
    OP_SECTOR,     /* a sector passed the head: read it into the buffer, or commit a write */
    OP_FINISH,     /* enter the result phase with the stored status */
    OP_SEEK_DONE,  /* implied seek finished: start the transfer */
    OP_READID,
    OP_FORMAT,     /* the formatted track has passed the head */
    OP_WRITE_START,
};

/* Transfer kinds. */
enum { XK_READ = 0, XK_WRITE, XK_VERIFY, XK_READ_TRACK, XK_FORMAT, XK_READ_DELETED };

#define FDC_BUF_SIZE 1024

typedef struct Fdc82077 {
    /* Props. */
    uint64_t base, irq, dma;
    int drive_type[FDC_MAX_DRIVES];
    char *image[FDC_MAX_DRIVES];
    bool wp[FDC_MAX_DRIVES];
    bool rate_check; /* compare the selected data rate with the medium's (real drives do) */
    bool implied_seek; /* CONFIGURE EIS set from reset (Bochs emulator behaviour) */

    /* Host side, not saved: media belong to the user's session, not to the guest state. */
    Device *dev;
    Machine *m;
    Event *ev_exec;
    Event *ev_seek[FDC_MAX_DRIVES];
    BlockDev *media[FDC_MAX_DRIVES];
    FloppyGeometry geo[FDC_MAX_DRIVES];
    bool dma_registered;
    bool log_once_odd[8];

    /* Registers. */
    uint8_t dor, tdr, dsr, rate; /* rate: DSR/CCR bits 1:0 */
    uint8_t spec1, spec2;        /* SPECIFY bytes: SRT|HUT, HLT|ND */
    uint8_t config, pretrk, perp;
    bool lock;

    /* Command/result phases. */
    uint8_t phase;
    uint8_t cmd[10], cmd_len, cmd_pos;
    uint8_t res[10], res_len, res_pos;
    bool result_int; /* INT from a result phase, cleared by reading the result */
    bool seek_int;   /* INT from seek/recalibrate/polling, cleared by SENSE INTERRUPT */

    /* Drives. */
    uint8_t pcn[FDC_MAX_DRIVES];      /* present cylinder number, as the FDC counts it */
    uint8_t track[FDC_MAX_DRIVES];    /* where the drive's head physically is */
    bool dskchg[FDC_MAX_DRIVES];
    bool seeking[FDC_MAX_DRIVES];
    uint8_t seek_st0[FDC_MAX_DRIVES]; /* ST0 to report when the seek completes */
    uint8_t seek_dest[FDC_MAX_DRIVES];
    bool int_pending[FDC_MAX_DRIVES]; /* a SENSE INTERRUPT result waits for this drive */
    uint8_t int_st0[FDC_MAX_DRIVES];

    /* Execution phase. */
    uint8_t op;
    uint8_t xkind;
    uint8_t drive, head;   /* DS and HDS of the command */
    uint8_t c, h, r, n, eot, gpl, dtl, sc, fill;
    bool mt, mfm, sk, ndma;
    uint8_t st0, st1, st2;
    bool data_req;         /* DRQ (DMA) or RQM (non-DMA) for the buffer */
    bool tc;               /* terminal count seen */
    uint16_t buf_pos, buf_len;
    uint8_t buf[FDC_BUF_SIZE];
} Fdc82077;

static const StateField fdc_state[] = {
    STATE_FIELD(Fdc82077, dor, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, tdr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, dsr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, rate, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, spec1, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, spec2, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, config, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, pretrk, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, perp, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, lock, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, phase, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, cmd, STATE_U8, 10, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, cmd_len, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, cmd_pos, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, res, STATE_U8, 10, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, res_len, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, res_pos, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, result_int, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, seek_int, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, pcn, STATE_U8, FDC_MAX_DRIVES, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, track, STATE_U8, FDC_MAX_DRIVES, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, dskchg, STATE_BOOL, FDC_MAX_DRIVES, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, seeking, STATE_BOOL, FDC_MAX_DRIVES, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, seek_st0, STATE_U8, FDC_MAX_DRIVES, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, seek_dest, STATE_U8, FDC_MAX_DRIVES, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, int_pending, STATE_BOOL, FDC_MAX_DRIVES, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, int_st0, STATE_U8, FDC_MAX_DRIVES, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, op, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, xkind, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, drive, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, head, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, c, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, h, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, r, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, n, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, eot, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, gpl, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, dtl, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, sc, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, fill, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, mt, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, mfm, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, sk, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, ndma, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, st0, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, st1, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, st2, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Fdc82077, data_req, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, tc, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, buf_pos, STATE_U16, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, buf_len, STATE_U16, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Fdc82077, buf, STATE_BYTES, FDC_BUF_SIZE, STATE_FMT_HEX, 1),
    STATE_END,
};

/* Data rates selected by DSR/CCR bits 1:0 (datasheet table "data rate select"), in kb/s. */
static const unsigned fdc_rate_kbps[4] = { 500, 300, 250, 1000 };

typedef struct FdcDriveInfo {
    unsigned max_kbps;  /* the highest density the drive reads */
    unsigned rpm;
    unsigned tracks;    /* the head stops here */
} FdcDriveInfo;

static const FdcDriveInfo fdc_drive_info[] = {
    [FDC_DRIVE_NONE] = { 0, 300, 0 },
    [FDC_DRIVE_360K] = { 250, 300, 42 },
    [FDC_DRIVE_720K] = { 250, 300, 84 },
    [FDC_DRIVE_1200K] = { 500, 360, 84 },
    [FDC_DRIVE_1440K] = { 500, 300, 84 },
    [FDC_DRIVE_2880K] = { 1000, 300, 84 },
};

static void fdc_odd(Fdc82077 *f, unsigned site, const char *what)
{
    amber_log_once(&f->m->log, LOG_FDC, &f->log_once_odd[site], "%s: %s", f->dev->id, what);
}

static size_t fdc_dma_transfer(void *opaque, unsigned chan, size_t pos, size_t len);

static void fdc_update_irq(Fdc82077 *f)
{
    bool ndma_int = f->phase == PH_EXEC && f->ndma && f->data_req;
    bool level = (f->dor & DOR_DMAGATE) && (f->dor & DOR_NRESET) &&
                 (f->result_int || f->seek_int || ndma_int);
    device_irq_set(f->dev, 0, level);
}

static void fdc_ensure_dma(Fdc82077 *f)
{
    if (!f->dma_registered && f->m->isa_dma.ops) {
        f->dma_registered = isadma_register(&f->m->isa_dma, (unsigned)f->dma, fdc_dma_transfer, f);
    }
}

static void fdc_update_dreq(Fdc82077 *f)
{
    bool level = f->phase == PH_EXEC && !f->ndma && f->data_req && (f->dor & DOR_DMAGATE);
    fdc_ensure_dma(f);
    isadma_set_dreq(&f->m->isa_dma, (unsigned)f->dma, level);
}

/* ---- Drive and medium helpers ---- */

static int64_t fdc_rotation_ns(const Fdc82077 *f, unsigned d)
{
    return 60 * NS_PER_SEC / fdc_drive_info[f->drive_type[d]].rpm;
}

static unsigned fdc_spt(const Fdc82077 *f, unsigned d)
{
    return f->media[d] ? f->geo[d].sectors : 18;
}

static int64_t fdc_sector_ns(const Fdc82077 *f, unsigned d)
{
    return fdc_rotation_ns(f, d) / fdc_spt(f, d);
}

/* Time from now until the start of sector r (1-based) passes the head. A sector that started a
 * moment ago (within an eighth of a sector, less than the gap between sectors) still counts:
 * the controller was already waiting for it. */
static int64_t fdc_latency(const Fdc82077 *f, unsigned d, unsigned r)
{
    int64_t rot = fdc_rotation_ns(f, d);
    int64_t sec = fdc_sector_ns(f, d);
    int64_t pos = clock_now(f->m->clock) % rot;
    int64_t delta = (int64_t)(r - 1) * sec - pos;
    if (delta < 0) {
        delta += rot;
    }
    if (delta > rot - sec / 8) {
        delta = 0;
    }
    return delta;
}

/* Step time from SPECIFY: (16 - SRT) ms at 500 kb/s, scaled by the data rate (table 5-x). */
static int64_t fdc_step_ns(const Fdc82077 *f)
{
    unsigned srt = f->spec1 >> 4;
    return (int64_t)(16 - srt) * 1000000 * 500 / fdc_rate_kbps[f->rate & 3];
}

/* Can the controller read the medium in drive d on the given head at the current data rate? */
static bool fdc_track_readable(const Fdc82077 *f, unsigned d, unsigned head)
{
    const FdcDriveInfo *di = &fdc_drive_info[f->drive_type[d]];
    if (f->drive_type[d] == FDC_DRIVE_NONE || !f->media[d] || !f->mfm) {
        return false;
    }
    const FloppyGeometry *g = &f->geo[d];
    unsigned want;
    switch (g->density) {
    case FLOPPY_DD: want = di->rpm == 360 ? 300 : 250; break;
    case FLOPPY_HD: want = 500; break;
    default: want = 1000; break;
    }
    if (want > di->max_kbps || (f->rate_check && fdc_rate_kbps[f->rate & 3] != want)) {
        amber_log(&f->dev->machine->log, LOG_FDC, "fdc: drive %u: data rate %u kb/s, medium wants %u",
                  d, fdc_rate_kbps[f->rate & 3], want);
        return false;
    }
    return f->track[d] < g->cylinders && head < g->heads;
}

static bool fdc_media_wp(const Fdc82077 *f, unsigned d)
{
    return f->media[d] && blockdev_write_protected(f->media[d]);
}

/* ---- Phases ---- */

static void fdc_enter_command(Fdc82077 *f)
{
    f->phase = PH_COMMAND;
    f->cmd_pos = 0;
    f->cmd_len = 0;
    f->data_req = false;
    fdc_update_dreq(f);
    fdc_update_irq(f);
}

static void fdc_result(Fdc82077 *f, const uint8_t *bytes, unsigned len, bool interrupt)
{
    Log *log = &f->dev->machine->log;
    if (amber_log_enabled(log, LOG_FDC)) {
        char text[64] = "";
        for (unsigned i = 0; i < len && i < 16; i++) {
            snprintf(text + 3 * i, sizeof text - 3 * i, " %02x", bytes[i]);
        }
        amber_log(log, LOG_FDC, "fdc: %.6f s: result%s",
                  (double)clock_now(f->m->clock) / 1e9, text);
    }
    memcpy(f->res, bytes, len);
    f->res_len = (uint8_t)len;
    f->res_pos = 0;
    f->phase = PH_RESULT;
    f->data_req = false;
    f->op = OP_NONE;
    if (interrupt) {
        f->result_int = true;
    }
    fdc_update_dreq(f);
    fdc_update_irq(f);
}

static void fdc_result7(Fdc82077 *f)
{
    uint8_t r[7] = { f->st0, f->st1, f->st2, f->c, f->h, f->r, f->n };
    fdc_result(f, r, 7, true);
}

/* Ends the execution phase after `delay` with the status in st0..st2 and C/H/R/N. */
static void fdc_finish_after(Fdc82077 *f, int64_t delay)
{
    f->data_req = false;
    fdc_update_dreq(f);
    fdc_update_irq(f);
    f->op = OP_FINISH;
    clock_event_arm_in(f->ev_exec, delay);
}

static void fdc_fail(Fdc82077 *f, uint8_t st1, uint8_t st2, int64_t delay)
{
    f->st0 = (uint8_t)(ST0_IC_ABNORMAL | f->head << 2 | f->drive);
    f->st1 |= st1;
    f->st2 |= st2;
    fdc_finish_after(f, delay);
}

/* Two index pulses: how long the controller looks for an ID before giving up. */
static int64_t fdc_two_revs(const Fdc82077 *f)
{
    return 2 * fdc_rotation_ns(f, f->drive);
}

/* ---- Reset ---- */

static void fdc_soft_reset(Fdc82077 *f)
{
    clock_event_cancel(f->ev_exec);
    for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
        clock_event_cancel(f->ev_seek[d]);
        f->seeking[d] = false;
        f->int_pending[d] = false;
        f->pcn[d] = 0;
    }
    f->op = OP_NONE;
    f->result_int = false;
    f->seek_int = false;
    f->res_len = f->res_pos = 0;
    f->tc = false;
    /* CONFIGURE defaults (5.2.x); LOCK keeps EFIFO, FIFOTHR and PRETRK. */
    if (f->lock) {
        f->config = (uint8_t)(f->config & (CFG_EFIFO | 0x0F));
    } else {
        f->config = (uint8_t)(CFG_EFIFO | (f->implied_seek ? CFG_EIS : 0));
        f->pretrk = 0;
    }
    f->perp &= 0x3C; /* a software reset clears GAP and WGATE, keeps the drive bits */
    fdc_enter_command(f);
}

/* Leaving reset: the drives are polled and a "ready changed" interrupt is raised for each. */
static void fdc_reset_release(Fdc82077 *f)
{
    fdc_soft_reset(f);
    if (!(f->config & CFG_POLL)) {
        f->op = OP_RESET_POLL;
        clock_event_arm_in(f->ev_exec, 250 * 1000);
    }
}

/* ---- Seeks ---- */

static void fdc_start_seek(Fdc82077 *f, unsigned d, unsigned head, int target, bool recal)
{
    unsigned cur = f->pcn[d];
    unsigned from = f->seeking[d] ? f->seek_dest[d] : f->track[d]; /* a seek may be re-aimed */
    unsigned steps;
    uint8_t st0 = (uint8_t)(ST0_SE | head << 2 | d);
    if (recal) {
        /* RECALIBRATE steps out until TRK0, at most 79 times (5.3.x). */
        unsigned phys = from;
        bool present = f->drive_type[d] != FDC_DRIVE_NONE;
        if (present && phys <= 79) {
            steps = phys;
            f->seek_dest[d] = 0;
        } else {
            steps = 79;
            st0 |= ST0_IC_ABNORMAL | ST0_EC;
            f->seek_dest[d] = (uint8_t)(phys >= 79 ? phys - 79 : 0);
        }
        f->pcn[d] = 0;
    } else {
        if (target < 0) {
            target = 0;
        }
        if (target > 255) {
            target = 255;
        }
        steps = (unsigned)(target > (int)cur ? target - (int)cur : (int)cur - target);
        int phys = (int)from + (target - (int)cur);
        int max = (int)fdc_drive_info[f->drive_type[d]].tracks - 1;
        if (phys < 0) {
            phys = 0;
        }
        if (max >= 0 && phys > max) {
            phys = max;
        }
        f->seek_dest[d] = (uint8_t)phys;
        f->pcn[d] = (uint8_t)target;
    }
    f->seek_st0[d] = st0;
    /* A step pulse with a disk in the drive clears the disk-change line. */
    if (steps > 0 && f->media[d]) {
        f->dskchg[d] = false;
    }
    f->seeking[d] = true;
    int64_t t = steps ? (int64_t)steps * fdc_step_ns(f) : 10 * 1000;
    clock_event_arm_in(f->ev_seek[d], t);
}

static void fdc_seek_done(Fdc82077 *f, unsigned d)
{
    f->seeking[d] = false;
    f->track[d] = f->seek_dest[d];
    f->int_pending[d] = true;
    f->int_st0[d] = f->seek_st0[d];
    f->seek_int = true;
    fdc_update_irq(f);
}

/* ---- Data transfers ---- */

static uint64_t fdc_lba(const Fdc82077 *f)
{
    const FloppyGeometry *g = &f->geo[f->drive];
    return ((uint64_t)f->track[f->drive] * g->heads + f->head) * g->sectors + (f->r - 1u);
}

/* Looks for the sector whose ID is (c, h, r, n) on the current track. On failure sets the
 * status bits the search would (ND, plus WC/BC when the cylinder differs). */
static bool fdc_find_sector(Fdc82077 *f)
{
    unsigned d = f->drive;
    if (!fdc_track_readable(f, d, f->head)) {
        f->st1 |= ST1_MA;
        return false;
    }
    const FloppyGeometry *g = &f->geo[d];
    bool r_exists = f->r >= 1 && f->r <= g->sectors && f->n == 2;
    if (f->c != f->track[d] && r_exists) {
        f->st2 |= f->c == 0xFF ? ST2_BC : ST2_WC;
        f->st1 |= ST1_ND;
        return false;
    }
    if (!r_exists || f->h != f->head) {
        f->st1 |= ST1_ND;
        return false;
    }
    return true;
}

/* Arms the event for the end of the current sector, or fails after two index pulses. */
static void fdc_next_sector(Fdc82077 *f)
{
    if (!fdc_find_sector(f)) {
        fdc_fail(f, 0, 0, fdc_two_revs(f));
        return;
    }
    f->op = OP_SECTOR;
    clock_event_arm_in(f->ev_exec, fdc_latency(f, f->drive, f->r) + fdc_sector_ns(f, f->drive));
}

/* Moves C/H/R on after a sector (datasheet table "C, H, R, N after command termination").
 * Returns true when the end of the cylinder (or of the track without MT) was passed. */
static bool fdc_advance(Fdc82077 *f)
{
    if (f->r != f->eot) {
        f->r++;
        return false;
    }
    f->r = 1;
    if (f->mt && !(f->h & 1)) {
        f->h ^= 1;
        f->head ^= 1;
        return false;
    }
    if (f->mt) {
        f->h ^= 1; /* only the reported H wraps; the head last used stays selected (ST0 HD) */
    }
    f->c++;
    return true;
}

static void fdc_request_data(Fdc82077 *f, unsigned len)
{
    f->buf_pos = 0;
    f->buf_len = (uint16_t)len;
    f->data_req = true;
    fdc_update_irq(f);
    fdc_update_dreq(f); /* last: the 8237 may transfer from inside this call */
}

/* A sector's worth of data went through the host interface. */
static void fdc_buffer_done(Fdc82077 *f)
{
    f->data_req = false;
    fdc_update_dreq(f);
    fdc_update_irq(f);
    if (f->xkind == XK_FORMAT) {
        /* The IDs are in; the track is written as it passes: one revolution from now. */
        f->op = OP_FORMAT;
        clock_event_arm_in(f->ev_exec, fdc_rotation_ns(f, f->drive));
        return;
    }
    if (f->xkind == XK_WRITE) {
        if (f->buf_pos < f->buf_len) {
            /* Terminal count mid-sector: the rest of the sector is written as zeros. */
            memset(f->buf + f->buf_pos, 0, f->buf_len - f->buf_pos);
        }
        f->op = OP_SECTOR;
        clock_event_arm_in(f->ev_exec,
                           fdc_latency(f, f->drive, f->r) + fdc_sector_ns(f, f->drive));
        return;
    }
    /* Reads: the sector is delivered. */
    uint8_t used = f->head; /* ST0 reports the head of the last sector moved */
    bool end = fdc_advance(f);
    if (f->xkind == XK_READ_DELETED && !f->sk) {
        /* The sector had a normal data mark: CM is set and the command ends after it. */
        f->st2 |= ST2_CM;
        f->st0 = (uint8_t)(used << 2 | f->drive);
        fdc_finish_after(f, 0);
        return;
    }
    if (f->tc) {
        f->st0 = (uint8_t)(used << 2 | f->drive);
        fdc_finish_after(f, 0);
    } else if (end) {
        f->st0 = (uint8_t)(ST0_IC_ABNORMAL | used << 2 | f->drive);
        f->st1 |= ST1_EN;
        fdc_finish_after(f, 0);
    } else {
        fdc_next_sector(f);
    }
}

/* Called by the 8237 while DREQ is held. Bytes the bus refuses still count as moved. */
static size_t fdc_dma_transfer(void *opaque, unsigned chan, size_t pos, size_t len)
{
    Fdc82077 *f = opaque;
    if (f->phase != PH_EXEC || !f->data_req || f->ndma || pos >= len) {
        return pos;
    }
    size_t n = (size_t)(f->buf_len - f->buf_pos);
    if (n > len - pos) {
        n = len - pos;
    }
    if (f->xkind == XK_WRITE || f->xkind == XK_FORMAT) {
        isadma_read(&f->m->isa_dma, chan, f->buf + f->buf_pos, pos, n);
    } else {
        isadma_write(&f->m->isa_dma, chan, f->buf + f->buf_pos, pos, n);
    }
    f->buf_pos = (uint16_t)(f->buf_pos + n);
    pos += n;
    if (pos >= len) {
        f->tc = true;
    }
    if (f->buf_pos >= f->buf_len || f->tc) {
        fdc_buffer_done(f);
    }
    return pos;
}

static void fdc_sector_event(Fdc82077 *f)
{
    AmberError err = { 0 };
    unsigned d = f->drive;
    if (!f->media[d]) {
        /* The disk left the drive in the middle of a command. */
        fdc_fail(f, ST1_MA, 0, fdc_two_revs(f));
        return;
    }
    if (f->xkind == XK_WRITE) {
        if (!blockdev_write(f->media[d], fdc_lba(f), 1, f->buf, &err)) {
            amber_log(&f->m->log, LOG_FDC, "%s: %s", f->dev->id, err.msg);
            fdc_fail(f, ST1_NW, 0, 0);
            return;
        }
        uint8_t used = f->head;
        bool end = fdc_advance(f);
        if (f->tc) {
            f->st0 = (uint8_t)(used << 2 | d);
            fdc_finish_after(f, 0);
        } else if (end) {
            f->st0 = (uint8_t)(ST0_IC_ABNORMAL | used << 2 | d);
            f->st1 |= ST1_EN;
            fdc_finish_after(f, 0);
        } else if (fdc_find_sector(f)) {
            fdc_request_data(f, 512);
        } else {
            fdc_fail(f, 0, 0, fdc_two_revs(f));
        }
        return;
    }
    if (!blockdev_read(f->media[d], fdc_lba(f), 1, f->buf, &err)) {
        amber_log(&f->m->log, LOG_FDC, "%s: %s", f->dev->id, err.msg);
        f->st2 |= 0x20; /* DD: data error in the data field */
        f->st1 |= 0x20; /* DE */
        fdc_fail(f, 0, 0, 0);
        return;
    }
    if (f->xkind == XK_VERIFY) {
        /* No data moves; VERIFY ends normally at EOT (EC=0) or on terminal count. */
        bool end = f->r == f->eot && (!f->mt || (f->h & 1));
        fdc_advance(f);
        if (end) {
            f->st0 = (uint8_t)(f->head << 2 | d);
            fdc_finish_after(f, 0);
        } else {
            fdc_next_sector(f);
        }
        return;
    }
    fdc_request_data(f, 512);
}

static void fdc_start_transfer(Fdc82077 *f)
{
    unsigned d = f->drive;
    f->st0 = f->st1 = f->st2 = 0;
    f->tc = false;
    if (f->xkind == XK_WRITE || f->xkind == XK_FORMAT) {
        if (!fdc_track_readable(f, d, f->head)) {
            fdc_fail(f, ST1_MA, 0, fdc_two_revs(f));
            return;
        }
        if (fdc_media_wp(f, d)) {
            /* Write protect is sampled at the start of the command (ST1 NW). */
            fdc_fail(f, ST1_NW, 0, 10 * 1000);
            return;
        }
        if (f->xkind == XK_FORMAT) {
            unsigned len = 4u * f->sc;
            if (len == 0 || len > FDC_BUF_SIZE) {
                fdc_odd(f, 0, "FORMAT TRACK with an unusable sector count");
                fdc_fail(f, ST1_ND, 0, fdc_two_revs(f));
                return;
            }
            /* The ID bytes are requested from the index pulse on. */
            fdc_request_data(f, len);
            return;
        }
        if (!fdc_find_sector(f)) {
            fdc_fail(f, 0, 0, fdc_two_revs(f));
            return;
        }
        fdc_request_data(f, 512);
        return;
    }
    if (f->xkind == XK_READ_TRACK) {
        f->r = 1;
    }
    fdc_next_sector(f);
}

/* Writes the sectors whose IDs came in through FORMAT TRACK. */
static void fdc_format_event(Fdc82077 *f)
{
    unsigned d = f->drive;
    const FloppyGeometry *g = &f->geo[d];
    uint8_t sector[512];
    memset(sector, f->fill, sizeof(sector));
    unsigned count = f->buf_pos / 4u;
    for (unsigned i = 0; i < count && f->media[d]; i++) {
        const uint8_t *id = f->buf + 4 * i;
        if (id[0] != f->track[d] || id[1] != f->head || id[2] < 1 || id[2] > g->sectors ||
            id[3] != 2 || f->n != 2) {
            fdc_odd(f, 1, "FORMAT TRACK with IDs the image format cannot hold; sector skipped");
            continue;
        }
        uint64_t lba = ((uint64_t)f->track[d] * g->heads + f->head) * g->sectors + (id[2] - 1u);
        AmberError err = { 0 };
        if (!blockdev_write(f->media[d], lba, 1, sector, &err)) {
            amber_log(&f->m->log, LOG_FDC, "%s: %s", f->dev->id, err.msg);
        }
        f->c = id[0], f->h = id[1], f->r = id[2];
    }
    if (count != g->sectors) {
        fdc_odd(f, 2, "FORMAT TRACK with a sector count other than the image's");
    }
    f->st0 = (uint8_t)(f->head << 2 | d);
    fdc_result7(f);
}

static void fdc_readid_event(Fdc82077 *f)
{
    unsigned d = f->drive;
    if (!fdc_track_readable(f, d, f->head)) {
        fdc_fail(f, ST1_MA, 0, 0);
        return;
    }
    /* The next ID field to pass the head. */
    int64_t rot = fdc_rotation_ns(f, d), sec = fdc_sector_ns(f, d);
    unsigned k = (unsigned)((clock_now(f->m->clock) % rot) / sec);
    f->st0 = (uint8_t)(f->head << 2 | d);
    f->c = f->track[d];
    f->h = f->head;
    f->r = (uint8_t)(k % fdc_spt(f, d) + 1);
    f->n = 2;
    fdc_result7(f);
}

static void fdc_exec_event(void *opaque, int64_t now)
{
    Fdc82077 *f = opaque;
    uint8_t op = f->op;
    f->op = OP_NONE;
    switch (op) {
    case OP_RESET_POLL:
        for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
            f->int_pending[d] = true;
            f->int_st0[d] = (uint8_t)(ST0_IC_POLL | d);
        }
        f->seek_int = true;
        fdc_update_irq(f);
        break;
    case OP_SECTOR:
        fdc_sector_event(f);
        break;
    case OP_FINISH:
        fdc_result7(f);
        break;
    case OP_SEEK_DONE:
        fdc_start_transfer(f);
        break;
    case OP_READID:
        fdc_readid_event(f);
        break;
    case OP_FORMAT:
        fdc_format_event(f);
        break;
    default:
        break;
    }
}

static void fdc_seek_event(void *opaque, int64_t now)
{
    /* The seek events of one FDC share the state as opaque; find which drive is due. */
    Fdc82077 *f = opaque;
    for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
        if (f->seeking[d] && !clock_event_pending(f->ev_seek[d])) {
            fdc_seek_done(f, d);
        }
    }
}

/* ---- Commands ---- */

typedef struct FdcCommand {
    uint8_t opcode;   /* low five bits for the data commands, whole byte for the others */
    uint8_t mask;     /* which bits of the first byte are the opcode */
    uint8_t len;      /* command bytes including the first */
} FdcCommand;

/* Datasheet 5.0, command set summary. */
static const FdcCommand fdc_commands[] = {
    { 0x02, 0x9F, 9 }, /* READ TRACK (MFM, SK) */
    { 0x03, 0xFF, 3 }, /* SPECIFY */
    { 0x04, 0xFF, 2 }, /* SENSE DRIVE STATUS */
    { 0x05, 0x3F, 9 }, /* WRITE DATA (MT, MFM) */
    { 0x06, 0x1F, 9 }, /* READ DATA (MT, MFM, SK) */
    { 0x07, 0xFF, 2 }, /* RECALIBRATE */
    { 0x08, 0xFF, 1 }, /* SENSE INTERRUPT STATUS */
    { 0x09, 0x3F, 9 }, /* WRITE DELETED DATA */
    { 0x0A, 0xBF, 2 }, /* READ ID (MFM) */
    { 0x0C, 0x1F, 9 }, /* READ DELETED DATA */
    { 0x0D, 0xBF, 6 }, /* FORMAT TRACK (MFM) */
    { 0x0E, 0xFF, 1 }, /* DUMPREG */
    { 0x0F, 0xFF, 3 }, /* SEEK */
    { 0x8F, 0xBF, 3 }, /* RELATIVE SEEK (DIR in bit 6) */
    { 0x10, 0xFF, 1 }, /* VERSION */
    { 0x12, 0xFF, 2 }, /* PERPENDICULAR MODE */
    { 0x13, 0xFF, 4 }, /* CONFIGURE */
    { 0x14, 0x7F, 1 }, /* LOCK (bit 7 = lock) */
    { 0x16, 0x1F, 9 }, /* VERIFY (MT, MFM, SK) */
};

static const FdcCommand *fdc_lookup(uint8_t b)
{
    for (size_t i = 0; i < sizeof(fdc_commands) / sizeof(fdc_commands[0]); i++) {
        if ((b & fdc_commands[i].mask) == fdc_commands[i].opcode) {
            return &fdc_commands[i];
        }
    }
    return NULL;
}

static void fdc_begin_data_command(Fdc82077 *f, uint8_t kind)
{
    const uint8_t *p = f->cmd;
    f->xkind = kind;
    f->mt = (p[0] & 0x80) != 0;
    f->mfm = (p[0] & 0x40) != 0;
    f->sk = (p[0] & 0x20) != 0;
    f->drive = p[1] & 3;
    f->head = (p[1] >> 2) & 1;
    f->ndma = (f->spec2 & 1) != 0;
    f->phase = PH_EXEC;
    f->st0 = f->st1 = f->st2 = 0;
    if (kind == XK_FORMAT) {
        f->n = p[2], f->sc = p[3], f->gpl = p[4], f->fill = p[5];
        f->c = f->track[f->drive], f->h = f->head, f->r = 1;
        f->mt = f->sk = false;
        fdc_start_transfer(f);
        return;
    }
    f->c = p[2], f->h = p[3], f->r = p[4], f->n = p[5];
    f->eot = p[6], f->gpl = p[7], f->dtl = p[8];
    if (kind == XK_READ_TRACK) {
        f->mt = false;
    }
    if ((f->config & CFG_EIS) && f->pcn[f->drive] != f->c) {
        /* Implied seek (CONFIGURE EIS): seek to C first, then transfer. */
        unsigned d = f->drive;
        unsigned steps = f->c > f->pcn[d] ? f->c - f->pcn[d] : f->pcn[d] - f->c;
        int phys = (int)f->track[d] + ((int)f->c - (int)f->pcn[d]);
        int max = (int)fdc_drive_info[f->drive_type[d]].tracks - 1;
        f->track[d] = (uint8_t)(phys < 0 ? 0 : (max >= 0 && phys > max ? max : phys));
        f->pcn[d] = f->c;
        if (f->media[d]) {
            f->dskchg[d] = false;
        }
        f->op = OP_SEEK_DONE;
        clock_event_arm_in(f->ev_exec, (int64_t)steps * fdc_step_ns(f));
        return;
    }
    fdc_start_transfer(f);
}

static void fdc_execute(Fdc82077 *f)
{
    const uint8_t *p = f->cmd;
    Log *log = &f->dev->machine->log;
    if (amber_log_enabled(log, LOG_FDC)) {
        char text[64] = "";
        for (unsigned i = 0; i < f->cmd_len && i < 16; i++) {
            snprintf(text + 3 * i, sizeof text - 3 * i, " %02x", p[i]);
        }
        amber_log(log, LOG_FDC, "fdc: %.6f s: command%s",
                  (double)clock_now(f->m->clock) / 1e9, text);
    }
    uint8_t op = p[0];
    unsigned d;
    switch (op & 0x1F) {
    case 0x02:
        fdc_begin_data_command(f, XK_READ_TRACK);
        return;
    case 0x05:
        fdc_begin_data_command(f, XK_WRITE);
        return;
    case 0x09:
        fdc_odd(f, 3, "WRITE DELETED DATA written as normal data");
        fdc_begin_data_command(f, XK_WRITE);
        return;
    case 0x06:
        fdc_begin_data_command(f, XK_READ);
        return;
    case 0x0C:
        fdc_begin_data_command(f, XK_READ_DELETED);
        return;
    case 0x16:
        fdc_begin_data_command(f, XK_VERIFY);
        return;
    case 0x0D:
        fdc_begin_data_command(f, XK_FORMAT);
        return;
    case 0x0A:
        f->drive = p[1] & 3;
        f->head = (p[1] >> 2) & 1;
        f->mfm = (op & 0x40) != 0;
        f->st0 = f->st1 = f->st2 = 0;
        f->phase = PH_EXEC;
        if (!fdc_track_readable(f, f->drive, f->head)) {
            f->c = f->track[f->drive], f->h = f->head, f->r = 1, f->n = 2;
            fdc_fail(f, ST1_MA, 0, fdc_two_revs(f));
        } else {
            int64_t rot = fdc_rotation_ns(f, f->drive), sec = fdc_sector_ns(f, f->drive);
            int64_t pos = clock_now(f->m->clock) % rot;
            f->op = OP_READID;
            /* Wait for the start of the next ID field, plus the field itself. */
            clock_event_arm_in(f->ev_exec, sec - pos % sec + sec / 16);
        }
        return;
    default:
        break;
    }
    switch (op) {
    case 0x03: /* SPECIFY: no result phase */
        f->spec1 = p[1];
        f->spec2 = p[2];
        fdc_enter_command(f);
        return;
    case 0x04: { /* SENSE DRIVE STATUS */
        d = p[1] & 3;
        unsigned head = (p[1] >> 2) & 1;
        uint8_t st3 = (uint8_t)(ST3_RDY | ST3_TS | head << 2 | d);
        if (f->drive_type[d] != FDC_DRIVE_NONE && f->track[d] == 0) {
            st3 |= ST3_T0;
        }
        if (fdc_media_wp(f, d)) {
            st3 |= ST3_WP;
        }
        fdc_result(f, &st3, 1, false);
        return;
    }
    case 0x07: /* RECALIBRATE */
        d = p[1] & 3;
        fdc_start_seek(f, d, 0, 0, true);
        fdc_enter_command(f);
        return;
    case 0x08: { /* SENSE INTERRUPT STATUS */
        f->seek_int = false;
        for (d = 0; d < FDC_MAX_DRIVES; d++) {
            if (f->int_pending[d]) {
                f->int_pending[d] = false;
                uint8_t r[2] = { f->int_st0[d], f->pcn[d] };
                fdc_result(f, r, 2, false);
                return;
            }
        }
        /* No interrupt pending: the command is invalid (5.3.x). */
        uint8_t r = ST0_IC_INVALID;
        fdc_result(f, &r, 1, false);
        return;
    }
    case 0x0E: { /* DUMPREG */
        uint8_t r[10] = {
            f->pcn[0], f->pcn[1], f->pcn[2], f->pcn[3], f->spec1, f->spec2,
            f->eot,
            (uint8_t)((f->lock ? 0x80 : 0) | (f->perp & 0x3F)),
            (uint8_t)(f->config & 0x7F),
            f->pretrk,
        };
        fdc_result(f, r, 10, false);
        return;
    }
    case 0x0F: /* SEEK */
    case 0x8F:
    case 0xCF: { /* RELATIVE SEEK: bit 6 = 1 steps inward (up) */
        d = p[1] & 3;
        int target = p[2];
        if (op & 0x80) {
            target = (op & 0x40) ? f->pcn[d] + p[2] : f->pcn[d] - p[2];
        }
        fdc_start_seek(f, d, (p[1] >> 2) & 1, target, false);
        fdc_enter_command(f);
        return;
    }
    case 0x10: { /* VERSION: 90h identifies the 82077AA */
        uint8_t r = 0x90;
        fdc_result(f, &r, 1, false);
        return;
    }
    case 0x12: /* PERPENDICULAR MODE: OW=1 updates the drive bits */
        if (p[1] & 0x80) {
            f->perp = (uint8_t)(p[1] & 0x3F);
        } else {
            f->perp = (uint8_t)((f->perp & 0x3C) | (p[1] & 0x03));
        }
        fdc_enter_command(f);
        return;
    case 0x13: /* CONFIGURE */
        f->config = (uint8_t)(p[2] & 0x7F);
        f->pretrk = p[3];
        fdc_enter_command(f);
        return;
    case 0x14:
    case 0x94: { /* LOCK / UNLOCK: result is LOCK in bit 4 */
        f->lock = (op & 0x80) != 0;
        uint8_t r = f->lock ? 0x10 : 0x00;
        fdc_result(f, &r, 1, false);
        return;
    }
    default:
        break;
    }
    uint8_t r = ST0_IC_INVALID;
    fdc_result(f, &r, 1, false);
}

static void fdc_fifo_write(Fdc82077 *f, uint8_t v)
{
    if (f->phase == PH_EXEC) {
        if (f->ndma && f->data_req && (f->xkind == XK_WRITE || f->xkind == XK_FORMAT)) {
            f->buf[f->buf_pos++] = v;
            if (f->buf_pos >= f->buf_len) {
                fdc_buffer_done(f);
            }
            return;
        }
        fdc_odd(f, 4, "FIFO write during the execution phase ignored");
        return;
    }
    if (f->phase == PH_RESULT) {
        fdc_odd(f, 5, "FIFO write during the result phase ignored");
        return;
    }
    if (f->cmd_pos == 0) {
        const FdcCommand *c = fdc_lookup(v);
        if (!c) {
            /* Invalid opcode: a one-byte result with ST0 = 80h, no interrupt. */
            f->cmd[0] = v;
            uint8_t r = ST0_IC_INVALID;
            fdc_result(f, &r, 1, false);
            return;
        }
        f->cmd_len = c->len;
    }
    f->cmd[f->cmd_pos++] = v;
    if (f->cmd_pos >= f->cmd_len) {
        f->cmd_pos = 0;
        /* Writing a new command clears a result interrupt still standing. */
        f->result_int = false;
        fdc_update_irq(f);
        fdc_execute(f);
    }
}

static uint8_t fdc_fifo_read(Fdc82077 *f)
{
    if (f->phase == PH_RESULT) {
        uint8_t v = f->res[f->res_pos++];
        if (f->result_int) {
            f->result_int = false;
            fdc_update_irq(f);
        }
        if (f->res_pos >= f->res_len) {
            fdc_enter_command(f);
        }
        return v;
    }
    if (f->phase == PH_EXEC && f->ndma && f->data_req &&
        !(f->xkind == XK_WRITE || f->xkind == XK_FORMAT)) {
        uint8_t v = f->buf[f->buf_pos++];
        if (f->buf_pos >= f->buf_len) {
            fdc_buffer_done(f);
        }
        return v;
    }
    fdc_odd(f, 6, "FIFO read outside the result phase");
    return 0;
}

static uint8_t fdc_msr(const Fdc82077 *f)
{
    if (!(f->dor & DOR_NRESET)) {
        return 0;
    }
    uint8_t v = 0;
    for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
        if (f->seeking[d]) {
            v |= (uint8_t)(1u << d);
        }
    }
    switch (f->phase) {
    case PH_COMMAND:
        v |= MSR_RQM;
        if (f->cmd_pos > 0) {
            v |= MSR_CB;
        }
        break;
    case PH_EXEC:
        v |= MSR_CB;
        if (f->ndma) {
            v |= MSR_NDMA;
            if (f->data_req) {
                v |= MSR_RQM;
                if (!(f->xkind == XK_WRITE || f->xkind == XK_FORMAT)) {
                    v |= MSR_DIO;
                }
            }
        }
        break;
    default:
        v |= MSR_RQM | MSR_DIO | MSR_CB;
        break;
    }
    return v;
}

static uint32_t fdc_io_read(void *opaque, uint16_t port, unsigned size)
{
    Fdc82077 *f = opaque;
    switch ((uint16_t)(port - f->base)) {
    case REG_DOR:
        return f->dor;
    case REG_TDR:
        return f->tdr & 0x03;
    case REG_MSR_DSR:
        return fdc_msr(f);
    case REG_FIFO:
        if (!(f->dor & DOR_NRESET)) {
            return 0;
        }
        return fdc_fifo_read(f);
    case REG_DIR_CCR: {
        /* PC-AT mode: bit 7 is DSKCHG of the drive selected in the DOR. Bits 6:0 are not
         * driven by the 82077AA; they read as 0 here, as on boards where nothing else drives
         * them (QEMU and Bochs agree), so "DIR & 0x80" and "DIR == 0x80" tests both work. */
        unsigned d = f->dor & DOR_SEL;
        return f->dskchg[d] ? 0x80u : 0u;
    }
    default:
        return 0xFF; /* SRA/SRB exist only in PS/2 modes */
    }
}

static void fdc_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    Fdc82077 *f = opaque;
    uint8_t v = (uint8_t)value;
    switch ((uint16_t)(port - f->base)) {
    case REG_DOR: {
        uint8_t old = f->dor;
        amber_log(&f->dev->machine->log, LOG_FDC, "fdc: DOR %02x", v);
        f->dor = v;
        if ((old & DOR_NRESET) && !(v & DOR_NRESET)) {
            fdc_soft_reset(f); /* held in reset until nRESET returns */
        } else if (!(old & DOR_NRESET) && (v & DOR_NRESET)) {
            fdc_reset_release(f);
        }
        fdc_update_irq(f);
        fdc_update_dreq(f);
        break;
    }
    case REG_TDR:
        f->tdr = v & 0x03;
        break;
    case REG_MSR_DSR:
        amber_log(&f->dev->machine->log, LOG_FDC, "fdc: DSR %02x", v);
        f->dsr = v & 0x7F;
        f->rate = v & 0x03;
        if (v & DSR_PWRDOWN) {
            fdc_odd(f, 7, "DSR power-down not modelled");
        }
        if (v & DSR_SWRESET) {
            /* Self-clearing software reset (2.1.5). */
            fdc_reset_release(f);
        }
        break;
    case REG_FIFO:
        if (f->dor & DOR_NRESET) {
            fdc_fifo_write(f, v);
        }
        break;
    case REG_DIR_CCR:
        /* CCR: data rate in bits 1:0, shared with the DSR. */
        amber_log(&f->dev->machine->log, LOG_FDC, "fdc: CCR %02x (%u kb/s)", v,
                  fdc_rate_kbps[v & 3]);
        f->rate = v & 0x03;
        f->dsr = (uint8_t)((f->dsr & ~0x03) | (v & 0x03));
        break;
    default:
        break;
    }
}

static const IoOps fdc_io_ops = {
    .read = fdc_io_read,
    .write = fdc_io_write,
    .sizes = 1,
};

/* ---- Host API ---- */

static Fdc82077 *fdc_of(Device *dev)
{
    return dev->s;
}

bool fdc82077_insert(Device *dev, unsigned drive, BlockDev *bd, AmberError *err)
{
    Fdc82077 *f = fdc_of(dev);
    if (drive >= FDC_MAX_DRIVES) {
        return amber_error(err, "%s: no drive %u", dev->id, drive);
    }
    if (f->drive_type[drive] == FDC_DRIVE_NONE) {
        return amber_error(err, "%s: %s: drive %u is not fitted (set drive%u)", dev->id,
                           blockdev_name(bd), drive, drive);
    }
    FloppyGeometry g;
    if (!geometry_floppy_detect(bd, &g, err)) {
        return false;
    }
    if (f->media[drive]) {
        fdc82077_eject(dev, drive);
    }
    f->media[drive] = bd;
    f->geo[drive] = g;
    f->dskchg[drive] = true;
    return true;
}

bool fdc82077_insert_file(Device *dev, unsigned drive, const char *path, bool write_protect,
                          AmberError *err)
{
    BlockOpenOptions o = { .write_protect = write_protect };
    BlockDev *bd = blockdev_open(path, &o, err);
    if (!bd) {
        return false;
    }
    if (!fdc82077_insert(dev, drive, bd, err)) {
        blockdev_close(bd);
        return false;
    }
    return true;
}

void fdc82077_eject(Device *dev, unsigned drive)
{
    Fdc82077 *f = fdc_of(dev);
    if (drive >= FDC_MAX_DRIVES || !f->media[drive]) {
        return;
    }
    blockdev_close(f->media[drive]);
    f->media[drive] = NULL;
    f->dskchg[drive] = true;
}

bool fdc82077_has_media(Device *dev, unsigned drive)
{
    return drive < FDC_MAX_DRIVES && fdc_of(dev)->media[drive] != NULL;
}

void fdc82077_set_write_protect(Device *dev, unsigned drive, bool on)
{
    Fdc82077 *f = fdc_of(dev);
    if (drive < FDC_MAX_DRIVES && f->media[drive]) {
        blockdev_set_write_protect(f->media[drive], on);
    }
}

BlockDev *fdc82077_media(Device *dev, unsigned drive)
{
    return drive < FDC_MAX_DRIVES ? fdc_of(dev)->media[drive] : NULL;
}

/* ---- Device life cycle ---- */

static void fdc_unrealize(Device *dev)
{
    Fdc82077 *f = fdc_of(dev);
    for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
        blockdev_close(f->media[d]);
        f->media[d] = NULL;
    }
}

static bool fdc_realize(Device *dev, AmberError *err)
{
    Fdc82077 *f = fdc_of(dev);
    Machine *m = dev->machine;
    f->dev = dev;
    f->m = m;
    char name[96];
    snprintf(name, sizeof(name), "%s.exec", dev->id);
    f->ev_exec = clock_event_new(m->clock, name, fdc_exec_event, f, err);
    if (!f->ev_exec) {
        return false;
    }
    for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
        snprintf(name, sizeof(name), "%s.seek%u", dev->id, d);
        f->ev_seek[d] = clock_event_new(m->clock, name, fdc_seek_event, f, err);
        if (!f->ev_seek[d]) {
            return false;
        }
    }
    uint16_t base = (uint16_t)f->base;
    if (!iobus_register(m->io, dev->id, base, 6, &fdc_io_ops, f, err) ||
        !iobus_register(m->io, dev->id, (uint16_t)(base + 7), 1, &fdc_io_ops, f, err)) {
        return false;
    }
    for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
        if (f->image[d] && !fdc82077_insert_file(dev, d, f->image[d], f->wp[d], err)) {
            fdc_unrealize(dev);
            return false;
        }
    }
    fdc_ensure_dma(f);
    return true;
}

static void fdc_reset(Device *dev, ResetKind kind)
{
    Fdc82077 *f = fdc_of(dev);
    /* The RESET pin: DOR = 00h holds the controller in reset until the BIOS sets nRESET. */
    f->dor = 0;
    f->tdr = 0;
    f->lock = false;
    f->config = (uint8_t)(CFG_EFIFO | (f->implied_seek ? CFG_EIS : 0));
    f->pretrk = 0;
    f->perp = 0;
    f->spec1 = f->spec2 = 0;
    f->rate = 2; /* 250 kb/s after a hardware reset */
    f->dsr = f->rate;
    fdc_soft_reset(f);
    f->phase = PH_COMMAND;
    if (kind == RESET_COLD) {
        for (unsigned d = 0; d < FDC_MAX_DRIVES; d++) {
            f->track[d] = 0;
            f->dskchg[d] = true; /* drives report a change until the first step */
        }
    }
    fdc_update_irq(f);
    fdc_update_dreq(f);
}

static bool fdc_post_load(Device *dev, AmberError *err)
{
    Fdc82077 *f = fdc_of(dev);
    /* Positions and the drive number index arrays directly: a file that breaks them is refused. */
    if (f->phase > PH_RESULT || f->res_len > sizeof(f->res) || f->cmd_len > sizeof(f->cmd) ||
        f->res_pos > f->res_len || f->res_pos >= sizeof(f->res) || f->cmd_pos > f->cmd_len ||
        f->cmd_pos >= sizeof(f->cmd) || f->drive >= FDC_MAX_DRIVES ||
        f->buf_len > FDC_BUF_SIZE || f->buf_pos > f->buf_len) {
        return amber_error(err, "%s: inconsistent floppy controller state", dev->id);
    }
    return true;
}

static const char *const fdc_drive_choices[] = { "none", "360K", "720K", "1.2M", "1.44M",
                                                 "2.88M", NULL };

#define FDC_DRIVE_PROPS(i, def)                                                                  \
    { "drive" #i, PROP_ENUM, offsetof(Fdc82077, drive_type[i]), 0, 0, def, fdc_drive_choices,   \
      "drive " #i " type" },                                                                     \
    { "image" #i, PROP_PATH, offsetof(Fdc82077, image[i]), 0, 0, NULL, NULL,                     \
      "raw floppy image in drive " #i },                                                         \
    { "wp" #i, PROP_BOOL, offsetof(Fdc82077, wp[i]), 0, 0, "false", NULL,                        \
      "write-protect the medium in drive " #i }

static const PropDef fdc_props[] = {
    { "base", PROP_UINT, offsetof(Fdc82077, base), 0, 0xFFF8, "0x3F0", NULL, "I/O base" },
    { "irq", PROP_UINT, offsetof(Fdc82077, irq), 0, 15, "6", NULL, "ISA IRQ (board wiring)" },
    { "dma", PROP_UINT, offsetof(Fdc82077, dma), 0, 3, "2", NULL, "ISA DMA channel" },
    { "rate_check", PROP_BOOL, offsetof(Fdc82077, rate_check), 0, 0, "true", NULL,
      "a medium reads only at its own data rate, as on real drives; off reads at any rate, as the "
      "Bochs emulator's FDC does (its BIOS never programs the rate)" },
    { "implied_seek", PROP_BOOL, offsetof(Fdc82077, implied_seek), 0, 0, "false", NULL,
      "start with implied seeks on (CONFIGURE EIS), as the Bochs emulator's FDC always seeks to "
      "the cylinder a READ or WRITE names (its BIOS never sends SEEK); a real 82077AA resets "
      "with EIS off" },
    FDC_DRIVE_PROPS(0, "1.44M"),
    FDC_DRIVE_PROPS(1, "none"),
    FDC_DRIVE_PROPS(2, "none"),
    FDC_DRIVE_PROPS(3, "none"),
    PROP_END,
};

const DeviceClass fdc82077_class = {
    .type = "fdc82077",
    .desc = "Intel 82077AA floppy disk controller",
    .state_size = sizeof(Fdc82077),
    .state_version = 1,
    .state = fdc_state,
    .props = fdc_props,
    .n_irq_out = 1,
    .realize = fdc_realize,
    .unrealize = fdc_unrealize,
    .reset = fdc_reset,
    .post_load = fdc_post_load,
};
