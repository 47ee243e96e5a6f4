/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PS/2 port: the seam between a keyboard controller (8042) and the devices on its two ports
 * (keyboard, mouse), in the spirit of isadma.h. Neither side includes the other's header.
 *
 * The controller owns a Ps2Port per port and fills in data_ready/ctrl/index; the device attaches
 * itself with ps2_port_attach (its ops and opaque). The device keeps its own output queue: when it
 * queues a byte it calls ps2_port_notify(); the controller pulls bytes with ops->pop when its
 * output buffer is free and the port is enabled (a disabled port holds the clock low, so the
 * device keeps its bytes). Bytes from the controller reach the device through ops->write.
 *
 * The board wires them: ps2kbd_attach(kbd, kbc8042_port(kbc, 0)) (see those headers).
 */
#ifndef AMBER_CHIPSET_PS2_H
#define AMBER_CHIPSET_PS2_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Ps2DeviceOps {
    /* A byte from the controller (a command or its parameter). */
    void (*write)(void *dev, uint8_t byte);
    /* Takes the next byte for the controller; false when the queue is empty. */
    bool (*pop)(void *dev, uint8_t *byte);
    /* True when a byte is waiting. */
    bool (*pending)(void *dev);
} Ps2DeviceOps;

typedef struct Ps2Port {
    const Ps2DeviceOps *ops; /* NULL while nothing is plugged in */
    void *dev;
    void (*data_ready)(void *ctrl, unsigned index);
    void *ctrl;
    unsigned index;
} Ps2Port;

static inline void ps2_port_attach(Ps2Port *port, const Ps2DeviceOps *ops, void *dev)
{
    if (port) {
        port->ops = ops;
        port->dev = dev;
    }
}

static inline void ps2_port_notify(Ps2Port *port)
{
    if (port && port->data_ready) {
        port->data_ready(port->ctrl, port->index);
    }
}

/* A small byte queue that PS/2 devices embed in their state (and list in their state table). */
#define PS2_QUEUE_SIZE 16
typedef struct Ps2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    uint8_t head;  /* index of the oldest byte */
    uint8_t count;
} Ps2Queue;

static inline bool ps2_queue_push(Ps2Queue *q, uint8_t b)
{
    if (q->count >= PS2_QUEUE_SIZE) {
        return false;
    }
    q->data[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
    return true;
}

static inline bool ps2_queue_pop(Ps2Queue *q, uint8_t *b)
{
    if (!q->count) {
        return false;
    }
    *b = q->data[q->head];
    q->head = (uint8_t)((q->head + 1) % PS2_QUEUE_SIZE);
    q->count--;
    return true;
}

static inline void ps2_queue_clear(Ps2Queue *q)
{
    q->head = 0;
    q->count = 0;
}

/* False for positions a save-state file could hold but the queue cannot (head indexes data[]);
 * devices check it in their post_load hook. */
static inline bool ps2_queue_valid(const Ps2Queue *q)
{
    return q->head < PS2_QUEUE_SIZE && q->count <= PS2_QUEUE_SIZE;
}

#endif
