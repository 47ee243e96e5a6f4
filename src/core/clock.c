/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest time and the event queue: a binary min-heap of armed events keyed by (deadline, sequence
 * number). The sequence number is taken at arming time, so events with the same deadline fire in
 * the order they were armed, whatever the heap's shape - runs are deterministic.
 *
 * An event armed for a time before now is clamped to now: it fires at the next clock_advance_to,
 * never "in the past", so the deadline a backend sees is never behind the clock.
 */
#include "core/clock.h"

#include <stdlib.h>
#include <string.h>

struct Event {
    Clock *clock;
    char *name;
    EventFn fn;
    void *opaque;
    int64_t deadline;
    uint64_t seq;
    int heap_index;      /* -1 when not armed */
};

struct Clock {
    int64_t now;
    uint64_t next_seq;
    Event **heap;
    unsigned heap_len;
    Event **events;      /* creation order */
    unsigned event_count;
    unsigned event_cap;  /* capacity of both arrays */
};

Clock *clock_new(AmberError *err)
{
    Clock *c = calloc(1, sizeof *c);
    if (!c) {
        amber_error(err, "clock: out of memory");
    }
    return c;
}

void clock_free(Clock *clock)
{
    if (!clock) {
        return;
    }
    for (unsigned i = 0; i < clock->event_count; i++) {
        free(clock->events[i]->name);
        free(clock->events[i]);
    }
    free(clock->events);
    free(clock->heap);
    free(clock);
}

int64_t clock_now(const Clock *clock)
{
    return clock->now;
}

int64_t clock_next_deadline(const Clock *clock)
{
    return clock->heap_len ? clock->heap[0]->deadline : CLOCK_NEVER;
}

/* ---- heap ---- */

static bool ev_before(const Event *a, const Event *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_place(Clock *c, unsigned i, Event *ev)
{
    c->heap[i] = ev;
    ev->heap_index = (int)i;
}

static void heap_up(Clock *c, unsigned i)
{
    Event *ev = c->heap[i];
    while (i > 0) {
        unsigned parent = (i - 1) / 2;
        if (!ev_before(ev, c->heap[parent])) {
            break;
        }
        heap_place(c, i, c->heap[parent]);
        i = parent;
    }
    heap_place(c, i, ev);
}

static void heap_down(Clock *c, unsigned i)
{
    Event *ev = c->heap[i];
    for (;;) {
        unsigned l = 2 * i + 1, r = l + 1, best = i;
        const Event *best_ev = ev;
        if (l < c->heap_len && ev_before(c->heap[l], best_ev)) {
            best = l;
            best_ev = c->heap[l];
        }
        if (r < c->heap_len && ev_before(c->heap[r], best_ev)) {
            best = r;
        }
        if (best == i) {
            break;
        }
        heap_place(c, i, c->heap[best]);
        i = best;
    }
    heap_place(c, i, ev);
}

static void heap_remove(Clock *c, Event *ev)
{
    unsigned i = (unsigned)ev->heap_index;
    ev->heap_index = -1;
    c->heap_len--;
    if (i == c->heap_len) {
        return;
    }
    /* The last element fills the hole; it may belong above or below it. */
    Event *moved = c->heap[c->heap_len];
    heap_place(c, i, moved);
    heap_up(c, i);
    heap_down(c, (unsigned)moved->heap_index);
}

/* ---- time ---- */

void clock_advance_to(Clock *clock, int64_t t)
{
    while (clock->heap_len && clock->heap[0]->deadline <= t) {
        Event *ev = clock->heap[0];
        heap_remove(clock, ev);
        if (ev->deadline > clock->now) {
            clock->now = ev->deadline;
        }
        /* The callback may re-arm this or any event, or cancel others; the loop re-reads the
         * heap top every time. */
        ev->fn(ev->opaque, clock->now);
    }
    if (t > clock->now) {
        clock->now = t;
    }
}

void clock_set_now(Clock *clock, int64_t t)
{
    clock->now = t;
}

void clock_sync_to(Clock *clock, int64_t t)
{
    int64_t limit = clock_next_deadline(clock);
    if (t > limit) {
        t = limit;
    }
    if (t > clock->now) {
        clock->now = t;
    }
}

/* ---- events ---- */

Event *clock_event_new(Clock *clock, const char *name, EventFn fn, void *opaque, AmberError *err)
{
    if (!name || !*name || !fn) {
        amber_error(err, "clock: an event needs a name and a callback");
        return NULL;
    }
    if (clock_event_find(clock, name)) {
        amber_error(err, "clock: an event named '%s' already exists", name);
        return NULL;
    }
    if (clock->event_count == clock->event_cap) {
        unsigned cap = clock->event_cap ? clock->event_cap * 2 : 16;
        Event **ev = realloc(clock->events, cap * sizeof *ev);
        if (!ev) {
            amber_error(err, "clock: out of memory creating event '%s'", name);
            return NULL;
        }
        clock->events = ev;
        Event **heap = realloc(clock->heap, cap * sizeof *heap);
        if (!heap) {
            amber_error(err, "clock: out of memory creating event '%s'", name);
            return NULL;
        }
        clock->heap = heap;
        clock->event_cap = cap;
    }
    Event *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->name = strdup(name))) {
        free(ev);
        amber_error(err, "clock: out of memory creating event '%s'", name);
        return NULL;
    }
    ev->clock = clock;
    ev->fn = fn;
    ev->opaque = opaque;
    ev->deadline = CLOCK_NEVER;
    ev->heap_index = -1;
    clock->events[clock->event_count++] = ev;
    return ev;
}

Event *clock_event_find(Clock *clock, const char *name)
{
    for (unsigned i = 0; i < clock->event_count; i++) {
        if (strcmp(clock->events[i]->name, name) == 0) {
            return clock->events[i];
        }
    }
    return NULL;
}

const char *clock_event_name(const Event *ev)
{
    return ev->name;
}

void clock_event_arm_at(Event *ev, int64_t when)
{
    Clock *c = ev->clock;
    if (when == CLOCK_NEVER) {
        clock_event_cancel(ev);
        return;
    }
    if (when < c->now) {
        when = c->now;
    }
    if (ev->heap_index >= 0) {
        heap_remove(c, ev);
    }
    ev->deadline = when;
    ev->seq = c->next_seq++;
    /* The heap array has room for every event (it grows with the event list). */
    c->heap_len++;
    heap_place(c, c->heap_len - 1, ev);
    heap_up(c, c->heap_len - 1);
}

void clock_event_arm_in(Event *ev, int64_t delta)
{
    int64_t now = ev->clock->now;
    if (delta < 0) {
        delta = 0;
    }
    clock_event_arm_at(ev, delta >= CLOCK_NEVER - now ? CLOCK_NEVER : now + delta);
}

void clock_event_cancel(Event *ev)
{
    if (ev->heap_index >= 0) {
        heap_remove(ev->clock, ev);
    }
    ev->deadline = CLOCK_NEVER;
}

bool clock_event_pending(const Event *ev)
{
    return ev->heap_index >= 0;
}

int64_t clock_event_deadline(const Event *ev)
{
    return ev->heap_index >= 0 ? ev->deadline : CLOCK_NEVER;
}

uint64_t clock_event_seq(const Event *ev)
{
    return ev->seq;
}

unsigned clock_event_count(const Clock *clock)
{
    return clock->event_count;
}

Event *clock_event_at(Clock *clock, unsigned i)
{
    return i < clock->event_count ? clock->events[i] : NULL;
}
