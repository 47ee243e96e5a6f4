/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System control port A at 0x92 (PS/2 and every later chipset).
 * Source: IBM PS/2 Hardware Interface Technical Reference, "System control port A": bit 0 =
 * alternate hot reset (a 0 -> 1 transition resets the processor), bit 1 = alternate gate A20,
 * bit 3 = security lock, bits 6/7 = fixed-disk activity lights; Intel 82371 (PIIX3) data sheet
 * "Port 92h" (same bits 0 and 1).
 *
 * The A20 output is the OR of bit 1 and the 8042's A20 line (input 0), the way the chipset
 * feeds the CPU's A20M#; a board without port 0x92 wires the 8042 straight to the CPU.
 * Modelled: bits 0 and 1 as above, the other bits stored and read back.
 */
#include "chipset/port92.h"

#include "core/machine.h"

typedef struct Port92State {
    uint64_t port;
    uint8_t value;
    bool kbc_a20;
    bool a20;
    Device *dev;
} Port92State;

static const StateField port92_state_fields[] = {
    STATE_FIELD(Port92State, value, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(Port92State, kbc_a20, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Port92State, a20, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef port92_props[] = {
    {"port", PROP_UINT, offsetof(Port92State, port), 0, 0xFFFF, "0x92", NULL, "I/O port"},
    PROP_END,
};

static void port92_update(Port92State *s)
{
    bool a20 = s->kbc_a20 || (s->value & 2);
    if (a20 != s->a20) {
        s->a20 = a20;
        device_irq_set(s->dev, 0, a20);
    }
}

static uint32_t port92_read(void *opaque, uint16_t port, unsigned size)
{
    (void)port;
    (void)size;
    return ((Port92State *)((Device *)opaque)->s)->value;
}

static void port92_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)port;
    (void)size;
    Device *dev = opaque;
    Port92State *s = dev->s;
    uint8_t old = s->value;
    s->value = (uint8_t)value;
    port92_update(s);
    if ((value & 1) && !(old & 1)) {
        amber_log(&dev->machine->log, LOG_KBC, "port92: fast reset");
        machine_request_reset(dev->machine, RESET_WARM);
    }
}

static const IoOps port92_io_ops = {
    .read = port92_read,
    .write = port92_write,
    .sizes = 1,
};

static void port92_irq_in(void *opaque, int n, bool level)
{
    (void)n;
    Port92State *s = ((Device *)opaque)->s;
    s->kbc_a20 = level;
    port92_update(s);
}

static bool port92_realize(Device *dev, AmberError *err)
{
    Port92State *s = dev->s;
    s->dev = dev;
    return iobus_register(dev->machine->io, dev->id, (uint16_t)s->port, 1, &port92_io_ops, dev,
                          err);
}

static void port92_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    Port92State *s = dev->s;
    s->value = 0;
    /* Drive the output once so the CPU starts with the combined level. */
    s->a20 = !s->kbc_a20;
    port92_update(s);
}

/* Re-drives A20 for the CPU, which takes the level from the line. */
static bool port92_post_load(Device *dev, AmberError *err)
{
    (void)err;
    device_irq_set(dev, 0, ((Port92State *)dev->s)->a20);
    return true;
}

const DeviceClass port92_class = {
    .type = "port92",
    .desc = "System control port A (fast A20, fast reset)",
    .state_size = sizeof(Port92State),
    .state_version = 1,
    .state = port92_state_fields,
    .props = port92_props,
    .n_irq_out = 1,
    .n_irq_in = 1,
    .irq_in = port92_irq_in,
    .realize = port92_realize,
    .reset = port92_reset,
    .post_load = port92_post_load,
};
