/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * National Semiconductor PC16550D UART with FIFOs.
 * Source: PC16550D data sheet (National, June 1995): "Registers" (RBR/THR, IER, IIR, FCR, LCR,
 * MCR, LSR, MSR, SCR, DLL/DLM), table IV "Interrupt control functions" (priorities: receiver
 * line status, received data available, character timeout, THR empty, modem status; THRE is
 * cleared by reading IIR when it is the source or by writing THR), "FIFO interrupt mode
 * operation" (trigger levels 1/4/8/14; timeout after 4 character times without activity),
 * "Loopback" (MCR bit 4: TX to RX internally; CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2).
 * IBM PC/AT Technical Reference, serial adapter: the interrupt line is gated by MCR OUT2;
 * the 1.8432 MHz crystal (baud = 115200 / divisor).
 *
 * Timing on guest time: a transmitted character leaves the shift register after its character
 * time (start + data + parity + stop bits at the programmed rate), then goes to the backend (or,
 * in loopback, into the receiver). Host input queues on a 256-byte "line" and each byte arrives
 * one character time after the previous one. The host's line buffer is part of the saved state.
 *
 * Modelled: DLAB and the divisor, LCR word length/stop/parity (for timing), 16-byte RX/TX FIFOs
 * and the 16450 (FIFO off) holding register, trigger levels, character timeout, overrun,
 * all interrupt sources with their priority in IIR (bits 7:6 = FIFOs enabled), THRE on enabling
 * ETBEI with the THR empty, loopback with the modem lines, MSR deltas, scratch register.
 * Not modelled: parity/framing errors and break (the host line carries no errors; LCR break
 * only stops nothing), DMA mode signalling (FCR bit 3 stored), the internal clock prescaler of
 * later parts. DLL/DLM reset to divisor 12 (9600 baud) instead of the chip's undefined value.
 */
#include "chipset/uart16550.h"

#include <stdio.h>

#include "core/machine.h"

enum {
    IER_RDA = 0x01,
    IER_THRE = 0x02,
    IER_RLS = 0x04,
    IER_MS = 0x08,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01,
    MCR_RTS = 0x02,
    MCR_OUT1 = 0x04,
    MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,
    LSR_DR = 0x01,
    LSR_OE = 0x02,
    LSR_ERRORS = 0x1E,
    LSR_THRE = 0x20,
    LSR_TEMT = 0x40,
    MSR_CTS = 0x10,
    MSR_DSR = 0x20,
    MSR_RI = 0x40,
    MSR_DCD = 0x80,
};

#define UART_FIFO 16
#define UART_LINE 256
#define UART_CLOCK_HZ 1843200u

typedef struct UartState {
    uint64_t base;
    uint64_t irq_number;
    bool out2_gates;

    uint8_t rx[UART_FIFO];
    uint8_t rx_head;
    uint8_t rx_count;
    uint8_t tx[UART_FIFO];
    uint8_t tx_head;
    uint8_t tx_count;
    uint8_t tsr;
    uint8_t tsr_busy;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
    uint8_t thre_pending;
    uint8_t timeout_pending;
    uint8_t modem_in; /* host levels of CTS/DSR/RI/DCD in MSR bit positions */
    uint8_t line[UART_LINE];
    uint16_t line_head;
    uint16_t line_count;
    bool irq;

    Device *dev;
    Event *ev_tx;
    Event *ev_rx;
    Event *ev_timeout;
    UartTxFn backend;
    void *backend_opaque;
} UartState;

