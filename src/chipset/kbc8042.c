/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keyboard controller of the PC/AT and PS/2: an Intel 8042 running IBM's firmware.
 * Sources: IBM Personal System/2 Hardware Interface Technical Reference, "Keyboard/auxiliary
 * device controller" (status register bits, command byte, commands 0x20-0x3F/0x60-0x7F RAM,
 * 0xA7/0xA8/0xA9 auxiliary port, 0xAA self test -> 0x55, 0xAB interface test -> 0x00, 0xAD/0xAE,
 * 0xC0 input port, 0xD0/0xD1 output port, 0xD2/0xD3 write output buffer, 0xD4 write to auxiliary
 * device, 0xE0 test inputs, 0xF0-0xFF pulse output port); IBM PC/AT Technical Reference, output
 * port bit 0 = system reset, bit 1 = A20 gate; translation of scan code set 2 to set 1.
 * 0xDD/0xDF (A20 off/on) are the HP Vectra commands many controllers accept.
 *
 * Timing: command responses appear in the output buffer at once; a byte from the keyboard or
 * mouse takes one PS/2 frame (11 bits at about 12 kHz, ~1 ms of guest time) to arrive after the
 * buffer becomes free, so a handler that reads port 0x60 twice sees the same byte, as on real
 * hardware. Reading port 0x60 clears OBF but leaves the data readable.
 *
 * Modelled: status (OBF, SYS, A2, inhibit switch, AUXB, time-out), the 32-byte RAM with the
 * command byte (interrupt enables, SYS, port disables, translation), all commands above, IRQ 1
 * and IRQ 12 from OBF, the A20 output, reset pulses (machine_request_reset), sending to the
 * keyboard re-enabling its port (as the 8042 firmware does). Not modelled: parity errors, the
 * password feature (0xA4 answers "not installed"), the input port's real jumpers (0xC0 reads a
 * fixed 0xA0), 0xC1/0xC2 input port polling.
 */
#include "chipset/kbc8042.h"

#include <stdio.h>

#include "chipset/scancodes.h"
#include "core/machine.h"

enum {
    ST_OBF = 0x01,
    ST_IBF = 0x02,
    ST_SYS = 0x04,
    ST_A2 = 0x08,
    ST_INH = 0x10, /* 1 = keyboard not inhibited (key lock) */
    ST_AUXB = 0x20,
    ST_TIMEOUT = 0x40,
    CB_KBD_INT = 0x01,
    CB_AUX_INT = 0x02,
    CB_SYS = 0x04,
    CB_KBD_DIS = 0x10,
    CB_AUX_DIS = 0x20,
    CB_XLATE = 0x40,
    OP_RESET = 0x01,
    OP_A20 = 0x02,
};

#define KBC_FRAME_NS INT64_C(920000) /* 11 bits at ~12 kHz */

typedef struct KbcState {
    uint64_t data_port;
    uint64_t cmd_port;

    uint8_t status;
    uint8_t ob;
    uint8_t ram[32]; /* ram[0] = command byte */
    uint8_t outport;
    uint8_t pending_cmd; /* command waiting for its data byte */
    uint8_t xlate_break; /* translation saw 0xF0: the next byte gets bit 7 */
    uint8_t xfer_port;   /* port whose byte is in flight (event pending) */
    bool irq1;
    bool irq12;
    bool a20;

    bool once_cmd;
    Device *dev;
    Ps2Port port[2];
    Event *ev_xfer;
} KbcState;

