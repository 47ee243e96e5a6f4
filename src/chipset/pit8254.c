/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8254 Programmable Interval Timer (three 16-bit down counters) and the AT's port 0x61.
 * Source: Intel 8254 data sheet (order no. 231164): "Control word format", "Counter latch
 * command", "Read-back command", "Status byte", "Modes 0-5", "Gate pin operations summary";
 * IBM PC/AT Technical Reference, "System timers" and "I/O port 61h" (gate 2, speaker data,
 * refresh detect toggle, OUT2).
 *
 * Time is never ticked: each channel stores the clock tick at which its counting element (CE)
 * was loaded and how far it had counted when it was last paused, and the counter value and OUT
 * level are computed from the machine clock on demand. One event is armed, for the next change of
 * channel 0's OUT (IRQ 0); a second one follows channel 2's OUT only while the speaker is
 * enabled (port 0x61 bit 1), to drive the speaker line with exact edge times; port 0x61 reads
 * compute OUT2 directly.
 * The input clock is 105/88 MHz; tick k happens at ceil(k * 88000 / 105) ns.
 *
 * Modelled: modes 0-5 (6 and 7 alias 2 and 3), binary and BCD counting, LSB/MSB/LSB-then-MSB
 * access with separate read and write flip-flops, counter latch, read-back of count and status
 * (OUT, null count, programmed mode), the count loading on the first clock after the write,
 * gate semantics per mode (0/4 pause, 1/5 trigger, 2/3 stop and reload), writing the first byte
 * of a two-byte count in mode 0 stopping the count, new counts in modes 2/3 taking effect at the
 * end of the current period (mode 3: of the current half cycle).
 * Mode 3 counts down by two; an odd count N is high for (N + 1) / 2 clocks counting N - 1 ..
 * 0 and low for (N - 1) / 2, as the data sheet's mode 3 description gives.
 * Simplified: counts of 1 in modes 2 and 3 (illegal per the data sheet) leave OUT high. Port 0x61 bit 4 toggles every 18 input clocks (15.09 us, the BIOS's refresh
 * rate of channel 1) regardless of how channel 1 is programmed; bits 6/7 (parity/IOCHK) read 0.
 */
#include "chipset/pit8254.h"

#include <stdio.h>

#include "core/machine.h"

typedef struct PitState {
    uint64_t base;
    bool port61_enable;

    uint8_t mode[3];
    uint8_t rw[3]; /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t bcd[3];
    uint16_t cr[3];         /* count register as written */
    uint8_t write_msb[3];   /* write flip-flop: next byte is the MSB */
    uint8_t read_msb[3];    /* read flip-flop */
    uint8_t latch_bytes[3]; /* bytes of the latched count still to read (0 = not latched) */
    uint16_t latch[3];
    uint8_t status_latched[3];
    uint8_t status[3];
    uint8_t gate[3];
    uint8_t null_count[3];
    uint8_t has_count[3]; /* a count was written since the control word */
    /* The counting element: armed once loaded (modes 1/5: once triggered). */
    uint8_t armed[3];
    uint8_t running[3];   /* counting (not paused by its gate) */
    uint32_t n[3];        /* active initial count (1..65536, or 10000 in BCD) */
    int64_t run_tick[3];  /* elapsed = base_e + (tick - run_tick) while running */
    int64_t load_tick[3]; /* the clock that loads the CE (null count until then) */
    int64_t base_e[3];
    uint8_t pending[3]; /* modes 2/3: a new count waits for the period (mode 3: half) end */
    uint32_t pending_n[3];
    int64_t pending_e[3];
    uint8_t pending_low[3]; /* mode 3: the new count starts in its low half */
    uint8_t out_line[2]; /* levels last driven: IRQ 0, speaker */
    uint8_t port61; /* bits 3:0 as written */

    Device *dev;
    Event *ev_out[2];
} PitState;