static const StateField uart_state_fields[] = {
    STATE_FIELD(UartState, rx, STATE_BYTES, UART_FIFO, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, rx_head, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, rx_count, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, tx, STATE_BYTES, UART_FIFO, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, tx_head, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, tx_count, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, tsr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, tsr_busy, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, ier, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, lcr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, mcr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, lsr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, msr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, scr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, fcr, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, dll, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, dlm, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, thre_pending, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, timeout_pending, STATE_U8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, modem_in, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, line, STATE_BYTES, UART_LINE, STATE_FMT_HEX, 1),
    STATE_FIELD(UartState, line_head, STATE_U16, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, line_count, STATE_U16, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(UartState, irq, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef uart_props[] = {
    {"base", PROP_UINT, offsetof(UartState, base), 0, 0xFFF8, "0x3F8", NULL, "I/O base"},
    {"irq", PROP_UINT, offsetof(UartState, irq_number), 0, 15, "4", NULL,
     "ISA IRQ the board connects the interrupt output to"},
    {"out2_gates_irq", PROP_BOOL, offsetof(UartState, out2_gates), 0, 0, "true", NULL,
     "the interrupt reaches the bus only while MCR OUT2 is set (PC serial adapters)"},
    PROP_END,
};

static bool uart_fifo_on(const UartState *s)
{
    return s->fcr & 1;
}

/* Character time in ns: start + data + parity + stop bits, 16 clocks per bit at divisor. */
static int64_t uart_char_ns(const UartState *s)
{
    unsigned div = (unsigned)s->dll | (unsigned)s->dlm << 8;
    if (div == 0) {
        div = 0x10000;
    }
    unsigned data = 5 + (s->lcr & 3);
    unsigned half_bits = 2 * (1 + data + ((s->lcr & 0x08) ? 1 : 0));
    if (s->lcr & 0x04) {
        half_bits += data == 5 ? 3 : 4; /* 1.5 or 2 stop bits */
    } else {
        half_bits += 2;
    }
    return (int64_t)((uint64_t)half_bits * 16u * div * 1000000000ull / (2ull * UART_CLOCK_HZ));
}

static unsigned uart_trigger(const UartState *s)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};
    return levels[s->fcr >> 6];
}

static uint8_t uart_iir(const UartState *s)
{
    uint8_t id;
    bool rda = uart_fifo_on(s) ? s->rx_count >= uart_trigger(s) : (s->lsr & LSR_DR);
    if ((s->ier & IER_RLS) && (s->lsr & LSR_ERRORS)) {
        id = 0x06;
    } else if ((s->ier & IER_RDA) && rda) {
        id = 0x04;
    } else if ((s->ier & IER_RDA) && s->timeout_pending) {
        id = 0x0C;
    } else if ((s->ier & IER_THRE) && s->thre_pending) {
        id = 0x02;
    } else if ((s->ier & IER_MS) && (s->msr & 0x0F)) {
        id = 0x00;
    } else {
        id = 0x01;
    }
    return (uint8_t)(id | (uart_fifo_on(s) ? 0xC0 : 0));
}

static void uart_update_irq(UartState *s)
{
    bool irq = !(uart_iir(s) & 1);
    if (s->out2_gates && !(s->mcr & MCR_OUT2)) {
        irq = false;
    }
    if (irq != s->irq) {
        s->irq = irq;
        device_irq_set(s->dev, 0, irq);
    }
}

static void uart_update_lsr_tx(UartState *s)
{
    s->lsr &= (uint8_t) ~(LSR_THRE | LSR_TEMT);
    if (!s->tx_count) {
        s->lsr |= LSR_THRE;
        if (!s->tsr_busy) {
            s->lsr |= LSR_TEMT;
        }
    }
}

/* Moves the next byte from the THR/FIFO into the shift register. */
static void uart_start_tx(UartState *s)
{
    if (s->tsr_busy || !s->tx_count) {
        return;
    }
    s->tsr = s->tx[s->tx_head];
    s->tx_head = (uint8_t)((s->tx_head + 1) % UART_FIFO);
    s->tx_count--;
    s->tsr_busy = 1;
    if (!s->tx_count) {
        s->thre_pending = 1;
    }
    uart_update_lsr_tx(s);
    clock_event_arm_in(s->ev_tx, uart_char_ns(s));
}

static void uart_arm_timeout(UartState *s)
{
    clock_event_cancel(s->ev_timeout);
    if (uart_fifo_on(s) && s->rx_count) {
        clock_event_arm_in(s->ev_timeout, 4 * uart_char_ns(s));
    }
}

static void uart_receive_char(UartState *s, uint8_t b)
{
    if (uart_fifo_on(s)) {
        if (s->rx_count >= UART_FIFO) {
            s->lsr |= LSR_OE; /* the shift register's byte is lost */
        } else {
            s->rx[(s->rx_head + s->rx_count) % UART_FIFO] = b;
            s->rx_count++;
        }
    } else {
        if (s->lsr & LSR_DR) {
            s->lsr |= LSR_OE;
        }
        s->rx[0] = b;
        s->rx_head = 0;
        s->rx_count = 1;
    }
    s->lsr |= LSR_DR;
    s->timeout_pending = 0;
    uart_arm_timeout(s);
    uart_update_irq(s);
}

static void uart_tx_event(void *opaque, int64_t now)
{
    (void)now;
    UartState *s = opaque;
    uint8_t b = s->tsr;
    s->tsr_busy = 0;
    if (s->mcr & MCR_LOOP) {
        uart_receive_char(s, b);
    } else if (s->backend) {
        s->backend(s->backend_opaque, b);
    }
    uart_update_lsr_tx(s);
    uart_start_tx(s);
    uart_update_irq(s);
}

static void uart_arm_rx(UartState *s)
{
    if (s->line_count && !(s->mcr & MCR_LOOP) && !clock_event_pending(s->ev_rx)) {
        clock_event_arm_in(s->ev_rx, uart_char_ns(s));
    }
}

static void uart_rx_event(void *opaque, int64_t now)
{
    (void)now;
    UartState *s = opaque;
    if (!s->line_count || (s->mcr & MCR_LOOP)) {
        return;
    }
    uint8_t b = s->line[s->line_head];
    s->line_head = (uint16_t)((s->line_head + 1) % UART_LINE);
    s->line_count--;
    uart_receive_char(s, b);
    uart_arm_rx(s);
}

static void uart_timeout_event(void *opaque, int64_t now)
{
    (void)now;
    UartState *s = opaque;
    if (uart_fifo_on(s) && s->rx_count) {
        s->timeout_pending = 1;
        uart_update_irq(s);
    }
}

/* MSR from the modem inputs (or, in loopback, from MCR), with delta bits for changes. */
static void uart_update_msr(UartState *s)
{
    uint8_t in;
    if (s->mcr & MCR_LOOP) {
        in = (uint8_t)(((s->mcr & MCR_RTS) ? MSR_CTS : 0) | ((s->mcr & MCR_DTR) ? MSR_DSR : 0) |
                       ((s->mcr & MCR_OUT1) ? MSR_RI : 0) | ((s->mcr & MCR_OUT2) ? MSR_DCD : 0));
    } else {
        in = s->modem_in;
    }
    uint8_t old = s->msr & 0xF0;
    uint8_t delta = 0;
    if ((old ^ in) & MSR_CTS) {
        delta |= 0x01;
    }
    if ((old ^ in) & MSR_DSR) {
        delta |= 0x02;
    }
    if ((old & MSR_RI) && !(in & MSR_RI)) {
        delta |= 0x04; /* trailing edge of RI */
    }
    if ((old ^ in) & MSR_DCD) {
        delta |= 0x08;
    }
    s->msr = (uint8_t)(in | (s->msr & 0x0F) | delta);
}

static uint8_t uart_read(UartState *s, unsigned reg)
{
    uint8_t v;
    switch (reg) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            return s->dll;
        }
        v = s->rx_count ? s->rx[s->rx_head] : s->rx[(s->rx_head + UART_FIFO - 1) % UART_FIFO];
        if (s->rx_count) {
            s->rx_head = (uint8_t)((s->rx_head + 1) % UART_FIFO);
            s->rx_count--;
        }
        if (!s->rx_count) {
            s->lsr &= (uint8_t)~LSR_DR;
        }
        s->timeout_pending = 0;
        uart_arm_timeout(s);
        uart_update_irq(s);
        return v;
    case 1:
        return (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
    case 2:
        v = uart_iir(s);
        if ((v & 0x0F) == 0x02) {
            s->thre_pending = 0; /* reading IIR clears a THRE interrupt it reports */
            uart_update_irq(s);
        }
        return v;
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        v = s->lsr;
        s->lsr &= (uint8_t)~LSR_ERRORS;
        uart_update_irq(s);
        return v;
    case 6:
        v = s->msr;
        s->msr &= 0xF0;
        uart_update_irq(s);
        return v;
    default:
        return s->scr;
    }
}

