/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IBM PS/2 (MF II, 101/102-key) keyboard.
 * Source: IBM Personal System/2 Hardware Interface Technical Reference, "Keyboard" chapter:
 * commands from the system (0xED set LEDs, 0xEE echo, 0xF0 select scan code set, 0xF2 read ID
 * -> 0xAB 0x83, 0xF3 typematic rate/delay, 0xF4 enable, 0xF5 default disable, 0xF6 set default,
 * 0xF7-0xFD set 3 key types, 0xFE resend, 0xFF reset -> 0xFA then BAT 0xAA), "Typematic rate"
 * (period = (8 + A) * 2^B * 4.17 ms, delay = (1 + C) * 250 ms), keyboard buffer overrun code
 * (0x00 in sets 2 and 3, 0xFF in set 1), scan code sets 1, 2, 3 (chipset/scancodes.c).
 *
 * Modelled: the 16-byte output queue (overrun replaces the last byte with the overrun code), all
 * commands above, the three scan code sets with E0 prefixes and the Print Screen / Pause
 * sequences (without modifier-dependent variants), typematic repeat of the last key pressed on
 * guest time. Simplified: set 3 key types (0xF7-0xFD) are acknowledged but every key stays
 * make/break/typematic; the BAT completes at once; Print Screen always sends its unshifted
 * sequence.
 */
#include "chipset/ps2kbd.h"

#include <stdio.h>

#include "chipset/scancodes.h"
#include "core/machine.h"

#define KBD_ACK 0xFA
#define KBD_RESEND 0xFE
#define KBD_BAT_OK 0xAA
#define KBD_TYPEMATIC_DEFAULT 0x2B /* 10.9 characters/s, 500 ms */

typedef struct KbdState {
    Ps2Queue q;
    uint8_t scanset;
    uint8_t enabled;
    uint8_t leds;
    uint8_t typematic;
    uint8_t expect; /* command waiting for its parameter, 0 = none */
    uint8_t last_sent;
    uint16_t repeat_key; /* key that repeats while held, 0 = none */

    Device *dev;
    Ps2Port *port;
    Event *ev_repeat;
} KbdState;