static const StateField pit_state_fields[] = {
    STATE_FIELD(PitState, mode, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, rw, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, bcd, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, cr, STATE_U16, 3, STATE_FMT_HEX, 1),
    STATE_FIELD(PitState, write_msb, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, read_msb, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, latch_bytes, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, latch, STATE_U16, 3, STATE_FMT_HEX, 1),
    STATE_FIELD(PitState, status_latched, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, status, STATE_U8, 3, STATE_FMT_HEX, 1),
    STATE_FIELD(PitState, gate, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, null_count, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, has_count, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, armed, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, running, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, n, STATE_U32, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, run_tick, STATE_I64, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, base_e, STATE_I64, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, load_tick, STATE_I64, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, pending, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, pending_n, STATE_U32, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, pending_e, STATE_I64, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, pending_low, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, out_line, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PitState, port61, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static const PropDef pit_props[] = {
    {"base", PROP_UINT, offsetof(PitState, base), 0, 0xFFFC, "0x40", NULL, "I/O base"},
    {"port61", PROP_BOOL, offsetof(PitState, port61_enable), 0, 0, "true", NULL,
     "claim port 0x61 (gate 2, speaker data, refresh toggle, OUT2)"},
    PROP_END,
};

/* Clock ticks completed at time t (ns): floor(t * 105 / 88000). */
static int64_t pit_ticks(int64_t t)
{
    if (t <= 0) {
        return 0;
    }
    return (int64_t)((unsigned __int128)t * 105u / 88000u);
}

/* Time of tick k: the smallest t with pit_ticks(t) >= k. */
static int64_t pit_tick_time(int64_t k)
{
    if (k <= 0) {
        return 0;
    }
    return (int64_t)(((unsigned __int128)k * 88000u + 104u) / 105u);
}

static int64_t pit_now_tick(PitState *s)
{
    return pit_ticks(clock_now(s->dev->machine->clock));
}

static uint32_t pit_modulus(const PitState *s, int c)
{
    return s->bcd[c] ? 10000u : 65536u;
}

/* Elapsed decrements since the CE was loaded, at tick k (negative: not loaded yet). */
static int64_t pit_elapsed(const PitState *s, int c, int64_t k)
{
    if (!s->running[c]) {
        return s->base_e[c];
    }
    return s->base_e[c] + (k - s->run_tick[c]);
}

static unsigned pit_hi_len(uint32_t n);

/* Applies a count that waited for the end of a mode 2 period or mode 3 half period, if that end
 * has come. */
static void pit_sync(PitState *s, int c, int64_t k)
{
    if (!s->pending[c] || !s->running[c]) {
        return;
    }
    int64_t e = pit_elapsed(s, c, k);
    if (e < s->pending_e[c]) {
        return;
    }
    s->run_tick[c] += s->pending_e[c] - s->base_e[c];
    s->n[c] = s->pending_n[c];
    /* Elapsed counts from the start of a period: a count taking over at the end of a high half
     * begins in its low half. */
    s->base_e[c] = s->pending_low[c] ? pit_hi_len(s->n[c]) : 0;
    s->pending[c] = 0;
}

static unsigned pit_hi_len(uint32_t n)
{
    return (n + 1) / 2;
}

/* OUT at elapsed e (e clamped at 0: before the load OUT already has its initial level). */
static bool pit_out_at(const PitState *s, int c, int64_t e)
{
    uint32_t n = s->n[c];
    if (!s->armed[c]) {
        return s->mode[c] != 0;
    }
    if (e < 0) {
        e = 0;
    }
    switch (s->mode[c]) {
    case 0:
    case 1:
        return e >= n;
    case 2:
        if (!s->gate[c] || n < 2) {
            return true;
        }
        return (uint64_t)e % n != n - 1;
    case 3:
        if (!s->gate[c] || n < 2) {
            return true;
        }
        return (uint64_t)e % n < pit_hi_len(n);
    default: /* 4, 5 */
        return e != n;
    }
}

/* The next elapsed value after e at which OUT changes, or -1. */
static int64_t pit_next_change_e(const PitState *s, int c, int64_t e)
{
    uint32_t n = s->n[c];
    if (!s->armed[c]) {
        return -1;
    }
    if (e < 0) {
        e = 0;
    }
    switch (s->mode[c]) {
    case 0:
    case 1:
        return e < n ? (int64_t)n : -1;
    case 2: {
        if (!s->gate[c] || n < 2) {
            return -1;
        }
        int64_t p = e % n;
        return p < n - 1 ? e + (n - 1 - p) : e + 1;
    }
    case 3: {
        if (!s->gate[c] || n < 2) {
            return -1;
        }
        int64_t p = e % n;
        int64_t hi = pit_hi_len(n);
        return p < hi ? e + (hi - p) : e + (n - p);
    }
    default:
        if (e < n) {
            return n;
        }
        return e == n ? e + 1 : -1;
    }
}

static bool pit_out_now(PitState *s, int c)
{
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    return pit_out_at(s, c, pit_elapsed(s, c, k));
}

static uint16_t pit_to_bcd(uint32_t v)
{
    return (uint16_t)((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

static uint32_t pit_from_bcd(uint16_t v)
{
    return (v & 0xF) + ((v >> 4) & 0xF) * 10 + ((v >> 8) & 0xF) * 100 + ((v >> 12) & 0xF) * 1000;
}

/* The counter value (as the chip would present it, BCD-encoded in BCD mode). */
static uint16_t pit_value(PitState *s, int c)
{
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    uint32_t n = s->n[c];
    uint32_t mod = pit_modulus(s, c);
    uint32_t v;
    int64_t e = pit_elapsed(s, c, k);
    if (!s->armed[c] || e < 0) {
        v = n % mod;
    } else {
        switch (s->mode[c]) {
        case 2:
            v = n - (uint32_t)((uint64_t)e % n);
            break;
        case 3: {
            uint32_t p = (uint32_t)((uint64_t)e % n);
            uint32_t hi = pit_hi_len(n);
            uint32_t even = n & ~1u;
            uint32_t q = p < hi ? p : p - hi;
            v = even >= 2 * q ? even - 2 * q : 0;
            break;
        }
        default: {
            int64_t r = ((int64_t)n - e) % (int64_t)mod;
            v = (uint32_t)(r < 0 ? r + mod : r);
            break;
        }
        }
        v %= mod;
    }
    return s->bcd[c] ? pit_to_bcd(v) : (uint16_t)v;
}

/* Drives output line `line` from channel c's OUT: line 0 = channel 0 (IRQ 0), line 1 = the
 * speaker (channel 2's OUT gated by port 0x61 bit 1); arms the channel's event for the next
 * change, or none while nothing will change (or the speaker is off). */
static void pit_update_line(PitState *s, int c)
{
    int line = c == 0 ? 0 : 1;
    bool speaker_on = (s->port61 & 2) != 0;
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    int64_t e = pit_elapsed(s, c, k);
    bool out = pit_out_at(s, c, e);
    bool level = line == 0 ? out : out && speaker_on;
    if (level != (bool)s->out_line[line]) {
        s->out_line[line] = level;
        device_irq_set(s->dev, (unsigned)line, level);
    }
    Event *ev = s->ev_out[line];
    clock_event_cancel(ev);
    if (!s->running[c] || (line == 1 && !speaker_on)) {
        return; /* paused, stopped, not loaded, or silent: nothing to schedule */
    }
    int64_t ne = pit_next_change_e(s, c, e);
    if (ne < 0) {
        return;
    }
    if (s->pending[c] && ne > s->pending_e[c]) {
        ne = s->pending_e[c];
    }
    int64_t tick = s->run_tick[c] + (ne - s->base_e[c]);
    clock_event_arm_at(ev, pit_tick_time(tick));
}

static void pit_update_out(PitState *s, int c)
{
    if (c == 0 || c == 2) {
        pit_update_line(s, c);
    }
}

static void pit_out0_event(void *opaque, int64_t now)
{
    (void)now;
    pit_update_line(opaque, 0);
}

static void pit_speaker_event(void *opaque, int64_t now)
{
    (void)now;
    pit_update_line(opaque, 2);
}

/* Starts the CE with count n at the clock after tick k. */
static void pit_load(PitState *s, int c, int64_t k, uint32_t n)
{
    s->armed[c] = 1;
    s->n[c] = n;
    s->base_e[c] = 0;
    s->run_tick[c] = k + 1;
    s->load_tick[c] = k + 1;
    s->pending[c] = 0;
    /* Modes 0/4 only count while GATE is high; 2/3 are held; 1/5 were triggered by it. */
    s->running[c] = s->gate[c] || s->mode[c] == 1 || s->mode[c] == 5;
    if (!s->running[c]) {
        s->base_e[c] = 0;
    }
}

static uint32_t pit_count_of(const PitState *s, int c)
{
    uint32_t n = s->bcd[c] ? pit_from_bcd(s->cr[c]) : s->cr[c];
    if (n == 0) {
        n = pit_modulus(s, c);
    }
    return n;
}

/* A complete count was written to the count register. */
static void pit_count_written(PitState *s, int c)
{
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    uint32_t n = pit_count_of(s, c);
    s->null_count[c] = 1;
    s->has_count[c] = 1;
    switch (s->mode[c]) {
    case 1:
    case 5:
        break; /* loaded by the next trigger */
    case 2:
    case 3:
        if (s->armed[c] && s->running[c]) {
            int64_t e = pit_elapsed(s, c, k);
            if (e < 0) {
                pit_load(s, c, k, n);
                break;
            }
            int64_t per = s->n[c];
            int64_t p = e % per;
            int64_t hi = pit_hi_len(s->n[c]);
            s->pending[c] = 1;
            s->pending_n[c] = n;
            s->pending_low[c] = 0;
            if (s->mode[c] == 3 && p < hi) {
                s->pending_e[c] = e - p + hi; /* mode 3: at the end of the half cycle */
                s->pending_low[c] = 1;
            } else {
                s->pending_e[c] = e - p + per;
            }
            s->load_tick[c] = s->run_tick[c] + (s->pending_e[c] - s->base_e[c]);
        } else {
            pit_load(s, c, k, n);
        }
        break;
    default:
        pit_load(s, c, k, n);
        break;
    }
}

static void pit_set_gate_internal(PitState *s, int c, bool level)
{
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    bool old = s->gate[c];
    if (old == level) {
        return;
    }
    switch (s->mode[c]) {
    case 0:
    case 4:
        if (!level) {
            s->base_e[c] = pit_elapsed(s, c, k);
            s->running[c] = 0;
        } else if (s->armed[c]) {
            /* Counting resumes with the next clock, or the one after the load. */
            s->run_tick[c] = k + 1 <= s->load_tick[c] ? s->load_tick[c] : k;
            s->running[c] = 1;
        }
        s->gate[c] = level;
        break;
    case 1:
    case 5:
        s->gate[c] = level;
        if (level && s->has_count[c]) {
            pit_load(s, c, k, pit_count_of(s, c));
        }
        break;
    default: /* 2, 3: low forces OUT high and stops; the rising edge reloads */
        s->gate[c] = level;
        if (!level) {
            s->base_e[c] = pit_elapsed(s, c, k);
            s->running[c] = 0;
            s->pending[c] = 0;
        } else if (s->has_count[c]) {
            pit_load(s, c, k, s->pending[c] ? s->pending_n[c] : pit_count_of(s, c));
        }
        break;
    }
    pit_update_out(s, c);
}

void pit8254_set_gate(Device *dev, unsigned ch, bool level)
{
    if (ch < 3) {
        pit_set_gate_internal(dev->s, (int)ch, level);
    }
}

bool pit8254_out(Device *dev, unsigned ch)
{
    return ch < 3 && pit_out_now(dev->s, (int)ch);
}

uint8_t pit8254_speaker_bits(Device *dev)
{
    return ((PitState *)dev->s)->port61 & 3;
}

static uint8_t pit_status_byte(PitState *s, int c)
{
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    int64_t e = pit_elapsed(s, c, k);
    if (s->null_count[c] && s->armed[c] && k >= s->load_tick[c] && !s->pending[c]) {
        s->null_count[c] = 0;
    }
    return (uint8_t)((pit_out_at(s, c, e) ? 0x80 : 0) | (s->null_count[c] ? 0x40 : 0) |
                     s->rw[c] << 4 | s->mode[c] << 1 | s->bcd[c]);
}

static void pit_latch_count(PitState *s, int c)
{
    if (s->latch_bytes[c]) {
        return; /* a second latch before the read is ignored */
    }
    s->latch[c] = pit_value(s, c);
    s->latch_bytes[c] = s->rw[c] == 3 ? 2 : 1;
}

/* What a control word and a reset both do to a channel: flip-flops and latches cleared, the
 * counting element empty (null count) and stopped until a count is written. */
static void pit_clear_channel(PitState *s, int c)
{
    s->write_msb[c] = 0;
    s->read_msb[c] = 0;
    s->latch_bytes[c] = 0;
    s->status_latched[c] = 0;
    s->null_count[c] = 1;
    s->has_count[c] = 0;
    s->armed[c] = 0;
    s->running[c] = 0;
    s->pending[c] = 0;
    s->base_e[c] = 0;
}

static void pit_control(PitState *s, uint8_t v)
{
    unsigned sc = v >> 6;
    if (sc == 3) {
        /* Read-back: bit 5 = 0 latches counts, bit 4 = 0 latches status, bits 3:1 select. */
        for (int c = 0; c < 3; c++) {
            if (!(v & (2u << c))) {
                continue;
            }
            if (!(v & 0x10) && !s->status_latched[c]) {
                s->status[c] = pit_status_byte(s, c);
                s->status_latched[c] = 1;
            }
            if (!(v & 0x20)) {
                pit_latch_count(s, c);
            }
        }
        return;
    }
    int c = (int)sc;
    unsigned rw = (v >> 4) & 3;
    if (rw == 0) {
        pit_latch_count(s, c);
        return;
    }
    int64_t k = pit_now_tick(s);
    pit_sync(s, c, k);
    unsigned mode = (v >> 1) & 7;
    if (mode > 5) {
        mode -= 4;
    }
    s->rw[c] = (uint8_t)rw;
    s->mode[c] = (uint8_t)mode;
    s->bcd[c] = v & 1;
    pit_clear_channel(s, c);
    amber_log(&s->dev->machine->log, LOG_PIT, "pit: ch%d mode %u rw %u bcd %u", c, mode, rw, v & 1);
    pit_update_out(s, c);
}

static void pit_write_count(PitState *s, int c, uint8_t v)
{
    switch (s->rw[c]) {
    case 1:
        s->cr[c] = v;
        pit_count_written(s, c);
        break;
    case 2:
        s->cr[c] = (uint16_t)(v << 8);
        pit_count_written(s, c);
        break;
    default:
        if (!s->write_msb[c]) {
            s->cr[c] = (uint16_t)((s->cr[c] & 0xFF00) | v);
            s->write_msb[c] = 1;
            if (s->mode[c] == 0) {
                /* Mode 0: the first byte stops the count (and OUT is low until it ends). */
                int64_t k = pit_now_tick(s);
                if (s->armed[c]) {
                    s->base_e[c] = pit_elapsed(s, c, k);
                }
                s->armed[c] = 0;
                s->running[c] = 0;
            }
        } else {
            s->cr[c] = (uint16_t)((s->cr[c] & 0x00FF) | v << 8);
            s->write_msb[c] = 0;
            pit_count_written(s, c);
        }
        break;
    }
    pit_update_out(s, c);
}

static uint8_t pit_read_count(PitState *s, int c)
{
    if (s->status_latched[c]) {
        s->status_latched[c] = 0;
        return s->status[c];
    }
    uint16_t v;
    bool latched = s->latch_bytes[c] != 0;
    v = latched ? s->latch[c] : pit_value(s, c);
    uint8_t r;
    switch (s->rw[c]) {
    case 1:
        r = (uint8_t)v;
        s->latch_bytes[c] = 0;
        break;
    case 2:
        r = (uint8_t)(v >> 8);
        s->latch_bytes[c] = 0;
        break;
    default:
        r = s->read_msb[c] ? (uint8_t)(v >> 8) : (uint8_t)v;
        s->read_msb[c] ^= 1;
        if (latched) {
            s->latch_bytes[c]--;
        }
        break;
    }
    return r;
}

static uint8_t pit_port61_read(PitState *s)
{
    int64_t k = pit_now_tick(s);
    uint8_t v = s->port61 & 0x0F;
    if ((k / 18) & 1) {
        v |= 0x10;
    }
    if (pit_out_now(s, 2)) {
        v |= 0x20;
    }
    return v;
}

static uint32_t pit_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    PitState *s = ((Device *)opaque)->s;
    if (s->port61_enable && port == 0x61) {
        return pit_port61_read(s);
    }
    unsigned reg = (port - (unsigned)s->base) & 3;
    if (reg == 3) {
        return 0xFF; /* the control word register cannot be read */
    }
    return pit_read_count(s, (int)reg);
}

static void pit_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    PitState *s = ((Device *)opaque)->s;
    uint8_t v = (uint8_t)value;
    if (s->port61_enable && port == 0x61) {
        s->port61 = v & 0x0F;
        pit_set_gate_internal(s, 2, v & 1);
        pit_update_line(s, 2); /* the speaker enable may have changed */
        return;
    }
    unsigned reg = (port - (unsigned)s->base) & 3;
    if (reg == 3) {
        pit_control(s, v);
    } else {
        pit_write_count(s, (int)reg, v);
    }
}

static const IoOps pit_io_ops = {
    .read = pit_io_read,
    .write = pit_io_write,
    .sizes = 1,
};

static bool pit_realize(Device *dev, AmberError *err)
{
    PitState *s = dev->s;
    Machine *m = dev->machine;
    char name[128];
    s->dev = dev;
    if (!iobus_register(m->io, dev->id, (uint16_t)s->base, 4, &pit_io_ops, dev, err)) {
        return false;
    }
    if (s->port61_enable && !iobus_register(m->io, dev->id, 0x61, 1, &pit_io_ops, dev, err)) {
        return false;
    }
    snprintf(name, sizeof name, "%s.out0", dev->id);
    s->ev_out[0] = clock_event_new(m->clock, name, pit_out0_event, s, err);
    snprintf(name, sizeof name, "%s.speaker", dev->id);
    s->ev_out[1] = s->ev_out[0] ? clock_event_new(m->clock, name, pit_speaker_event, s, err) : NULL;
    return s->ev_out[1] != NULL;
}

static void pit_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    PitState *s = dev->s;
    for (int c = 0; c < 3; c++) {
        s->mode[c] = 0;
        s->rw[c] = 3;
        s->bcd[c] = 0;
        s->cr[c] = 0;
        pit_clear_channel(s, c);
        s->n[c] = 65536;
        s->run_tick[c] = 0;
        /* Channels 0 and 1 have GATE tied high on the PC; channel 2's comes from port 0x61. */
        s->gate[c] = c != 2;
    }
    s->port61 = 0;
    s->out_line[0] = s->out_line[1] = 0;
    device_irq_set(dev, 0, false);
    device_irq_set(dev, 1, false);
    clock_event_cancel(s->ev_out[0]);
    clock_event_cancel(s->ev_out[1]);
}

/* Rejects counts a save-state file could hold but the chip cannot (the counter value is taken
 * modulo the count, so 0 would divide by zero; a loaded count is 1..65536), then re-drives IRQ 0
 * for sinks that do not save their input level. */
static bool pit_post_load(Device *dev, AmberError *err)
{
    PitState *s = dev->s;
    for (int c = 0; c < 3; c++) {
        if (s->n[c] == 0 || s->n[c] > 65536 || s->mode[c] > 5 ||
            (s->pending[c] && (s->pending_n[c] == 0 || s->pending_n[c] > 65536))) {
            return amber_error(err, "%s: inconsistent counter %d state (count %u, mode %u)",
                               dev->id, c, s->n[c], s->mode[c]);
        }
    }
    device_irq_set(dev, 0, s->out_line[0]);
    device_irq_set(dev, 1, s->out_line[1]);
    return true;
}

const DeviceClass pit8254_class = {
    .type = "pit8254",
    .desc = "Intel 8254 programmable interval timer with port 0x61",
    .state_size = sizeof(PitState),
    .state_version = 1,
    .state = pit_state_fields,
    .props = pit_props,
    .n_irq_out = 2,
    .realize = pit_realize,
    .reset = pit_reset,
    .post_load = pit_post_load,
};