static void uart_write(UartState *s, unsigned reg, uint8_t v)
{
    switch (reg) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            s->dll = v;
            return;
        }
        if (uart_fifo_on(s)) {
            if (s->tx_count < UART_FIFO) {
                s->tx[(s->tx_head + s->tx_count) % UART_FIFO] = v;
                s->tx_count++;
            }
        } else {
            s->tx[0] = v; /* the holding register: a second write replaces the first */
            s->tx_head = 0;
            s->tx_count = 1;
        }
        s->thre_pending = 0;
        uart_update_lsr_tx(s);
        uart_start_tx(s);
        uart_update_irq(s);
        return;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->dlm = v;
            return;
        }
        if ((v & IER_THRE) && !(s->ier & IER_THRE) && (s->lsr & LSR_THRE)) {
            s->thre_pending = 1;
        }
        s->ier = v & 0x0F;
        uart_update_irq(s);
        return;
    case 2: {
        bool was_on = uart_fifo_on(s);
        s->fcr = v & 0xC9;
        if (was_on != uart_fifo_on(s) || (v & 0x02)) {
            s->rx_count = 0;
            s->rx_head = 0;
            s->lsr &= (uint8_t)~LSR_DR;
            s->timeout_pending = 0;
            clock_event_cancel(s->ev_timeout);
        }
        if (was_on != uart_fifo_on(s) || (v & 0x04)) {
            s->tx_count = 0;
            s->tx_head = 0;
            uart_update_lsr_tx(s);
        }
        uart_update_irq(s);
        return;
    }
    case 3:
        s->lcr = v;
        return;
    case 4: {
        bool was_loop = s->mcr & MCR_LOOP;
        s->mcr = v & 0x1F;
        uart_update_msr(s);
        if (was_loop && !(s->mcr & MCR_LOOP)) {
            uart_arm_rx(s);
        }
        uart_update_irq(s);
        return;
    }
    case 5:
    case 6:
        return; /* factory test registers: writes ignored */
    default:
        s->scr = v;
        return;
    }
}

