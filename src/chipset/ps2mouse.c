/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IBM PS/2 mouse, with Microsoft IntelliMouse's wheel mode.
 * Sources: IBM Personal System/2 Hardware Interface Technical Reference, "Pointing device"
 * (commands 0xE6 scaling 1:1, 0xE7 scaling 2:1, 0xE8 set resolution, 0xE9 status request,
 * 0xEA stream mode, 0xEB read data, 0xEC reset wrap mode, 0xEE wrap mode, 0xF0 remote mode,
 * 0xF2 read device type, 0xF3 set sampling rate, 0xF4 enable, 0xF5 disable, 0xF6 set default,
 * 0xFE resend, 0xFF reset -> 0xFA 0xAA 0x00; the 3-byte data packet; the 2:1 scaling table
 * 0,1,1,3,6,9 then 2x); Microsoft "Wheel mouse" extension: sample rates 200, 100, 80 in a row
 * switch the device ID to 3 and the packet to 4 bytes with the wheel count in the fourth.
 *
 * Motion the host reports accumulates; in stream mode (enabled) a packet is sent whenever the
 * output queue has room for a whole one, carrying at most +/-255 per axis (the 9-bit range,
 * with the overflow bits set when the movement was larger); the rest goes in later packets.
 * Not modelled: the sample rate as a packet rate limit (packets go out as the host moves), the
 * resolution's effect on counts (stored and reported by status only), IntelliMouse Explorer
 * (ID 4, buttons 4/5).
 */
#include "chipset/ps2mouse.h"

#include "core/machine.h"

#define MOUSE_ACK 0xFA

typedef struct MouseState {
    Ps2Queue q;
    uint8_t enabled;
    uint8_t remote;
    uint8_t wrap;
    uint8_t scaling21;
    uint8_t resolution;
    uint8_t rate;
    uint8_t id;
    uint8_t buttons;
    uint8_t expect; /* 0xE8 or 0xF3 waiting for its parameter */
    uint8_t rate_hist[3];
    uint8_t last_sent;
    int32_t dx, dy, dz;

    Device *dev;
    Ps2Port *port;
} MouseState;

