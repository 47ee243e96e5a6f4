/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for device tests in the style of QEMU's qtest: a Machine without a CPU, devices added
 * and realized, ports poked through the I/O bus, guest time stepped with machine_run_until, and
 * irq outputs watched by probes that record every level change with its guest time.
 */
#ifndef AMBER_TESTS_DEVTEST_H
#define AMBER_TESTS_DEVTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/machine.h"
#include "core/savestate.h"
#include "testlib.h"

#define PROBE_MAX_EDGES 256

typedef struct Probe {
    Machine *m;
    bool level;
    unsigned rises;
    unsigned falls;
    unsigned n_edges;
    int64_t edge_time[PROBE_MAX_EDGES]; /* time of every change */
    bool edge_level[PROBE_MAX_EDGES];
} Probe;

static inline void probe_sink(void *opaque, int n, bool level)
{
    (void)n;
    Probe *p = opaque;
    if (level == p->level) {
        return;
    }
    p->level = level;
    if (level) {
        p->rises++;
    } else {
        p->falls++;
    }
    if (p->n_edges < PROBE_MAX_EDGES) {
        p->edge_time[p->n_edges] = clock_now(p->m->clock);
        p->edge_level[p->n_edges] = level;
        p->n_edges++;
    }
}

static inline void probe_clear(Probe *p)
{
    p->rises = p->falls = p->n_edges = 0;
}

static inline void probe_attach(TestCtx *t, Device *dev, unsigned out, Probe *p)
{
    AmberError err = {0};
    p->m = dev->machine;
    p->level = false;
    probe_clear(p);
    bool ok = device_connect_irq_sink(dev, out, probe_sink, p, 0, &err);
    if (!ok) {
        fprintf(stderr, "connect: %s\n", err.msg);
    }
    T_CHECK(t, ok);
}

static inline Machine *dt_machine(TestCtx *t)
{
    AmberError err = {0};
    Machine *m = machine_new(32, &err);
    if (!m) {
        fprintf(stderr, "machine_new: %s\n", err.msg);
    }
    T_CHECK(t, m != NULL);
    return m;
}

static inline Device *dt_add(TestCtx *t, Machine *m, const DeviceClass *cls, const char *id)
{
    AmberError err = {0};
    Device *d = machine_add_device(m, cls, id, &err);
    if (!d) {
        fprintf(stderr, "add %s: %s\n", id, err.msg);
    }
    T_CHECK(t, d != NULL);
    return d;
}

static inline bool dt_prop(TestCtx *t, Device *d, const char *name, const char *value)
{
    AmberError err = {0};
    bool ok = device_set_prop(d, name, value, NULL, &err);
    if (!ok) {
        fprintf(stderr, "prop %s=%s: %s\n", name, value, err.msg);
    }
    T_CHECK(t, ok);
    return ok;
}

static inline bool dt_realize(TestCtx *t, Machine *m)
{
    AmberError err = {0};
    bool ok = machine_realize(m, &err);
    if (!ok) {
        fprintf(stderr, "realize: %s\n", err.msg);
    }
    T_CHECK(t, ok);
    return ok;
}

static inline int64_t dt_now(Machine *m)
{
    return clock_now(m->clock);
}

/* Advances guest time by ns. */
static inline void dt_step(Machine *m, int64_t ns)
{
    machine_run_until(m, clock_now(m->clock) + ns);
}

static inline uint8_t inb(Machine *m, uint16_t port) { return iobus_read8(m->io, port); }
static inline uint16_t inw(Machine *m, uint16_t port) { return iobus_read16(m->io, port); }
static inline uint32_t inl(Machine *m, uint16_t port) { return iobus_read32(m->io, port); }
static inline void outb(Machine *m, uint16_t port, uint8_t v) { iobus_write8(m->io, port, v); }
static inline void outw(Machine *m, uint16_t port, uint16_t v) { iobus_write16(m->io, port, v); }
static inline void outl(Machine *m, uint16_t port, uint32_t v) { iobus_write32(m->io, port, v); }

/* Saves m's state to path (a checked step of the test); true when it worked. */
static inline bool dt_save(TestCtx *t, Machine *m, const char *path)
{
    AmberError err = {0};
    bool ok = savestate_save(m, path, &err);
    if (!ok) {
        fprintf(stderr, "save: %s\n", err.msg);
    }
    T_CHECK(t, ok);
    return ok;
}

/* Loads path into m (a checked step of the test); true when it worked. */
static inline bool dt_load(TestCtx *t, Machine *m, const char *path)
{
    AmberError err = {0};
    bool ok = savestate_load(m, path, &err);
    if (!ok) {
        fprintf(stderr, "load: %s\n", err.msg);
    }
    T_CHECK(t, ok);
    return ok;
}

/* Overwrites a U8/U16/U32/BOOL field (its first element) of dev's state table, found by name, as a
 * crafted save-state file could, then runs the class's post_load hook: true when the hook
 * accepted the state. */
static inline bool dt_poke_post_load(TestCtx *t, Device *dev, const char *field, unsigned value,
                                     AmberError *err)
{
    const StateField *f = dev->cls->state;
    while (f && f->name && strcmp(f->name, field) != 0) {
        f++;
    }
    T_CHECK(t, f && f->name && dev->cls->post_load);
    if (!f || !f->name || !dev->cls->post_load) {
        return true;
    }
    uint8_t *p = (uint8_t *)dev->s + f->offset;
    if (f->kind == STATE_BOOL) {
        bool v = value != 0;
        memcpy(p, &v, sizeof v);
    } else if (f->kind == STATE_U32) {
        uint32_t v = value;
        memcpy(p, &v, sizeof v);
    } else if (f->kind == STATE_U16) {
        uint16_t v = (uint16_t)value;
        memcpy(p, &v, sizeof v);
    } else {
        T_EQ(t, f->kind, STATE_U8);
        *p = (uint8_t)value;
    }
    return dev->cls->post_load(dev, err);
}

#endif
