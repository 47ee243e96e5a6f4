/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest time and the machine's event queue. Time is int64_t nanoseconds since machine start and
 * never depends on host time (real-time pacing is a front-end concern). Events have stable names
 * so a save-state stores name + deadline; they live in a min-heap. Backends run guest code until
 * clock_next_deadline(), then call clock_advance_to(), which fires due events in deadline order
 * (ties in arming order).
 */
#ifndef AMBER_CORE_CLOCK_H
#define AMBER_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

#define CLOCK_NEVER INT64_MAX
#define NS_PER_SEC INT64_C(1000000000)

typedef struct Clock Clock;
typedef struct Event Event;
typedef void (*EventFn)(void *opaque, int64_t now);

Clock *clock_new(AmberError *err);
void clock_free(Clock *clock);
int64_t clock_now(const Clock *clock);
/* Deadline of the earliest armed event, or CLOCK_NEVER. */
int64_t clock_next_deadline(const Clock *clock);
/* Moves time forward to t (never backwards), firing every event due at or before t; an event
 * that re-arms itself for a time <= t fires again in the same call. */
void clock_advance_to(Clock *clock, int64_t t);
/* Sets the time without firing anything (save-state load, reset). */
void clock_set_now(Clock *clock, int64_t t);
/*
 * A running CPU's own time, given before it touches a device: moves now forward to t without
 * firing anything, but never past the next deadline (the backend stops there and the events fire
 * when it returns). Devices that compute their state from clock_now() (PIT counters, OUT2, the
 * RTC's update-in-progress bit, VGA retrace) then see the time of the access, not the start of
 * the CPU's run slice.
 */
void clock_sync_to(Clock *clock, int64_t t);

/* Events are owned by the clock and freed with it; names must be unique per clock. */
Event *clock_event_new(Clock *clock, const char *name, EventFn fn, void *opaque, AmberError *err);
Event *clock_event_find(Clock *clock, const char *name);
const char *clock_event_name(const Event *ev);
void clock_event_arm_at(Event *ev, int64_t when);
void clock_event_arm_in(Event *ev, int64_t delta);
void clock_event_cancel(Event *ev);
bool clock_event_pending(const Event *ev);
int64_t clock_event_deadline(const Event *ev); /* CLOCK_NEVER when not pending */
/* Arming sequence number of a pending event: events with equal deadlines fire in increasing
 * sequence. A save-state that re-arms pending events in increasing sequence order reproduces the
 * firing order of ties exactly. */
uint64_t clock_event_seq(const Event *ev);

/* Iteration for save-states: every event, armed or not, in creation order. */
unsigned clock_event_count(const Clock *clock);
Event *clock_event_at(Clock *clock, unsigned i);

/*
 * Cycles <-> nanoseconds at a clock rate. Always convert absolute counts since a fixed origin,
 * never accumulate converted deltas, so rounding never drifts over long runs: the result is
 * floor(cycles * 1e9 / hz) computed in 128 bits.
 */
static inline int64_t cycles_to_ns(uint64_t cycles, uint64_t hz)
{
    return (int64_t)((unsigned __int128)cycles * 1000000000u / hz);
}
/* Smallest cycle count whose time is >= ns (so running that many cycles reaches a deadline). */
static inline uint64_t ns_to_cycles_ceil(int64_t ns, uint64_t hz)
{
    if (ns <= 0) {
        return 0;
    }
    return (uint64_t)(((unsigned __int128)ns * hz + 999999999u) / 1000000000u);
}

#endif