static const StateField kbc_state_fields[] = {
    STATE_FIELD(KbcState, status, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbcState, ob, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbcState, ram, STATE_BYTES, 32, STATE_FMT_HEX, 1),
    STATE_FIELD(KbcState, outport, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbcState, pending_cmd, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(KbcState, xlate_break, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbcState, xfer_port, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbcState, irq1, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbcState, irq12, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(KbcState, a20, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef kbc_props[] = {
    {"data", PROP_UINT, offsetof(KbcState, data_port), 0, 0xFFFF, "0x60", NULL, "data port"},
    {"cmd", PROP_UINT, offsetof(KbcState, cmd_port), 0, 0xFFFF, "0x64", NULL,
     "status/command port"},
    PROP_END,
};

Ps2Port *kbc8042_port(Device *dev, unsigned index)
{
    KbcState *s = dev->s;
    return index < 2 ? &s->port[index] : NULL;
}

static void kbc_update_irq(KbcState *s)
{
    bool full = s->status & ST_OBF;
    bool aux = s->status & ST_AUXB;
    bool irq1 = full && !aux && (s->ram[0] & CB_KBD_INT);
    bool irq12 = full && aux && (s->ram[0] & CB_AUX_INT);
    if (irq1 != s->irq1) {
        s->irq1 = irq1;
        device_irq_set(s->dev, 0, irq1);
    }
    if (irq12 != s->irq12) {
        s->irq12 = irq12;
        device_irq_set(s->dev, 1, irq12);
    }
}

static void kbc_set_a20(KbcState *s, bool on)
{
    if (on != s->a20) {
        s->a20 = on;
        device_irq_set(s->dev, 2, on);
    }
}

static void kbc_put(KbcState *s, uint8_t v, bool aux)
{
    s->ob = v;
    s->status = (uint8_t)((s->status & ~ST_AUXB) | ST_OBF | (aux ? ST_AUXB : 0));
    kbc_update_irq(s);
}

static bool kbc_port_ready(KbcState *s, unsigned i)
{
    Ps2Port *p = &s->port[i];
    uint8_t dis = i == 0 ? CB_KBD_DIS : CB_AUX_DIS;
    return p->ops && !(s->ram[0] & dis) && p->ops->pending(p->dev);
}

/* Starts the next device -> controller byte if the output buffer is free. */
static void kbc_service(KbcState *s)
{
    if ((s->status & ST_OBF) || clock_event_pending(s->ev_xfer)) {
        return;
    }
    for (unsigned i = 0; i < 2; i++) {
        if (kbc_port_ready(s, i)) {
            s->xfer_port = (uint8_t)i;
            clock_event_arm_in(s->ev_xfer, KBC_FRAME_NS);
            return;
        }
    }
}

static void kbc_xfer_event(void *opaque, int64_t now)
{
    (void)now;
    KbcState *s = opaque;
    unsigned i = s->xfer_port;
    if ((s->status & ST_OBF) || !kbc_port_ready(s, i)) {
        kbc_service(s);
        return;
    }
    uint8_t b;
    Ps2Port *p = &s->port[i];
    if (!p->ops->pop(p->dev, &b)) {
        kbc_service(s);
        return;
    }
    if (i == 0 && (s->ram[0] & CB_XLATE)) {
        if (b == 0xF0) {
            s->xlate_break = 1; /* the break prefix is swallowed */
            kbc_service(s);
            return;
        }
        b = pc_set2_to_set1(b);
        if (s->xlate_break) {
            b |= 0x80;
            s->xlate_break = 0;
        }
    }
    kbc_put(s, b, i == 1);
}

static void kbc_data_ready(void *ctrl, unsigned index)
{
    (void)index;
    kbc_service(ctrl);
}

static void kbc_pulse_reset(KbcState *s)
{
    amber_log(&s->dev->machine->log, LOG_KBC, "kbc: reset pulse");
    machine_request_reset(s->dev->machine, RESET_WARM);
}

static void kbc_write_outport(KbcState *s, uint8_t v)
{
    s->outport = v;
    kbc_set_a20(s, v & OP_A20);
    if (!(v & OP_RESET)) {
        kbc_pulse_reset(s);
    }
}

static uint8_t kbc_read_outport(KbcState *s)
{
    uint8_t v = s->outport & (uint8_t)~0x30;
    if ((s->status & (ST_OBF | ST_AUXB)) == ST_OBF) {
        v |= 0x10;
    }
    if ((s->status & (ST_OBF | ST_AUXB)) == (ST_OBF | ST_AUXB)) {
        v |= 0x20;
    }
    return v;
}

static void kbc_send_to(KbcState *s, unsigned i, uint8_t v)
{
    Ps2Port *p = &s->port[i];
    if (!p->ops) {
        s->status |= ST_TIMEOUT; /* nobody answers the clock */
        return;
    }
    s->status &= (uint8_t)~ST_TIMEOUT;
    p->ops->write(p->dev, v);
    kbc_service(s);
}

static void kbc_command(KbcState *s, uint8_t cmd)
{
    amber_log(&s->dev->machine->log, LOG_KBC, "kbc: command 0x%02x", cmd);
    if (cmd >= 0x20 && cmd <= 0x3F) {
        kbc_put(s, s->ram[cmd & 0x1F], false);
        return;
    }
    if (cmd >= 0x60 && cmd <= 0x7F) {
        s->pending_cmd = cmd;
        return;
    }
    if (cmd >= 0xF0) {
        /* Pulse output port bits whose command bit is 0 (bit 0 = reset). */
        if (!(cmd & 1)) {
            kbc_pulse_reset(s);
        }
        return;
    }
    switch (cmd) {
    case 0xA4:
        kbc_put(s, 0xF1, false); /* no password installed */
        break;
    case 0xA7:
        s->ram[0] |= CB_AUX_DIS;
        break;
    case 0xA8:
        s->ram[0] &= (uint8_t)~CB_AUX_DIS;
        kbc_service(s);
        break;
    case 0xA9:
        kbc_put(s, s->port[1].ops ? 0x00 : 0x02, false); /* 0x02: clock line stuck low */
        break;
    case 0xAA:
        s->status |= ST_SYS;
        kbc_put(s, 0x55, false);
        break;
    case 0xAB:
        kbc_put(s, 0x00, false);
        break;
    case 0xAD:
        s->ram[0] |= CB_KBD_DIS;
        break;
    case 0xAE:
        s->ram[0] &= (uint8_t)~CB_KBD_DIS;
        kbc_service(s);
        break;
    case 0xC0:
        kbc_put(s, 0xA0, false);
        break;
    case 0xD0:
        kbc_put(s, kbc_read_outport(s), false);
        break;
    case 0xD1:
    case 0xD2:
    case 0xD3:
    case 0xD4:
        s->pending_cmd = cmd;
        break;
    case 0xDD:
        kbc_write_outport(s, s->outport & (uint8_t)~OP_A20);
        break;
    case 0xDF:
        kbc_write_outport(s, s->outport | OP_A20);
        break;
    case 0xE0:
        kbc_put(s, 0x00, false);
        break;
    default:
        amber_log_once(&s->dev->machine->log, LOG_KBC, &s->once_cmd,
                       "kbc: unknown command 0x%02x ignored", cmd);
        break;
    }
}

static void kbc_data(KbcState *s, uint8_t v)
{
    uint8_t cmd = s->pending_cmd;
    s->pending_cmd = 0;
    if (cmd >= 0x60 && cmd <= 0x7F) {
        s->ram[cmd & 0x1F] = v;
        if (cmd == 0x60) {
            s->status = (uint8_t)((s->status & ~ST_SYS) | (v & CB_SYS));
            kbc_update_irq(s);
            kbc_service(s);
        }
        return;
    }
    switch (cmd) {
    case 0xD1:
        kbc_write_outport(s, v);
        break;
    case 0xD2:
        kbc_put(s, v, false);
        break;
    case 0xD3:
        kbc_put(s, v, true);
        break;
    case 0xD4:
        kbc_send_to(s, 1, v);
        break;
    default:
        /* Data for the keyboard; sending re-enables its port (8042 firmware behaviour). */
        s->ram[0] &= (uint8_t)~CB_KBD_DIS;
        kbc_send_to(s, 0, v);
        break;
    }
}

static uint32_t kbc_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    KbcState *s = ((Device *)opaque)->s;
    if (port == s->cmd_port) {
        return s->status | ST_INH;
    }
    s->status &= (uint8_t)~ST_OBF;
    kbc_update_irq(s);
    kbc_service(s);
    return s->ob;
}

static void kbc_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    KbcState *s = ((Device *)opaque)->s;
    if (port == s->cmd_port) {
        s->status |= ST_A2;
        s->pending_cmd = 0;
        kbc_command(s, (uint8_t)value);
    } else {
        s->status &= (uint8_t)~ST_A2;
        kbc_data(s, (uint8_t)value);
    }
}

static const IoOps kbc_io_ops = {
    .read = kbc_io_read,
    .write = kbc_io_write,
    .sizes = 1,
};

static bool kbc_realize(Device *dev, AmberError *err)
{
    KbcState *s = dev->s;
    Machine *m = dev->machine;
    char name[128];
    s->dev = dev;
    for (unsigned i = 0; i < 2; i++) {
        s->port[i].data_ready = kbc_data_ready;
        s->port[i].ctrl = s;
        s->port[i].index = i;
    }
    if (!iobus_register(m->io, dev->id, (uint16_t)s->data_port, 1, &kbc_io_ops, dev, err) ||
        !iobus_register(m->io, dev->id, (uint16_t)s->cmd_port, 1, &kbc_io_ops, dev, err)) {
        return false;
    }
    snprintf(name, sizeof name, "%s.xfer", dev->id);
    s->ev_xfer = clock_event_new(m->clock, name, kbc_xfer_event, s, err);
    return s->ev_xfer != NULL;
}

static void kbc_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    KbcState *s = dev->s;
    for (unsigned i = 0; i < 32; i++) {
        s->ram[i] = 0;
    }
    /* Power-on command byte: interrupts enabled, ports enabled, no translation (the BIOS
     * writes its own before using the keyboard). */
    s->ram[0] = CB_KBD_INT | CB_AUX_INT;
    s->status = 0;
    s->ob = 0;
    s->pending_cmd = 0;
    s->xlate_break = 0;
    s->xfer_port = 0;
    clock_event_cancel(s->ev_xfer);
    /* Output port: reset line inactive, A20 enabled, both clock/data lines high. */
    s->outport = 0xCF;
    s->a20 = false;
    kbc_set_a20(s, true);
    s->irq1 = s->irq12 = false;
    device_irq_set(dev, 0, false);
    device_irq_set(dev, 1, false);
    kbc_service(s);
}

/* Rejects a port number a save-state file could hold but the controller has not (it indexes
 * port[]), then re-drives IRQ 1, IRQ 12 and A20 for sinks that do not save their input level. */
static bool kbc_post_load(Device *dev, AmberError *err)
{
    KbcState *s = dev->s;
    if (s->xfer_port >= 2) {
        return amber_error(err, "%s: inconsistent keyboard controller state (port %u)", dev->id,
                           s->xfer_port);
    }
    device_irq_set(dev, 0, s->irq1);
    device_irq_set(dev, 1, s->irq12);
    device_irq_set(dev, 2, s->a20);
    return true;
}

const DeviceClass kbc8042_class = {
    .type = "kbc8042",
    .desc = "8042 keyboard controller (AT/PS2)",
    .state_size = sizeof(KbcState),
    .state_version = 1,
    .state = kbc_state_fields,
    .props = kbc_props,
    .n_irq_out = 3,
    .realize = kbc_realize,
    .reset = kbc_reset,
    .post_load = kbc_post_load,
};