static const StateField mouse_state_fields[] = {
    STATE_FIELD_NAMED("queue", MouseState, q.data, STATE_BYTES, PS2_QUEUE_SIZE, STATE_FMT_HEX, 1),
    STATE_FIELD_NAMED("queue_head", MouseState, q.head, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD_NAMED("queue_count", MouseState, q.count, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, enabled, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, remote, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, wrap, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, scaling21, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, resolution, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, rate, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, id, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, buttons, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(MouseState, expect, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(MouseState, rate_hist, STATE_U8, 3, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, last_sent, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(MouseState, dx, STATE_I32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, dy, STATE_I32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(MouseState, dz, STATE_I32, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static void mouse_send(MouseState *s, uint8_t b)
{
    ps2_queue_push(&s->q, b);
    ps2_port_notify(s->port);
}

static void mouse_reply(MouseState *s, uint8_t b)
{
    s->last_sent = b;
    mouse_send(s, b);
}

static void mouse_defaults(MouseState *s)
{
    s->rate = 100;
    s->resolution = 2;
    s->scaling21 = 0;
    s->enabled = 0;
    s->remote = 0;
    s->dx = s->dy = s->dz = 0;
}

static unsigned mouse_packet_len(const MouseState *s)
{
    return s->id == 3 ? 4 : 3;
}

static int mouse_scale(const MouseState *s, int v)
{
    if (!s->scaling21) {
        return v;
    }
    static const int8_t table[6] = {0, 1, 1, 3, 6, 9};
    int a = v < 0 ? -v : v;
    int r = a <= 5 ? table[a] : 2 * a;
    return v < 0 ? -r : r;
}

static int mouse_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Queues one packet from the accumulated motion (stream: scaled; remote reads: unscaled). */
static void mouse_packet(MouseState *s, bool stream)
{
    int dx = mouse_clamp(s->dx, -256, 255);
    int dy = mouse_clamp(s->dy, -256, 255);
    int dz = mouse_clamp(s->dz, -8, 7);
    bool ovx = s->dx != dx, ovy = s->dy != dy;
    s->dx -= dx;
    s->dy -= dy;
    s->dz -= dz;
    if (stream) {
        dx = mouse_clamp(mouse_scale(s, dx), -256, 255);
        dy = mouse_clamp(mouse_scale(s, dy), -256, 255);
    }
    uint8_t b0 = (uint8_t)(0x08 | (s->buttons & 7) | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0) |
                           (ovx ? 0x40 : 0) | (ovy ? 0x80 : 0));
    mouse_send(s, b0);
    mouse_send(s, (uint8_t)dx);
    mouse_send(s, (uint8_t)dy);
    if (s->id == 3) {
        mouse_send(s, (uint8_t)dz);
    }
}

/* Sends what the host has moved, while whole packets fit. */
static void mouse_stream(MouseState *s)
{
    if (!s->enabled || s->remote || s->wrap) {
        return;
    }
    while ((s->dx || s->dy || s->dz || (s->buttons & 0x80)) &&
           (unsigned)(PS2_QUEUE_SIZE - s->q.count) >= mouse_packet_len(s)) {
        s->buttons &= 0x7F; /* bit 7: a button change still to report */
        mouse_packet(s, true);
    }
}

void ps2mouse_move(Device *dev, int dx, int dy, int dz)
{
    MouseState *s = dev->s;
    s->dx = mouse_clamp(s->dx + dx, -65536, 65536);
    s->dy = mouse_clamp(s->dy + dy, -65536, 65536);
    s->dz = mouse_clamp(s->dz + dz, -65536, 65536);
    if (s->id != 3) {
        s->dz = 0;
    }
    mouse_stream(s);
}

void ps2mouse_buttons(Device *dev, unsigned buttons)
{
    MouseState *s = dev->s;
    if ((s->buttons & 7) != (buttons & 7)) {
        s->buttons = (uint8_t)((buttons & 7) | 0x80);
        mouse_stream(s);
    }
}

static void mouse_command(MouseState *s, uint8_t b)
{
    if (s->expect) {
        uint8_t cmd = s->expect;
        s->expect = 0;
        if (cmd == 0xE8) {
            s->resolution = b & 3;
        } else {
            s->rate = b;
            s->rate_hist[0] = s->rate_hist[1];
            s->rate_hist[1] = s->rate_hist[2];
            s->rate_hist[2] = b;
            if (s->rate_hist[0] == 200 && s->rate_hist[1] == 100 && s->rate_hist[2] == 80) {
                s->id = 3;
            }
        }
        mouse_reply(s, MOUSE_ACK);
        return;
    }
    if (s->wrap && b != 0xEC && b != 0xFF) {
        mouse_send(s, b); /* wrap mode echoes */
        return;
    }
    switch (b) {
    case 0xE6:
        s->scaling21 = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xE7:
        s->scaling21 = 1;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xE8:
    case 0xF3:
        s->expect = b;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xE9:
        mouse_reply(s, MOUSE_ACK);
        mouse_send(s, (uint8_t)((s->remote ? 0x40 : 0) | (s->enabled ? 0x20 : 0) |
                                (s->scaling21 ? 0x10 : 0) | ((s->buttons & 1) ? 4 : 0) |
                                ((s->buttons & 4) ? 2 : 0) | ((s->buttons & 2) ? 1 : 0)));
        mouse_send(s, s->resolution);
        mouse_send(s, s->rate);
        break;
    case 0xEA:
        s->remote = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xEB:
        mouse_reply(s, MOUSE_ACK);
        mouse_packet(s, false);
        break;
    case 0xEC:
        s->wrap = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xEE:
        s->wrap = 1;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF0:
        s->remote = 1;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF2:
        mouse_reply(s, MOUSE_ACK);
        mouse_send(s, s->id);
        break;
    case 0xF4:
        s->enabled = 1;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF5:
        s->enabled = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF6:
        mouse_defaults(s);
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xFE:
        mouse_send(s, s->last_sent);
        break;
    case 0xFF:
        ps2_queue_clear(&s->q);
        mouse_defaults(s);
        s->wrap = 0;
        s->id = 0;
        mouse_reply(s, MOUSE_ACK);
        mouse_send(s, 0xAA);
        mouse_send(s, 0x00);
        break;
    default:
        mouse_send(s, 0xFE);
        break;
    }
}

static void mouse_write(void *opaque, uint8_t b)
{
    mouse_command(((Device *)opaque)->s, b);
}

static bool mouse_pop(void *opaque, uint8_t *b)
{
    MouseState *s = ((Device *)opaque)->s;
    bool ok = ps2_queue_pop(&s->q, b);
    if (ok && !s->q.count) {
        mouse_stream(s); /* motion that waited for room */
    }
    return ok;
}

static bool mouse_pending(void *opaque)
{
    return ((MouseState *)((Device *)opaque)->s)->q.count != 0;
}

static const Ps2DeviceOps mouse_ops = {
    .write = mouse_write,
    .pop = mouse_pop,
    .pending = mouse_pending,
};

void ps2mouse_attach(Device *dev, Ps2Port *port)
{
    MouseState *s = dev->s;
    s->port = port;
    ps2_port_attach(port, &mouse_ops, dev);
    if (s->q.count) {
        ps2_port_notify(port);
    }
}

static bool mouse_realize(Device *dev, AmberError *err)
{
    (void)err;
    ((MouseState *)dev->s)->dev = dev;
    return true;
}

/* Power-on: self test passed (0xAA) and ID 0, in stream mode, disabled. */
static void mouse_reset(Device *dev, ResetKind kind)
{
    MouseState *s = dev->s;
    if (kind != RESET_COLD) {
        return;
    }
    ps2_queue_clear(&s->q);
    mouse_defaults(s);
    s->wrap = 0;
    s->id = 0;
    s->buttons = 0;
    s->expect = 0;
    s->rate_hist[0] = s->rate_hist[1] = s->rate_hist[2] = 0;
    mouse_send(s, 0xAA);
    mouse_send(s, 0x00);
}

static bool mouse_post_load(Device *dev, AmberError *err)
{
    if (!ps2_queue_valid(&((MouseState *)dev->s)->q)) {
        return amber_error(err, "%s: inconsistent mouse output queue", dev->id);
    }
    return true;
}

const DeviceClass ps2mouse_class = {
    .type = "ps2mouse",
    .desc = "PS/2 mouse with IntelliMouse wheel",
    .state_size = sizeof(MouseState),
    .state_version = 1,
    .state = mouse_state_fields,
    .realize = mouse_realize,
    .reset = mouse_reset,
    .post_load = mouse_post_load,
};
