/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Machine: owns the log, the buses, the clock, the devices, the board and the CPU, and runs
 * them. Nothing here is global, so tests build several machines in one process.
 *
 * The run loop is the whole scheduler: the CPU runs until the earliest event deadline (or the
 * caller's target time), then the clock fires what is due. Devices only ever run from events and
 * from bus callbacks made by the CPU, so guest time alone decides what happens when.
 */
#include "core/machine.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/state.h"

/*
 * A device's state struct is allocated with a small header in front that points back at the
 * Device. State sections hand out dev->s as their base, and post_load hooks are called with only
 * that base; the header lets the trampoline below find the Device without any global table.
 */
typedef union DevStateHeader {
    Device *dev;
    max_align_t align_;
} DevStateHeader;

static void *dev_state_alloc(Device *dev, size_t size)
{
    DevStateHeader *h = calloc(1, sizeof *h + size);
    if (!h) {
        return NULL;
    }
    h->dev = dev;
    return h + 1;
}

static void dev_state_free(void *s)
{
    if (s) {
        free((DevStateHeader *)s - 1);
    }
}

static Device *dev_from_state(void *s)
{
    return ((DevStateHeader *)s - 1)->dev;
}

static bool dev_post_load_tramp(void *base, AmberError *err)
{
    Device *dev = dev_from_state(base);
    return dev->cls->post_load ? dev->cls->post_load(dev, err) : true;
}

/* Extra state sections (CPU, board extras), kept in a list hung off the machine. The Machine
 * struct is public and fixed, so the list lives in a private struct allocated with it. */
typedef struct ExtraSection {
    char *name;
    uint32_t version;
    const StateField *fields;
    void *base;
    bool (*post_load)(void *base, AmberError *err);
} ExtraSection;

typedef struct MachinePriv {
    Machine m; /* first, so a Machine * is a MachinePriv * */
    ExtraSection *extra;
    unsigned extra_count;
    unsigned extra_cap;
} MachinePriv;

static MachinePriv *machine_priv(Machine *m)
{
    return (MachinePriv *)m;
}

Machine *machine_new(unsigned addr_bits, AmberError *err)
{
    MachinePriv *p = calloc(1, sizeof *p);
    if (!p) {
        amber_error(err, "machine: out of memory");
        return NULL;
    }
    Machine *m = &p->m;
    amber_log_init(&m->log);
    m->mem = membus_new(addr_bits, &m->log, err);
    m->io = m->mem ? iobus_new(&m->log, err) : NULL;
    m->clock = m->io ? clock_new(err) : NULL;
    if (!m->clock) {
        machine_free(m);
        return NULL;
    }
    return m;
}

static void machine_free_device(Device *dev)
{
    if (dev->s) {
        prop_free_strings(dev->cls->props, dev->s);
    }
    dev_state_free(dev->s);
    free(dev->irq_out);
    free(dev->id);
    free(dev);
}

void machine_free(Machine *m)
{
    if (!m) {
        return;
    }
    /* Unrealize in reverse creation order, so a device goes before what it was built on. */
    unsigned n = 0;
    for (Device *d = m->devices; d; d = d->next) {
        n++;
    }
    for (unsigned i = n; i > 0; i--) {
        Device *d = m->devices;
        for (unsigned j = 1; j < i; j++) {
            d = d->next;
        }
        if (d->realized && d->cls->unrealize) {
            d->cls->unrealize(d);
        }
        d->realized = false;
    }
    if (m->board) {
        if (m->board->destroy) {
            m->board->destroy(m, m->board_state);
        }
        if (m->board_state) {
            prop_free_strings(m->board->props, m->board_state);
        }
    }
    free(m->board_state);
    while (m->devices) {
        Device *d = m->devices;
        m->devices = d->next;
        machine_free_device(d);
    }
    MachinePriv *p = machine_priv(m);
    for (unsigned i = 0; i < p->extra_count; i++) {
        free(p->extra[i].name);
    }
    free(p->extra);
    clock_free(m->clock);
    iobus_free(m->io);
    membus_free(m->mem);
    free(m->profile_name);
    free(m->profile_text);
    free(m->profile_path);
    free(p);
}

/* ---- devices ---- */

static bool machine_section_name_taken(Machine *m, const char *name)
{
    if (machine_find_device(m, name)) {
        return true;
    }
    if (m->board && m->board->state && strcmp(name, "board") == 0) {
        return true;
    }
    MachinePriv *p = machine_priv(m);
    for (unsigned i = 0; i < p->extra_count; i++) {
        if (strcmp(p->extra[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

Device *machine_add_device(Machine *m, const DeviceClass *cls, const char *id, AmberError *err)
{
    if (!cls || !id || !*id) {
        amber_error(err, "machine: a device needs a class and an id");
        return NULL;
    }
    if (m->realized) {
        amber_error(err, "machine: cannot add device '%s' after the machine is realized", id);
        return NULL;
    }
    if (machine_section_name_taken(m, id)) {
        amber_error(err, "machine: a device or state section named '%s' already exists", id);
        return NULL;
    }
    Device *dev = calloc(1, sizeof *dev);
    if (!dev) {
        amber_error(err, "machine: out of memory adding device '%s'", id);
        return NULL;
    }
    dev->cls = cls;
    dev->machine = m;
    dev->id = strdup(id);
    dev->s = dev_state_alloc(dev, cls->state_size);
    dev->irq_out = cls->n_irq_out ? calloc(cls->n_irq_out, sizeof *dev->irq_out) : NULL;
    if (!dev->id || !dev->s || (cls->n_irq_out && !dev->irq_out)) {
        machine_free_device(dev);
        amber_error(err, "machine: out of memory adding device '%s'", id);
        return NULL;
    }
    if (cls->props) {
        for (const PropDef *pd = cls->props; pd->name; pd++) {
            if (!pd->defval) {
                continue;
            }
            char where[256];
            snprintf(where, sizeof where, "%s (default of %s)", pd->name, cls->type);
            if (!prop_apply(pd, dev->s, pd->defval, NULL, where, err)) {
                machine_free_device(dev);
                return NULL;
            }
        }
    }
    if (m->devices_tail) {
        m->devices_tail->next = dev;
    } else {
        m->devices = dev;
    }
    m->devices_tail = dev;
    return dev;
}

Device *machine_find_device(Machine *m, const char *id)
{
    for (Device *d = m->devices; d; d = d->next) {
        if (strcmp(d->id, id) == 0) {
            return d;
        }
    }
    return NULL;
}

bool machine_set_board(Machine *m, const BoardClass *board, AmberError *err)
{
    if (m->board) {
        return amber_error(err, "machine: the board is already set (%s)", m->board->name);
    }
    void *s = calloc(1, board->state_size ? board->state_size : 1);
    if (!s) {
        return amber_error(err, "machine: out of memory for board '%s'", board->name);
    }
    if (board->props) {
        for (const PropDef *pd = board->props; pd->name; pd++) {
            if (!pd->defval) {
                continue;
            }
            char where[256];
            snprintf(where, sizeof where, "%s (default of board %s)", pd->name, board->name);
            if (!prop_apply(pd, s, pd->defval, NULL, where, err)) {
                prop_free_strings(board->props, s);
                free(s);
                return false;
            }
        }
    }
    m->board = board;
    m->board_state = s;
    return true;
}

bool machine_realize(Machine *m, AmberError *err)
{
    if (m->realized) {
        return amber_error(err, "machine: already realized");
    }
    for (Device *d = m->devices; d; d = d->next) {
        if (d->cls->state &&
            !state_table_validate(d->cls->state, d->cls->state_size, d->cls->type, err)) {
            return false;
        }
    }
    for (Device *d = m->devices; d; d = d->next) {
        if (d->cls->realize && !d->cls->realize(d, err)) {
            /* The realize hook should have named the problem; make sure something does. */
            return amber_error(err, "%s (%s): realize failed", d->id, d->cls->type);
        }
        d->realized = true;
    }
    if (m->board && m->board->realize && !m->board->realize(m, m->board_state, err)) {
        return amber_error(err, "board %s: realize failed", m->board->name);
    }
    m->realized = true;
    machine_reset(m, RESET_COLD);
    return true;
}

void machine_reset(Machine *m, ResetKind kind)
{
    for (Device *d = m->devices; d; d = d->next) {
        if (d->realized && d->cls->reset) {
            d->cls->reset(d, kind);
        }
    }
    if (m->cpu_ops && m->cpu_ops->reset) {
        m->cpu_ops->reset(m->cpu, kind);
    }
    if (m->board && m->board->reset) {
        m->board->reset(m, m->board_state, kind);
    }
}

void machine_set_cpu(Machine *m, const CpuBackendOps *ops, void *cpu)
{
    m->cpu_ops = ops;
    m->cpu = cpu;
}

/* ---- running ---- */

int64_t machine_run_until(Machine *m, int64_t t)
{
    Clock *c = m->clock;
    for (;;) {
        if (m->powered_off) {
            break;
        }
        if (m->reset_requested) {
            m->reset_requested = false;
            machine_reset(m, m->reset_kind);
        }
        if (m->stop_requested) {
            /* Consumed here, so the next run starts clean. */
            m->stop_requested = false;
            break;
        }
        int64_t now = clock_now(c);
        int64_t next = clock_next_deadline(c);
        if (now >= t && next > now) {
            break;
        }
        int64_t deadline = next < t ? next : t;
        int64_t reached = deadline;
        if (m->cpu_ops && m->cpu_ops->run && deadline > now) {
            reached = m->cpu_ops->run(m->cpu, now, deadline);
            if (reached < now) {
                reached = now; /* time never goes backwards, whatever a backend reports */
            }
        }
        clock_advance_to(c, reached);
    }
    return clock_now(c);
}

int64_t machine_run_for(Machine *m, int64_t ns)
{
    int64_t now = clock_now(m->clock);
    if (ns < 0) {
        ns = 0;
    }
    return machine_run_until(m, ns > CLOCK_NEVER - 1 - now ? CLOCK_NEVER - 1 : now + ns);
}

void machine_request_stop(Machine *m)
{
    m->stop_requested = true;
    if (m->cpu_ops && m->cpu_ops->interrupt) {
        m->cpu_ops->interrupt(m->cpu);
    }
}

void machine_request_reset(Machine *m, ResetKind kind)
{
    /* A cold request wins over a warm one made in the same run step. */
    if (!m->reset_requested || kind == RESET_COLD) {
        m->reset_kind = kind;
    }
    m->reset_requested = true;
    if (m->cpu_ops && m->cpu_ops->interrupt) {
        m->cpu_ops->interrupt(m->cpu);
    }
}

void machine_request_power_off(Machine *m)
{
    m->powered_off = true;
    if (m->cpu_ops && m->cpu_ops->interrupt) {
        m->cpu_ops->interrupt(m->cpu);
    }
}

/* ---- state sections ---- */

bool machine_add_state_section(Machine *m, const char *name, uint32_t version,
                               const StateField *fields, void *base,
                               bool (*post_load)(void *base, AmberError *err), AmberError *err)
{
    if (!name || !*name || !fields || !base) {
        return amber_error(err, "machine: a state section needs a name, fields and a base");
    }
    if (machine_section_name_taken(m, name)) {
        return amber_error(err, "machine: a device or state section named '%s' already exists",
                           name);
    }
    MachinePriv *p = machine_priv(m);
    if (p->extra_count == p->extra_cap) {
        unsigned cap = p->extra_cap ? p->extra_cap * 2 : 8;
        ExtraSection *n = realloc(p->extra, cap * sizeof *n);
        if (!n) {
            return amber_error(err, "machine: out of memory adding state section '%s'", name);
        }
        p->extra = n;
        p->extra_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        return amber_error(err, "machine: out of memory adding state section '%s'", name);
    }
    p->extra[p->extra_count++] = (ExtraSection){ copy, version, fields, base, post_load };
    return true;
}

/* Sections, in a fixed order: realized devices with a state table (creation order), the board
 * (when it has a table), then the extra sections in registration order. */
unsigned machine_state_section_count(Machine *m)
{
    unsigned n = 0;
    for (Device *d = m->devices; d; d = d->next) {
        if (d->realized && d->cls->state) {
            n++;
        }
    }
    if (m->board && m->board->state) {
        n++;
    }
    return n + machine_priv(m)->extra_count;
}

bool machine_state_section(Machine *m, unsigned i, StateSection *out,
                           bool (**post_load)(void *base, AmberError *err))
{
    for (Device *d = m->devices; d; d = d->next) {
        if (!d->realized || !d->cls->state) {
            continue;
        }
        if (i-- == 0) {
            *out = (StateSection){ d->id, d->cls->state_version, d->cls->state, d->s };
            if (post_load) {
                *post_load = d->cls->post_load ? dev_post_load_tramp : NULL;
            }
            return true;
        }
    }
    if (m->board && m->board->state) {
        if (i-- == 0) {
            *out = (StateSection){ "board", m->board->state_version, m->board->state,
                                   m->board_state };
            if (post_load) {
                *post_load = NULL;
            }
            return true;
        }
    }
    MachinePriv *p = machine_priv(m);
    if (i < p->extra_count) {
        const ExtraSection *e = &p->extra[i];
        *out = (StateSection){ e->name, e->version, e->fields, e->base };
        if (post_load) {
            *post_load = e->post_load;
        }
        return true;
    }
    return false;
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
    const uint8_t *b = data;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t machine_state_hash(Machine *m)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    unsigned n = machine_state_section_count(m);
    for (unsigned i = 0; i < n; i++) {
        StateSection sec;
        if (machine_state_section(m, i, &sec, NULL)) {
            h = hash_bytes(h, sec.name, strlen(sec.name) + 1);
            h = state_hash(&sec, h);
        }
    }
    /* Guest time and every armed event (by name): two runs that agree on registers but not on
     * when the next timer fires are not the same state. */
    int64_t now = clock_now(m->clock);
    h = hash_bytes(h, &now, sizeof now);
    unsigned ne = clock_event_count(m->clock);
    for (unsigned i = 0; i < ne; i++) {
        Event *ev = clock_event_at(m->clock, i);
        if (clock_event_pending(ev)) {
            int64_t dl = clock_event_deadline(ev);
            h = hash_bytes(h, clock_event_name(ev), strlen(clock_event_name(ev)) + 1);
            h = hash_bytes(h, &dl, sizeof dl);
        }
    }
    return h;
}