static const StateField kbd_state_fields[] = {
    STATE_FIELD_NAMED("queue", KbdState, q.data, STATE_BYTES, PS2_QUEUE_SIZE, STATE_FMT_HEX, 1),
    STATE_FIELD_NAMED("queue_head", KbdState, q.head, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD_NAMED("queue_count", KbdState, q.count, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbdState, scanset, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbdState, enabled, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbdState, leds, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbdState, typematic, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbdState, expect, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbdState, last_sent, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbdState, repeat_key, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static void kbd_send(KbdState *s, uint8_t b)
{
    if (!ps2_queue_push(&s->q, b)) {
        /* Overrun: the last byte in the buffer becomes the overrun code. */
        unsigned last = (s->q.head + s->q.count - 1) % PS2_QUEUE_SIZE;
        s->q.data[last] = s->scanset == 1 ? 0xFF : 0x00;
    }
    ps2_port_notify(s->port);
}

static void kbd_defaults(KbdState *s)
{
    s->typematic = KBD_TYPEMATIC_DEFAULT;
    s->repeat_key = 0;
    clock_event_cancel(s->ev_repeat);
}

/* Sends the make (down) or break code of key in the current set. */
static bool kbd_emit(KbdState *s, unsigned key, bool down)
{
    if (key == PC_KEY_PAUSE) {
        if (!down) {
            return true; /* Pause has no break code */
        }
        static const uint8_t pause1[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
        static const uint8_t pause2[] = {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
        if (s->scanset == 1) {
            for (size_t i = 0; i < sizeof pause1; i++) {
                kbd_send(s, pause1[i]);
            }
        } else if (s->scanset == 2) {
            for (size_t i = 0; i < sizeof pause2; i++) {
                kbd_send(s, pause2[i]);
            }
        } else {
            kbd_send(s, 0x62);
        }
        return true;
    }
    if (s->scanset == 3) {
        uint8_t c = pc_key_to_set3(key);
        if (!c) {
            return false;
        }
        if (!down) {
            kbd_send(s, 0xF0);
        }
        kbd_send(s, c);
        return true;
    }
    bool ext;
    uint8_t c2 = pc_key_to_set2(key, &ext);
    if (!c2) {
        return false;
    }
    bool prtsc = key == PC_KEY_PRTSC;
    if (s->scanset == 1) {
        uint8_t c1 = (uint8_t)key;
        if (prtsc && down) {
            kbd_send(s, 0xE0);
            kbd_send(s, 0x2A);
        }
        if (ext) {
            kbd_send(s, 0xE0);
        }
        kbd_send(s, down ? c1 : (uint8_t)(c1 | 0x80));
        if (prtsc && !down) {
            kbd_send(s, 0xE0);
            kbd_send(s, 0xAA);
        }
        return true;
    }
    if (prtsc && down) {
        kbd_send(s, 0xE0);
        kbd_send(s, 0x12);
    }
    if (ext) {
        kbd_send(s, 0xE0);
    }
    if (!down) {
        kbd_send(s, 0xF0);
    }
    kbd_send(s, c2);
    if (prtsc && !down) {
        kbd_send(s, 0xE0);
        kbd_send(s, 0xF0);
        kbd_send(s, 0x12);
    }
    return true;
}

static int64_t kbd_delay_ns(const KbdState *s)
{
    return (int64_t)(1 + ((s->typematic >> 5) & 3)) * 250 * INT64_C(1000000);
}

static int64_t kbd_period_ns(const KbdState *s)
{
    unsigned a = s->typematic & 7, b = (s->typematic >> 3) & 3;
    return (int64_t)((8 + a) << b) * INT64_C(4170000);
}

static void kbd_repeat_event(void *opaque, int64_t now)
{
    (void)now;
    KbdState *s = opaque;
    if (!s->repeat_key || !s->enabled) {
        return;
    }
    kbd_emit(s, s->repeat_key, true);
    clock_event_arm_in(s->ev_repeat, kbd_period_ns(s));
}

bool ps2kbd_key_event(Device *dev, unsigned keycode, bool down)
{
    KbdState *s = dev->s;
    if (!s->enabled) {
        return true; /* not scanning: the key is lost, as on the real keyboard */
    }
    if (!kbd_emit(s, keycode, down)) {
        return false;
    }
    if (down && keycode != PC_KEY_PAUSE) {
        s->repeat_key = (uint16_t)keycode;
        clock_event_cancel(s->ev_repeat);
        clock_event_arm_in(s->ev_repeat, kbd_delay_ns(s));
    } else if (!down && keycode == s->repeat_key) {
        s->repeat_key = 0;
        clock_event_cancel(s->ev_repeat);
    }
    return true;
}

bool ps2kbd_idle(Device *dev)
{
    return ((KbdState *)dev->s)->q.count == 0;
}

uint8_t ps2kbd_leds(Device *dev)
{
    return ((KbdState *)dev->s)->leds;
}

static void kbd_reply(KbdState *s, uint8_t b)
{
    s->last_sent = b;
    kbd_send(s, b);
}

static void kbd_command(KbdState *s, uint8_t b)
{
    Log *log = &s->dev->machine->log;
    /* Parameters are below 0xED; a command byte abandons a pending parameter. */
    if (s->expect && b < 0xED) {
        switch (s->expect) {
        case 0xED:
            s->leds = b & 7;
            s->expect = 0;
            kbd_reply(s, KBD_ACK);
            return;
        case 0xF3:
            s->typematic = b & 0x7F;
            s->expect = 0;
            kbd_reply(s, KBD_ACK);
            return;
        case 0xF0:
            s->expect = 0;
            if (b == 0) {
                kbd_reply(s, KBD_ACK);
                kbd_reply(s, s->scanset);
            } else if (b <= 3) {
                s->scanset = b;
                kbd_reply(s, KBD_ACK);
            } else {
                kbd_reply(s, KBD_RESEND);
            }
            return;
        default: /* 0xFB-0xFD key lists: each key is acknowledged */
            kbd_reply(s, KBD_ACK);
            return;
        }
    }
    s->expect = 0;
    amber_log(log, LOG_KBC, "kbd: command 0x%02x", b);
    switch (b) {
    case 0xED:
    case 0xF3:
    case 0xF0:
        s->expect = b;
        kbd_reply(s, KBD_ACK);
        break;
    case 0xEE:
        kbd_reply(s, 0xEE);
        break;
    case 0xF2:
        kbd_reply(s, KBD_ACK);
        kbd_reply(s, 0xAB);
        kbd_reply(s, 0x83);
        break;
    case 0xF4:
        ps2_queue_clear(&s->q);
        s->enabled = 1;
        kbd_reply(s, KBD_ACK);
        break;
    case 0xF5:
        ps2_queue_clear(&s->q);
        kbd_defaults(s);
        s->enabled = 0;
        kbd_reply(s, KBD_ACK);
        break;
    case 0xF6:
        ps2_queue_clear(&s->q);
        kbd_defaults(s);
        kbd_reply(s, KBD_ACK);
        break;
    case 0xF7:
    case 0xF8:
    case 0xF9:
    case 0xFA:
        kbd_reply(s, KBD_ACK);
        break;
    case 0xFB:
    case 0xFC:
    case 0xFD:
        s->expect = b;
        kbd_reply(s, KBD_ACK);
        break;
    case 0xFE:
        kbd_send(s, s->last_sent);
        break;
    case 0xFF:
        ps2_queue_clear(&s->q);
        kbd_defaults(s);
        s->scanset = 2;
        s->leds = 0;
        s->enabled = 1;
        kbd_reply(s, KBD_ACK);
        kbd_reply(s, KBD_BAT_OK);
        break;
    default:
        kbd_send(s, KBD_RESEND);
        break;
    }
}

static void kbd_write(void *opaque, uint8_t b)
{
    kbd_command(((Device *)opaque)->s, b);
}

static bool kbd_pop(void *opaque, uint8_t *b)
{
    KbdState *s = ((Device *)opaque)->s;
    return ps2_queue_pop(&s->q, b);
}

static bool kbd_pending(void *opaque)
{
    return ((KbdState *)((Device *)opaque)->s)->q.count != 0;
}

static const Ps2DeviceOps kbd_ops = {
    .write = kbd_write,
    .pop = kbd_pop,
    .pending = kbd_pending,
};

void ps2kbd_attach(Device *dev, Ps2Port *port)
{
    KbdState *s = dev->s;
    s->port = port;
    ps2_port_attach(port, &kbd_ops, dev);
    if (s->q.count) {
        ps2_port_notify(port); /* the power-on BAT byte */
    }
}

static bool kbd_realize(Device *dev, AmberError *err)
{
    KbdState *s = dev->s;
    char name[128];
    s->dev = dev;
    snprintf(name, sizeof name, "%s.typematic", dev->id);
    s->ev_repeat = clock_event_new(dev->machine->clock, name, kbd_repeat_event, s, err);
    return s->ev_repeat != NULL;
}

/* Power-on: the keyboard runs its BAT and sends 0xAA. A warm reset of the PC does not reach the
 * keyboard, which keeps its state. */
static void kbd_reset(Device *dev, ResetKind kind)
{
    KbdState *s = dev->s;
    if (kind != RESET_COLD) {
        return;
    }
    ps2_queue_clear(&s->q);
    kbd_defaults(s);
    s->scanset = 2;
    s->enabled = 1;
    s->leds = 0;
    s->expect = 0;
    s->last_sent = 0;
    kbd_reply(s, KBD_BAT_OK);
}

static bool kbd_post_load(Device *dev, AmberError *err)
{
    if (!ps2_queue_valid(&((KbdState *)dev->s)->q)) {
        return amber_error(err, "%s: inconsistent keyboard output queue", dev->id);
    }
    return true;
}

const DeviceClass ps2kbd_class = {
    .type = "ps2kbd",
    .desc = "IBM PS/2 MF II keyboard",
    .state_size = sizeof(KbdState),
    .state_version = 1,
    .state = kbd_state_fields,
    .realize = kbd_realize,
    .reset = kbd_reset,
    .post_load = kbd_post_load,
};
