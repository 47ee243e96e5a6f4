/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Motorola MC146818A real-time clock plus RAM, as the PC/AT's RTC/CMOS at ports 0x70/0x71.
 * Source: Motorola MC146818A data sheet: "Address map", "Time, calendar and alarm locations",
 * "Register A" (UIP, DV2-0, RS3-0), "Register B" (SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE),
 * "Register C" (IRQF, PF, AF, UF; cleared by reading), "Register D" (VRT), "Update cycle"
 * (UIP rises 244 us before the update; the first update comes 500 ms after the divider leaves
 * reset), "Periodic interrupt rates" (table 5, 32.768 kHz time base). IBM PC/AT Technical
 * Reference: port 0x70 bit 7 = NMI disable, the index is 7 bits; CMOS checksum 0x2E/0x2F.
 *
 * The time registers hold the time in the encoding register B selected (BCD or binary, 12 or 24
 * hours) and the once-a-second update increments them in that encoding, as the chip does, so a
 * guest that switches modes without rewriting the time sees what real hardware shows. The update
 * is one event per guest second; the periodic flag is computed from guest time when read, so an
 * event runs at the periodic rate only while PIE is set. Time starts from the epoch prop (or the
 * host's local time at realize with time=host) and then advances with guest time only.
 *
 * Modelled: registers A-D, SET inhibiting updates, divider reset (DV = 11x) and the 500 ms
 * first update, UIP for the 244 us before each update, update-ended, alarm (with don't-care
 * values >= 0xC0) and periodic interrupts on IRQ 8, leap years (years divisible by 4), 12-hour
 * mode with the PM bit. Not modelled: daylight saving (DSE is stored but ignored), the square
 * wave output, time bases other than 32.768 kHz, the century byte (0x32 is plain RAM, as on the
 * chip), the registers' unavailability during the update itself (an update is instantaneous).
 */
#include "chipset/rtc_cmos.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/machine.h"

enum {
    REG_A = 0x0A,
    REG_B = 0x0B,
    REG_C = 0x0C,
    REG_D = 0x0D,
    A_UIP = 0x80,
    B_SET = 0x80,
    B_PIE = 0x40,
    B_AIE = 0x20,
    B_UIE = 0x10,
    B_SQWE = 0x08,
    B_DM_BINARY = 0x04,
    B_24H = 0x02,
    C_IRQF = 0x80,
    C_PF = 0x40,
    C_AF = 0x20,
    C_UF = 0x10,
};

#define RTC_UIP_NS INT64_C(244000)
#define RTC_HALF_SEC (NS_PER_SEC / 2)

static const char *const rtc_time_choices[] = {"fixed", "host", NULL};

typedef struct RtcState {
    uint64_t base;
    int time_mode; /* 0 fixed, 1 host */
    char *epoch;

    uint8_t cmos[128];
    uint8_t index;     /* as written, bit 7 = NMI disable */
    int64_t div_start; /* guest time of divider phase 0 (updates at div_start + k s) */
    int64_t next_update;
    int64_t pf_since; /* periodic ticks after this time set PF */
    bool irq;

    Device *dev;
    Event *ev_update;
    Event *ev_periodic;
} RtcState;

static const StateField rtc_state_fields[] = {
    STATE_FIELD(RtcState, cmos, STATE_BYTES, 128, STATE_FMT_HEX, 1),
    STATE_FIELD(RtcState, index, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(RtcState, div_start, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(RtcState, next_update, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(RtcState, pf_since, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(RtcState, irq, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef rtc_props[] = {
    {"base", PROP_UINT, offsetof(RtcState, base), 0, 0xFFFE, "0x70", NULL, "I/O base"},
    {"time", PROP_ENUM, offsetof(RtcState, time_mode), 0, 0, "fixed", rtc_time_choices,
     "start from the fixed epoch or from the host's local time"},
    {"epoch", PROP_STRING, offsetof(RtcState, epoch), 0, 0, "2000-01-01T00:00:00", NULL,
     "guest time at power-on with time=fixed (YYYY-MM-DDTHH:MM:SS)"},
    PROP_END,
};

static bool rtc_bcd(const RtcState *s)
{
    return !(s->cmos[REG_B] & B_DM_BINARY);
}

static unsigned rtc_dec(const RtcState *s, uint8_t v)
{
    return rtc_bcd(s) ? (unsigned)(v >> 4) * 10 + (v & 0x0F) : v;
}

static uint8_t rtc_enc(const RtcState *s, unsigned v)
{
    return rtc_bcd(s) ? (uint8_t)((v / 10) << 4 | v % 10) : (uint8_t)v;
}

static unsigned rtc_get_hour24(const RtcState *s)
{
    uint8_t h = s->cmos[4];
    if (s->cmos[REG_B] & B_24H) {
        return rtc_dec(s, h);
    }
    unsigned h12 = rtc_dec(s, h & 0x7F) % 12;
    return h12 + ((h & 0x80) ? 12 : 0);
}

static void rtc_set_hour24(RtcState *s, unsigned h)
{
    if (s->cmos[REG_B] & B_24H) {
        s->cmos[4] = rtc_enc(s, h);
    } else {
        unsigned h12 = h % 12 ? h % 12 : 12;
        s->cmos[4] = (uint8_t)(rtc_enc(s, h12) | (h >= 12 ? 0x80 : 0));
    }
}

static unsigned rtc_days_in_month(unsigned month, unsigned year)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) {
        return 31;
    }
    if (month == 2 && year % 4 == 0) {
        return 29;
    }
    return days[month - 1];
}

/* The once-a-second increment, carried through minutes .. years in the current encoding. */
static void rtc_tick_second(RtcState *s)
{
    unsigned sec = rtc_dec(s, s->cmos[0]) + 1;
    if (sec < 60) {
        s->cmos[0] = rtc_enc(s, sec);
        return;
    }
    s->cmos[0] = rtc_enc(s, 0);
    unsigned min = rtc_dec(s, s->cmos[2]) + 1;
    if (min < 60) {
        s->cmos[2] = rtc_enc(s, min);
        return;
    }
    s->cmos[2] = rtc_enc(s, 0);
    unsigned hour = rtc_get_hour24(s) + 1;
    if (hour < 24) {
        rtc_set_hour24(s, hour);
        return;
    }
    rtc_set_hour24(s, 0);
    unsigned dow = rtc_dec(s, s->cmos[6]) + 1;
    s->cmos[6] = rtc_enc(s, dow > 7 ? 1 : dow);
    unsigned year = rtc_dec(s, s->cmos[9]);
    unsigned month = rtc_dec(s, s->cmos[8]);
    unsigned day = rtc_dec(s, s->cmos[7]) + 1;
    if (day <= rtc_days_in_month(month, year)) {
        s->cmos[7] = rtc_enc(s, day);
        return;
    }
    s->cmos[7] = rtc_enc(s, 1);
    if (++month <= 12) {
        s->cmos[8] = rtc_enc(s, month);
        return;
    }
    s->cmos[8] = rtc_enc(s, 1);
    s->cmos[9] = rtc_enc(s, (year + 1) % 100);
}

static bool rtc_divider_running(const RtcState *s)
{
    return ((s->cmos[REG_A] >> 4) & 7) == 2;
}

/* Periodic interrupt period in 32.768 kHz cycles (data sheet table 5), 0 = off. */
static uint32_t rtc_periodic_cycles(const RtcState *s)
{
    unsigned rs = s->cmos[REG_A] & 0x0F;
    if (rs == 0) {
        return 0;
    }
    if (rs <= 2) {
        return 1u << (rs + 6);
    }
    return 1u << (rs - 1);
}

/* Number of 32.768 kHz cycles from the divider's phase 0 to t. */
static int64_t rtc_cycles_at(const RtcState *s, int64_t t)
{
    int64_t d = t - s->div_start;
    if (d < 0) {
        return -1;
    }
    return (int64_t)((unsigned __int128)d * 32768u / NS_PER_SEC);
}

static int64_t rtc_cycle_time(const RtcState *s, int64_t c)
{
    return s->div_start + (int64_t)(((unsigned __int128)c * NS_PER_SEC + 32767u) / 32768u);
}

/* PF: a periodic tick came after pf_since, up to now. */
static bool rtc_pf_pending(const RtcState *s, int64_t now)
{
    uint32_t per = rtc_periodic_cycles(s);
    if (!per || !rtc_divider_running(s)) {
        return false;
    }
    int64_t a = rtc_cycles_at(s, s->pf_since);
    int64_t b = rtc_cycles_at(s, now);
    if (b < 0) {
        return false;
    }
    return (a < 0 ? -1 : a / per) < b / per;
}

static int64_t rtc_now(const RtcState *s)
{
    return clock_now(s->dev->machine->clock);
}

static void rtc_update_irq(RtcState *s)
{
    uint8_t c = s->cmos[REG_C] & (C_PF | C_AF | C_UF);
    if (rtc_pf_pending(s, rtc_now(s))) {
        c |= C_PF;
    }
    bool irq = (c & s->cmos[REG_B] & (B_PIE | B_AIE | B_UIE)) != 0;
    if (irq) {
        s->cmos[REG_C] |= C_IRQF;
    }
    if (irq != s->irq) {
        s->irq = irq;
        device_irq_set(s->dev, 0, irq);
    }
}

static void rtc_arm_periodic(RtcState *s)
{
    uint32_t per = rtc_periodic_cycles(s);
    clock_event_cancel(s->ev_periodic);
    if (!per || !rtc_divider_running(s) || !(s->cmos[REG_B] & B_PIE)) {
        return;
    }
    int64_t c = rtc_cycles_at(s, rtc_now(s));
    int64_t next = (c < 0 ? 0 : c / per + 1) * per;
    clock_event_arm_at(s->ev_periodic, rtc_cycle_time(s, next));
}

static void rtc_periodic_event(void *opaque, int64_t now)
{
    (void)now;
    RtcState *s = opaque;
    s->cmos[REG_C] |= C_PF;
    rtc_update_irq(s);
    rtc_arm_periodic(s);
}

static void rtc_arm_update(RtcState *s)
{
    clock_event_cancel(s->ev_update);
    if (!rtc_divider_running(s)) {
        return;
    }
    int64_t now = rtc_now(s);
    int64_t k = now < s->div_start ? 1 : (now - s->div_start) / NS_PER_SEC + 1;
    s->next_update = s->div_start + k * NS_PER_SEC;
    clock_event_arm_at(s->ev_update, s->next_update);
}

static bool rtc_alarm_field(uint8_t alarm, uint8_t value)
{
    return alarm >= 0xC0 || alarm == value;
}

static void rtc_update_event(void *opaque, int64_t now)
{
    (void)now;
    RtcState *s = opaque;
    if (!(s->cmos[REG_B] & B_SET)) {
        rtc_tick_second(s);
        s->cmos[REG_C] |= C_UF;
        if (rtc_alarm_field(s->cmos[1], s->cmos[0]) && rtc_alarm_field(s->cmos[3], s->cmos[2]) &&
            rtc_alarm_field(s->cmos[5], s->cmos[4])) {
            s->cmos[REG_C] |= C_AF;
        }
        rtc_update_irq(s);
    }
    rtc_arm_update(s);
}

static uint8_t rtc_read_reg(RtcState *s, unsigned idx)
{
    int64_t now = rtc_now(s);
    switch (idx) {
    case REG_A: {
        uint8_t v = s->cmos[REG_A] & 0x7F;
        if (rtc_divider_running(s) && !(s->cmos[REG_B] & B_SET) &&
            now >= s->next_update - RTC_UIP_NS) {
            v |= A_UIP;
        }
        return v;
    }
    case REG_C: {
        rtc_update_irq(s);
        uint8_t v = s->cmos[REG_C];
        if (rtc_pf_pending(s, now)) {
            v |= C_PF;
        }
        s->cmos[REG_C] = 0;
        s->pf_since = now;
        rtc_update_irq(s);
        return v;
    }
    case REG_D:
        return 0x80; /* VRT: the battery is fine */
    default:
        return s->cmos[idx];
    }
}

static void rtc_write_reg(RtcState *s, unsigned idx, uint8_t v)
{
    int64_t now = rtc_now(s);
    switch (idx) {
    case REG_A: {
        bool was_running = rtc_divider_running(s);
        /* Fold PF ticks seen so far at the old rate before the rate changes. */
        if (rtc_pf_pending(s, now)) {
            s->cmos[REG_C] |= C_PF;
        }
        s->pf_since = now;
        s->cmos[REG_A] = v & 0x7F;
        if (rtc_divider_running(s) && !was_running) {
            /* Leaving divider reset: the first update comes 500 ms later. */
            s->div_start = now - RTC_HALF_SEC;
        }
        rtc_arm_update(s);
        rtc_arm_periodic(s);
        rtc_update_irq(s);
        break;
    }
    case REG_B:
        s->cmos[REG_B] = v;
        rtc_arm_periodic(s);
        rtc_update_irq(s);
        break;
    case REG_C:
    case REG_D:
        break; /* read-only */
    default:
        s->cmos[idx] = v;
        break;
    }
}

static uint32_t rtc_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    RtcState *s = ((Device *)opaque)->s;
    if (port == s->base) {
        return 0xFF; /* the index register is write-only */
    }
    return rtc_read_reg(s, s->index & 0x7F);
}

static void rtc_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    RtcState *s = ((Device *)opaque)->s;
    if (port == s->base) {
        s->index = (uint8_t)value;
        return;
    }
    rtc_write_reg(s, s->index & 0x7F, (uint8_t)value);
}

static const IoOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .sizes = 1,
};

void rtc_cmos_set_byte(Device *dev, unsigned index, uint8_t v)
{
    RtcState *s = dev->s;
    if (index < 128) {
        rtc_write_reg(s, index, v);
    }
}

uint8_t rtc_cmos_get_byte(Device *dev, unsigned index)
{
    RtcState *s = dev->s;
    return index < 128 ? s->cmos[index] : 0xFF;
}

void rtc_cmos_fix_checksum(Device *dev)
{
    RtcState *s = dev->s;
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++) {
        sum += s->cmos[i];
    }
    s->cmos[0x2E] = (uint8_t)(sum >> 8);
    s->cmos[0x2F] = (uint8_t)sum;
}

bool rtc_cmos_nmi_masked(Device *dev)
{
    return (((RtcState *)dev->s)->index & 0x80) != 0;
}

/* Day of the week, 1 = Sunday (the PC convention for CMOS 0x06). */
static unsigned rtc_weekday(unsigned y, unsigned m, unsigned d)
{
    static const uint8_t t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) {
        y -= 1;
    }
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7 + 1;
}

