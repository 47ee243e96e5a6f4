/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8259A Programmable Interrupt Controller, as the PC/AT's master + slave pair.
 * Source: Intel 8259A data sheet (order no. 231468), "Interrupt sequence", "Programming the
 * 8259A" (ICW1-ICW4, OCW1-OCW3), "Edge and level triggered modes", "The special mask mode",
 * "Poll command", "Cascade mode"; Intel 82371FB/SB (PIIX/PIIX3) data sheet, ELCR1/ELCR2.
 *
 * Both chips live in one device because the cascade (slave INT -> master IR2, and the slave
 * answering the second INTA pulse when the master picked a slave input) is internal wiring of
 * every AT-class board; one device also gives the CPU one INTA function. With cascade=off the
 * device is a single 8259 (PC/XT).
 *
 * Modelled: ICW1-ICW4 (edge/level via LTIM, single/cascade, ICW4 optional), OCW1 mask, OCW2
 * non-specific/specific EOI, rotate on EOI, set priority, rotate in automatic-EOI mode, OCW3
 * IRR/ISR read select, poll command, special mask mode; special fully nested mode on the master;
 * automatic EOI; spurious IRQ 7 (master) and IRQ 15 (slave: the master's IR2 in-service bit is set,
 * as the data sheet's cascade sequence does); the PIIX3 ELCR at 0x4D0/0x4D1 (per-line level
 * triggering; bits for IRQ 0, 1, 2, 8, 13 are read-only 0 as on the PIIX3).
 *
 * Edge mode: a rising input sets IRR; a falling input does not clear it (emulators' common choice,
 * so a device that pulses its line is never lost). The request is cleared by the acknowledge.
 * Level mode: IRR follows the input and is not cleared by the acknowledge.
 * Not modelled: 8080/8085 call mode (uPM = 0 is logged and treated as 8086 mode), buffered mode
 * and the master/slave select of ICW4 (they only change pin functions), the ADI interval bit.
 */
#include "chipset/pic8259.h"

#include <stdio.h>

#include "core/machine.h"

enum {
    ICW1_IC4 = 0x01,
    ICW1_SNGL = 0x02,
    ICW1_LTIM = 0x08,
    ICW4_UPM = 0x01,
    ICW4_AEOI = 0x02,
    ICW4_SFNM = 0x10,
};

typedef struct PicState {
    /* Props. */
    uint64_t master_base;
    uint64_t slave_base;
    uint64_t elcr_base;
    bool cascade;
    bool elcr_enable;

    /* Per chip: index 0 = master, 1 = slave. */
    uint8_t irr[2];
    uint8_t isr[2];
    uint8_t imr[2];
    uint8_t lines[2]; /* current level of each input (edge detection) */
    uint8_t elcr[2];  /* PIIX3 ELCR: 1 = level triggered */
    uint8_t icw1[2];
    uint8_t vector[2]; /* ICW2 & 0xF8 */
    uint8_t icw3[2];
    uint8_t icw4[2];
    uint8_t init_step[2]; /* 0 = operational, else the ICW expected next (2, 3, 4) */
    uint8_t lowest[2];    /* the IR with the lowest priority (rotation state) */
    uint8_t read_isr[2];  /* OCW3 RR/RIS: reads of port 0 return ISR */
    uint8_t poll[2];      /* OCW3 P: next read of port 0 is a poll */
    uint8_t special_mask[2];
    uint8_t rotate_aeoi[2];
    bool intr;

    bool once_upm;
    Device *dev;
} PicState;