static uint32_t uart_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    UartState *s = ((Device *)opaque)->s;
    return uart_read(s, (port - (unsigned)s->base) & 7);
}

static void uart_io_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)size;
    UartState *s = ((Device *)opaque)->s;
    uart_write(s, (port - (unsigned)s->base) & 7, (uint8_t)value);
}

static const IoOps uart_io_ops = {
    .read = uart_io_read,
    .write = uart_io_write,
    .sizes = 1,
};

void uart16550_set_backend(Device *dev, UartTxFn tx, void *opaque)
{
    UartState *s = dev->s;
    s->backend = tx;
    s->backend_opaque = opaque;
}

size_t uart16550_rx_space(Device *dev)
{
    return UART_LINE - ((UartState *)dev->s)->line_count;
}

size_t uart16550_receive(Device *dev, const uint8_t *buf, size_t len)
{
    UartState *s = dev->s;
    size_t n = 0;
    while (n < len && s->line_count < UART_LINE) {
        s->line[(s->line_head + s->line_count) % UART_LINE] = buf[n++];
        s->line_count++;
    }
    uart_arm_rx(s);
    return n;
}

void uart16550_set_modem_inputs(Device *dev, bool cts, bool dsr, bool ri, bool dcd)
{
    UartState *s = dev->s;
    s->modem_in = (uint8_t)((cts ? MSR_CTS : 0) | (dsr ? MSR_DSR : 0) | (ri ? MSR_RI : 0) |
                            (dcd ? MSR_DCD : 0));
    uart_update_msr(s);
    uart_update_irq(s);
}

unsigned uart16550_irq_number(Device *dev)
{
    return (unsigned)((UartState *)dev->s)->irq_number;
}

static bool uart_realize(Device *dev, AmberError *err)
{
    UartState *s = dev->s;
    Machine *m = dev->machine;
    char name[128];
    s->dev = dev;
    s->modem_in = MSR_CTS | MSR_DSR | MSR_DCD;
    if (!iobus_register(m->io, dev->id, (uint16_t)s->base, 8, &uart_io_ops, dev, err)) {
        return false;
    }
    snprintf(name, sizeof name, "%s.tx", dev->id);
    s->ev_tx = clock_event_new(m->clock, name, uart_tx_event, s, err);
    snprintf(name, sizeof name, "%s.rx", dev->id);
    s->ev_rx = s->ev_tx ? clock_event_new(m->clock, name, uart_rx_event, s, err) : NULL;
    snprintf(name, sizeof name, "%s.timeout", dev->id);
    s->ev_timeout = s->ev_rx ? clock_event_new(m->clock, name, uart_timeout_event, s, err) : NULL;
    return s->ev_timeout != NULL;
}

/* Master reset (data sheet table II): IER, IIR, FCR, LCR, MCR cleared, LSR = THRE|TEMT, MSR
 * deltas cleared; the FIFOs are emptied. The host line keeps what it carries. */
static void uart_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    UartState *s = dev->s;
    s->ier = s->lcr = s->mcr = s->fcr = 0;
    s->scr = 0;
    s->dll = 12;
    s->dlm = 0;
    s->rx_count = s->rx_head = s->tx_count = s->tx_head = 0;
    s->tsr_busy = 0;
    s->thre_pending = 0;
    s->timeout_pending = 0;
    s->lsr = LSR_THRE | LSR_TEMT;
    s->msr = s->modem_in;
    s->irq = false;
    device_irq_set(dev, 0, false);
    clock_event_cancel(s->ev_tx);
    clock_event_cancel(s->ev_timeout);
    clock_event_cancel(s->ev_rx);
    uart_arm_rx(s);
}

/* Rejects ring positions a save-state file could hold but the FIFOs cannot (they index the
 * buffers directly), then re-drives the interrupt line for sinks that do not save their level. */
static bool uart_post_load(Device *dev, AmberError *err)
{
    UartState *s = dev->s;
    if (s->rx_head >= UART_FIFO || s->rx_count > UART_FIFO || s->tx_head >= UART_FIFO ||
        s->tx_count > UART_FIFO || s->line_head >= UART_LINE || s->line_count > UART_LINE) {
        return amber_error(err, "%s: inconsistent UART FIFO state", dev->id);
    }
    device_irq_set(dev, 0, s->irq);
    return true;
}

const DeviceClass uart16550_class = {
    .type = "uart16550",
    .desc = "PC16550D UART with FIFOs",
    .state_size = sizeof(UartState),
    .state_version = 1,
    .state = uart_state_fields,
    .props = uart_props,
    .n_irq_out = 1,
    .realize = uart_realize,
    .reset = uart_reset,
    .post_load = uart_post_load,
};