static bool rtc_set_initial_time(RtcState *s, const char *devid, AmberError *err)
{
    unsigned y, mo, d, h, mi, sec;
    if (s->time_mode == 1) {
        time_t now = time(NULL);
        struct tm tm;
        if (!localtime_r(&now, &tm)) {
            return amber_error(err, "%s: cannot read the host's time", devid);
        }
        y = (unsigned)tm.tm_year + 1900;
        mo = (unsigned)tm.tm_mon + 1;
        d = (unsigned)tm.tm_mday;
        h = (unsigned)tm.tm_hour;
        mi = (unsigned)tm.tm_min;
        sec = (unsigned)tm.tm_sec % 60;
    } else {
        char extra;
        const char *e = s->epoch ? s->epoch : "2000-01-01T00:00:00";
        if (sscanf(e, "%4u-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &sec, &extra) != 6 ||
            y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 ||
            d > rtc_days_in_month(mo, y % 100 == 0 && y % 400 != 0 ? 1 : y) || h > 23 || mi > 59 ||
            sec > 59) {
            return amber_error(err, "%s: epoch '%s' is not a valid YYYY-MM-DDTHH:MM:SS time", devid,
                               e);
        }
    }
    /* Power-on defaults the PC BIOS expects: 32.768 kHz divider, 1024 Hz rate, 24-hour BCD. */
    s->cmos[REG_A] = 0x26;
    s->cmos[REG_B] = B_24H;
    s->cmos[0] = rtc_enc(s, sec);
    s->cmos[2] = rtc_enc(s, mi);
    s->cmos[4] = rtc_enc(s, h);
    s->cmos[6] = rtc_enc(s, rtc_weekday(y, mo, d));
    s->cmos[7] = rtc_enc(s, d);
    s->cmos[8] = rtc_enc(s, mo);
    s->cmos[9] = rtc_enc(s, y % 100);
    s->cmos[0x32] = rtc_enc(s, y / 100);
    return true;
}

static bool rtc_realize(Device *dev, AmberError *err)
{
    RtcState *s = dev->s;
    Machine *m = dev->machine;
    char name[128];
    s->dev = dev;
    if (!rtc_set_initial_time(s, dev->id, err)) {
        return false;
    }
    if (!iobus_register(m->io, dev->id, (uint16_t)s->base, 2, &rtc_io_ops, dev, err)) {
        return false;
    }
    snprintf(name, sizeof name, "%s.update", dev->id);
    s->ev_update = clock_event_new(m->clock, name, rtc_update_event, s, err);
    snprintf(name, sizeof name, "%s.periodic", dev->id);
    s->ev_periodic =
        s->ev_update ? clock_event_new(m->clock, name, rtc_periodic_event, s, err) : NULL;
    if (!s->ev_periodic) {
        return false;
    }
    s->div_start = clock_now(m->clock);
    s->pf_since = s->div_start;
    return true;
}

/* The RESET pin (data sheet "RESET"): clears PIE, AIE, UIE, SQWE and the flags; time and RAM
 * are battery backed and survive. */
static void rtc_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    RtcState *s = dev->s;
    s->cmos[REG_B] &= (uint8_t) ~(B_PIE | B_AIE | B_UIE | B_SQWE);
    s->cmos[REG_C] = 0;
    s->pf_since = rtc_now(s);
    s->irq = false;
    device_irq_set(dev, 0, false);
    rtc_arm_update(s);
    rtc_arm_periodic(s);
}

/* Re-drives IRQ 8 for sinks that do not save their input level. */
static bool rtc_post_load(Device *dev, AmberError *err)
{
    (void)err;
    device_irq_set(dev, 0, ((RtcState *)dev->s)->irq);
    return true;
}

const DeviceClass rtc_cmos_class = {
    .type = "rtc_cmos",
    .desc = "Motorola MC146818A real-time clock and CMOS RAM",
    .state_size = sizeof(RtcState),
    .state_version = 1,
    .state = rtc_state_fields,
    .props = rtc_props,
    .n_irq_out = 1,
    .realize = rtc_realize,
    .reset = rtc_reset,
    .post_load = rtc_post_load,
};