static const StateField pic_state_fields[] = {
    STATE_FIELD(PicState, irr, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, isr, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, imr, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, lines, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, elcr, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, icw1, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, vector, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, icw3, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, icw4, STATE_U8, 2, STATE_FMT_HEX, 1),
    STATE_FIELD(PicState, init_step, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PicState, lowest, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PicState, read_isr, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PicState, poll, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PicState, special_mask, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PicState, rotate_aeoi, STATE_U8, 2, STATE_FMT_DEC, 1),
    STATE_FIELD(PicState, intr, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef pic_props[] = {
    {"master", PROP_UINT, offsetof(PicState, master_base), 0, 0xFFFE, "0x20", NULL,
     "I/O base of the master 8259"},
    {"slave", PROP_UINT, offsetof(PicState, slave_base), 0, 0xFFFE, "0xA0", NULL,
     "I/O base of the slave 8259"},
    {"cascade", PROP_BOOL, offsetof(PicState, cascade), 0, 0, "true", NULL,
     "two 8259s with the slave on master IR2 (AT); false = one 8259 (XT)"},
    {"elcr", PROP_BOOL, offsetof(PicState, elcr_enable), 0, 0, "false", NULL,
     "PIIX-style edge/level control registers"},
    {"elcr_base", PROP_UINT, offsetof(PicState, elcr_base), 0, 0xFFFE, "0x4D0", NULL,
     "I/O base of ELCR1/ELCR2"},
    PROP_END,
};

/* PIIX3 data sheet, ELCR1/ELCR2: IRQ 0, 1, 2 and IRQ 8, 13 must stay edge triggered. */
static const uint8_t pic_elcr_mask[2] = {0xF8, 0xDE};

/* Priority rank of ir on chip c: 0 is the highest. */
static unsigned pic_rank(const PicState *s, int c, unsigned ir)
{
    return (ir - s->lowest[c] - 1) & 7;
}

/* The IR of mask with the highest priority, or -1. */
static int pic_highest(const PicState *s, int c, uint8_t mask)
{
    if (!mask) {
        return -1;
    }
    for (unsigned r = 0; r < 8; r++) {
        unsigned ir = (s->lowest[c] + 1 + r) & 7;
        if (mask & (1u << ir)) {
            return (int)ir;
        }
    }
    return -1;
}

static bool pic_level_mode(const PicState *s, int c, unsigned ir)
{
    return (s->icw1[c] & ICW1_LTIM) || (s->elcr[c] & (1u << ir));
}

/* The request chip c would present on INT now, or -1 (data sheet: priority resolver). */
static int pic_pending(const PicState *s, int c)
{
    uint8_t req = s->irr[c] & (uint8_t)~s->imr[c];
    if (s->special_mask[c]) {
        /* Special mask mode: every unmasked level not itself in service is enabled. */
        return pic_highest(s, c, req & (uint8_t)~s->isr[c]);
    }
    int best = pic_highest(s, c, req);
    if (best < 0) {
        return -1;
    }
    uint8_t in_service = s->isr[c];
    if (c == 0 && s->cascade && (s->icw4[0] & ICW4_SFNM)) {
        /* Special fully nested: a slave in service does not block more requests from it. */
        in_service &= (uint8_t)~s->icw3[0];
    }
    int cur = pic_highest(s, c, in_service);
    if (cur >= 0 && pic_rank(s, c, (unsigned)cur) <= pic_rank(s, c, (unsigned)best)) {
        return -1;
    }
    return best;
}

static void pic_input(PicState *s, int c, unsigned ir, bool level)
{
    uint8_t mask = (uint8_t)(1u << ir);
    if (pic_level_mode(s, c, ir)) {
        if (level) {
            s->irr[c] |= mask;
        } else {
            s->irr[c] &= (uint8_t)~mask;
        }
    } else if (level && !(s->lines[c] & mask)) {
        s->irr[c] |= mask;
    }
    if (level) {
        s->lines[c] |= mask;
    } else {
        s->lines[c] &= (uint8_t)~mask;
    }
}

static void pic_update(PicState *s)
{
    if (s->cascade) {
        pic_input(s, 0, 2, pic_pending(s, 1) >= 0);
    }
    bool intr = pic_pending(s, 0) >= 0;
    if (intr != s->intr) {
        s->intr = intr;
        device_irq_set(s->dev, 0, intr);
    }
}

/* The acknowledge of ir on chip c (INTA or poll). */
static void pic_ack(PicState *s, int c, unsigned ir)
{
    uint8_t mask = (uint8_t)(1u << ir);
    if (!pic_level_mode(s, c, ir)) {
        s->irr[c] &= (uint8_t)~mask;
    }
    if (s->icw4[c] & ICW4_AEOI) {
        if (s->rotate_aeoi[c]) {
            s->lowest[c] = (uint8_t)ir;
        }
    } else {
        s->isr[c] |= mask;
    }
}

uint8_t pic8259_inta(void *opaque)
{
    Device *dev = opaque;
    PicState *s = dev->s;
    uint8_t vec;
    int ir = pic_pending(s, 0);
    if (ir < 0) {
        /* Spurious: the request went away before the acknowledge; the chip answers IR7 and
         * sets no in-service bit. */
        vec = (uint8_t)(s->vector[0] | 7);
    } else {
        pic_ack(s, 0, (unsigned)ir);
        if (s->cascade && (s->icw3[0] & (1u << ir))) {
            int ir2 = pic_pending(s, 1);
            if (ir2 < 0) {
                vec = (uint8_t)(s->vector[1] | 7);
            } else {
                pic_ack(s, 1, (unsigned)ir2);
                vec = (uint8_t)(s->vector[1] | (unsigned)ir2);
            }
        } else {
            vec = (uint8_t)(s->vector[0] | (unsigned)ir);
        }
    }
    pic_update(s);
    amber_log(&dev->machine->log, LOG_PIC, "pic: INTA -> vector 0x%02x", vec);
    return vec;
}

bool pic8259_intr(Device *dev)
{
    return ((PicState *)dev->s)->intr;
}

static void pic_irq_in(void *opaque, int n, bool level)
{
    Device *dev = opaque;
    PicState *s = dev->s;
    if (n < 0 || n > 15) {
        return;
    }
    if (n >= 8) {
        if (!s->cascade) {
            return;
        }
        pic_input(s, 1, (unsigned)n - 8, level);
    } else {
        if (s->cascade && n == 2) {
            return; /* IR2 is the slave's INT */
        }
        pic_input(s, 0, (unsigned)n, level);
    }
    pic_update(s);
}

static void pic_eoi(PicState *s, int c, uint8_t ocw2)
{
    unsigned op = ocw2 >> 5;
    unsigned level = ocw2 & 7;
    int ir;
    switch (op) {
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        ir = pic_highest(s, c, s->isr[c]);
        if (ir >= 0) {
            s->isr[c] &= (uint8_t) ~(1u << ir);
            if (op == 5) {
                s->lowest[c] = (uint8_t)ir;
            }
        }
        break;
    case 3: /* specific EOI */
    case 7: /* rotate on specific EOI */
        s->isr[c] &= (uint8_t) ~(1u << level);
        if (op == 7) {
            s->lowest[c] = (uint8_t)level;
        }
        break;
    case 6: /* set priority: level becomes the lowest */
        s->lowest[c] = (uint8_t)level;
        break;
    case 4: /* set rotate in automatic EOI mode */
        s->rotate_aeoi[c] = 1;
        break;
    case 0: /* clear rotate in automatic EOI mode */
        s->rotate_aeoi[c] = 0;
        break;
    default: /* 2: no operation */
        break;
    }
}

static void pic_write(PicState *s, int c, unsigned a0, uint8_t v)
{
    Log *log = &s->dev->machine->log;
    if (a0 == 0) {
        if (v & 0x10) {
            /* ICW1 starts initialization (data sheet "Initialization command words"): the
             * edge sense latches are reset (so a line already high needs a new rising edge),
             * IMR and ISR are cleared, IR7 gets the lowest priority, special mask mode is
             * cleared, reads return IRR, and without IC4 every ICW4 function is zero. */
            s->icw1[c] = v;
            s->init_step[c] = 2;
            s->imr[c] = 0;
            s->isr[c] = 0;
            s->irr[c] = (v & ICW1_LTIM) ? s->lines[c] : (uint8_t)(s->lines[c] & s->elcr[c]);
            s->lowest[c] = 7;
            s->special_mask[c] = 0;
            s->read_isr[c] = 0;
            s->poll[c] = 0;
            s->rotate_aeoi[c] = 0;
            if (!(v & ICW1_IC4)) {
                s->icw4[c] = 0;
            }
            amber_log(log, LOG_PIC, "pic%d: ICW1 0x%02x", c, v);
        } else if (v & 0x08) {
            /* OCW3 */
            if (v & 0x04) {
                s->poll[c] = 1;
            }
            if (v & 0x02) {
                s->read_isr[c] = v & 1;
            }
            if (v & 0x40) {
                s->special_mask[c] = (v >> 5) & 1;
            }
        } else {
            pic_eoi(s, c, v);
        }
    } else {
        switch (s->init_step[c]) {
        case 2:
            s->vector[c] = v & 0xF8;
            if (!(s->icw1[c] & ICW1_SNGL)) {
                s->init_step[c] = 3;
            } else {
                s->init_step[c] = (s->icw1[c] & ICW1_IC4) ? 4 : 0;
            }
            break;
        case 3:
            s->icw3[c] = v;
            s->init_step[c] = (s->icw1[c] & ICW1_IC4) ? 4 : 0;
            break;
        case 4:
            s->icw4[c] = v;
            s->init_step[c] = 0;
            if (!(v & ICW4_UPM)) {
                amber_log_once(log, LOG_PIC, &s->once_upm,
                               "pic%d: 8080/8085 mode requested; running in 8086 mode", c);
            }
            break;
        default:
            s->imr[c] = v; /* OCW1 */
            break;
        }
    }
    pic_update(s);
}

static uint8_t pic_read(PicState *s, int c, unsigned a0)
{
    if (a0 == 1) {
        return s->imr[c];
    }
    if (s->poll[c]) {
        /* Poll: acts as an acknowledge; bit 7 = a request was pending, bits 2:0 its level. */
        s->poll[c] = 0;
        int ir = pic_pending(s, c);
        uint8_t r = 0;
        if (ir >= 0) {
            pic_ack(s, c, (unsigned)ir);
            r = (uint8_t)(0x80 | ir);
        }
        pic_update(s);
        return r;
    }
    return s->read_isr[c] ? s->isr[c] : s->irr[c];
}

static uint32_t pic_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    PicState *s = ((Device *)opaque)->s;
    if (s->elcr_enable && port >= s->elcr_base && port < s->elcr_base + 2) {
        return s->elcr[port - s->elcr_base];
    }
    int c = (port & ~1u) == s->master_base ? 0 : 1;
    return pic_read(s, c, port & 1);
}

static void pic_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    PicState *s = ((Device *)opaque)->s;
    if (s->elcr_enable && port >= s->elcr_base && port < s->elcr_base + 2) {
        int c = port - (int)s->elcr_base;
        s->elcr[c] = (uint8_t)value & pic_elcr_mask[c];
        /* Lines that became level triggered present their level at once. */
        s->irr[c] = (uint8_t)((s->irr[c] & ~s->elcr[c]) | (s->lines[c] & s->elcr[c]));
        pic_update(s);
        return;
    }
    int c = (port & ~1u) == s->master_base ? 0 : 1;
    pic_write(s, c, port & 1, (uint8_t)value);
}

