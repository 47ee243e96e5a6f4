/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines. A line connects a source (a device raising IRQ 6) to a sink (an input of a PIC,
 * an APIC, a CPU's INTR pin). The board wires them; devices only call irq_set(). A line whose sink
 * is not connected just records its level.
 */
#ifndef AMBER_CORE_IRQ_H
#define AMBER_CORE_IRQ_H

#include <stdbool.h>

typedef void (*IrqSinkFn)(void *opaque, int n, bool level);

typedef struct IrqLine {
    IrqSinkFn sink;
    void *opaque;
    int n;       /* which input of the sink */
    bool level;
} IrqLine;

static inline void irq_connect(IrqLine *line, IrqSinkFn sink, void *opaque, int n)
{
    line->sink = sink;
    line->opaque = opaque;
    line->n = n;
}

/* Calls the sink on every call, not only on changes: edge-triggered sinks (8259 edge mode) look
 * at the level they are given and keep their own edge latch. */
static inline void irq_set(IrqLine *line, bool level)
{
    if (!line) {
        return;
    }
    line->level = level;
    if (line->sink) {
        line->sink(line->opaque, line->n, level);
    }
}
static inline void irq_raise(IrqLine *line) { irq_set(line, true); }
static inline void irq_lower(IrqLine *line) { irq_set(line, false); }
static inline void irq_pulse(IrqLine *line)
{
    irq_set(line, true);
    irq_set(line, false);
}

#endif
