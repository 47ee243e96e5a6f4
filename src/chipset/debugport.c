/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug console ports of emulated PCs (no real chip): port 0xE9 is the Bochs "port E9 hack"
 * console (Bochs iodev/iodebug, QEMU isa-debugcon), port 0x402 is where SeaBIOS and SeaVGABIOS
 * print their log (SeaBIOS src/hw/serialio.c: it keeps logging only if a read of 0x402 returns
 * 0xE9; platform-bringup notes §5).
 *
 * Writes are gathered into lines; each complete line goes to the machine log (component
 * debugcon) and all output is kept in a host-side buffer for tests and front ends. That buffer
 * is host state: it is not part of the saved machine state, and a save-state load keeps it.
 * POST codes on port 0x80 are logged by the DMA page register device (dma8237.c), which owns
 * port 0x80 so the page register there still reads back.
 */
#include "chipset/debugport.h"

#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

#define DEBUGPORT_MAX_TEXT (1u << 20)
#define DEBUGPORT_LINE 256

typedef struct DebugPortState {
    bool e9;
    bool p402;

    Device *dev;
    char *text; /* all output, NUL-terminated */
    size_t len;
    size_t cap;
    char line[DEBUGPORT_LINE];
    size_t line_len;
} DebugPortState;

static const PropDef debugport_props[] = {
    {"e9", PROP_BOOL, offsetof(DebugPortState, e9), 0, 0, "true", NULL,
     "Bochs/QEMU debug console at port 0xE9"},
    {"p402", PROP_BOOL, offsetof(DebugPortState, p402), 0, 0, "true", NULL,
     "SeaBIOS debug log at port 0x402"},
    PROP_END,
};

static void debugport_flush_line(DebugPortState *s)
{
    s->line[s->line_len] = 0;
    amber_log(&s->dev->machine->log, LOG_DEBUGCON, "debugcon: %s", s->line);
    s->line_len = 0;
}

static void debugport_append(DebugPortState *s, char c)
{
    if (s->len + 2 > s->cap) {
        if (s->cap >= DEBUGPORT_MAX_TEXT) {
            /* Drop the older half: the host mostly wants what came last. */
            size_t keep = s->len / 2;
            memmove(s->text, s->text + (s->len - keep), keep);
            s->len = keep;
        } else {
            size_t cap = s->cap ? s->cap * 2 : 4096;
            char *t = realloc(s->text, cap);
            if (!t) {
                return; /* out of memory: the text is lost, the guest runs on */
            }
            s->text = t;
            s->cap = cap;
        }
    }
    s->text[s->len++] = c;
    s->text[s->len] = 0;
}

static void debugport_putc(DebugPortState *s, uint8_t c)
{
    debugport_append(s, (char)c);
    if (c == '\n') {
        debugport_flush_line(s);
        return;
    }
    if (c == '\r') {
        return;
    }
    s->line[s->line_len++] = (char)c;
    if (s->line_len == DEBUGPORT_LINE - 1) {
        debugport_flush_line(s);
    }
}

static uint32_t debugport_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    (void)size;
    return 0xE9;
}

static void debugport_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    (void)port;
    (void)size;
    debugport_putc(((Device *)opaque)->s, (uint8_t)value);
}

static const IoOps debugport_io_ops = {
    .read = debugport_read,
    .write = debugport_write,
    .sizes = 1,
};

const char *debugport_text(Device *dev)
{
    DebugPortState *s = dev->s;
    return s->text ? s->text : "";
}

size_t debugport_text_len(Device *dev)
{
    return ((DebugPortState *)dev->s)->len;
}

void debugport_clear(Device *dev)
{
    DebugPortState *s = dev->s;
    s->len = 0;
    if (s->text) {
        s->text[0] = 0;
    }
}

static bool debugport_realize(Device *dev, AmberError *err)
{
    DebugPortState *s = dev->s;
    IoBus *io = dev->machine->io;
    s->dev = dev;
    if (s->e9 && !iobus_register(io, dev->id, 0xE9, 1, &debugport_io_ops, dev, err)) {
        return false;
    }
    if (s->p402 && !iobus_register(io, dev->id, 0x402, 1, &debugport_io_ops, dev, err)) {
        return false;
    }
    return true;
}

static void debugport_unrealize(Device *dev)
{
    DebugPortState *s = dev->s;
    free(s->text);
    s->text = NULL;
    s->len = s->cap = 0;
}

const DeviceClass debugport_class = {
    .type = "debugport",
    .desc = "Debug console ports 0xE9 and 0x402",
    .state_size = sizeof(DebugPortState),
    .state_version = 1,
    .props = debugport_props,
    .realize = debugport_realize,
    .unrealize = debugport_unrealize,
};