static const IoOps pic_io_ops = {
    .read = pic_io_read,
    .write = pic_io_write,
    .sizes = 1,
};

static bool pic_realize(Device *dev, AmberError *err)
{
    PicState *s = dev->s;
    Machine *m = dev->machine;
    s->dev = dev;
    if (!iobus_register(m->io, dev->id, (uint16_t)s->master_base, 2, &pic_io_ops, dev, err)) {
        return false;
    }
    if (s->cascade &&
        !iobus_register(m->io, dev->id, (uint16_t)s->slave_base, 2, &pic_io_ops, dev, err)) {
        return false;
    }
    if (s->elcr_enable &&
        !iobus_register(m->io, dev->id, (uint16_t)s->elcr_base, 2, &pic_io_ops, dev, err)) {
        return false;
    }
    return true;
}

static void pic_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    PicState *s = dev->s;
    for (int c = 0; c < 2; c++) {
        s->irr[c] = 0;
        s->isr[c] = 0;
        s->imr[c] = 0;
        s->elcr[c] = 0;
        s->icw1[c] = 0;
        s->vector[c] = 0;
        s->icw3[c] = 0;
        s->icw4[c] = 0;
        s->init_step[c] = 0;
        s->lowest[c] = 7;
        s->read_isr[c] = 0;
        s->poll[c] = 0;
        s->special_mask[c] = 0;
        s->rotate_aeoi[c] = 0;
    }
    /* Input levels are the devices' business and survive the reset. */
    s->intr = false;
    device_irq_set(dev, 0, false);
}

/* Sinks that do not save their input level (a CPU's INTR pin) see it again after a load. */
static bool pic_post_load(Device *dev, AmberError *err)
{
    (void)err;
    device_irq_set(dev, 0, ((PicState *)dev->s)->intr);
    return true;
}

const DeviceClass pic8259_class = {
    .type = "pic8259",
    .desc = "Intel 8259A interrupt controller pair (master + slave)",
    .state_size = sizeof(PicState),
    .state_version = 1,
    .state = pic_state_fields,
    .props = pic_props,
    .n_irq_out = 1,
    .n_irq_in = 16,
    .irq_in = pic_irq_in,
    .realize = pic_realize,
    .reset = pic_reset,
    .post_load = pic_post_load,
};
