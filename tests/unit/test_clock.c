/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The clock: event ordering, ties, re-arming, cancelling, iteration, cycle conversions. */
#include "core/clock.h"

#include "../testlib.h"

typedef struct Rec {
    char order[64];
    unsigned n;
    int64_t when[64];
    bool bad_now; /* a callback saw a `now` different from clock_now() */
} Rec;

typedef struct Ctx {
    Rec *rec;
    char tag;
    Clock *clock;
    Event *self;
    int64_t rearm_delta; /* > 0: re-arm this far ahead, up to rearm_left times */
    unsigned rearm_left;
    Event *cancel;       /* cancel this one when firing */
} Ctx;

static void fire(void *opaque, int64_t now)
{
    Ctx *c = opaque;
    if (c->rec->n < 63) {
        c->rec->when[c->rec->n] = now;
        c->rec->order[c->rec->n++] = c->tag;
    }
    if (now != clock_now(c->clock)) {
        c->rec->bad_now = true;
    }
    if (c->cancel) {
        clock_event_cancel(c->cancel);
    }
    if (c->rearm_left) {
        c->rearm_left--;
        clock_event_arm_in(c->self, c->rearm_delta);
    }
}

static Event *mk(TestCtx *t, Clock *clk, const char *name, Ctx *c, Rec *r, char tag)
{
    AmberError err = { 0 };
    *c = (Ctx){ .rec = r, .tag = tag, .clock = clk };
    c->self = clock_event_new(clk, name, fire, c, &err);
    T_CHECK(t, c->self != NULL);
    return c->self;
}

static void test_order(TestCtx *t)
{
    AmberError err = { 0 };
    Clock *clk = clock_new(&err);
    Rec r = { 0 };
    Ctx ca, cb, cc, cd;
    Event *a = mk(t, clk, "a", &ca, &r, 'a');
    Event *b = mk(t, clk, "b", &cb, &r, 'b');
    Event *c = mk(t, clk, "c", &cc, &r, 'c');
    Event *d = mk(t, clk, "d", &cd, &r, 'd');
    T_EQ(t, clock_next_deadline(clk), CLOCK_NEVER);
    clock_event_arm_at(a, 300);
    clock_event_arm_at(b, 100);
    clock_event_arm_at(c, 200);
    clock_event_arm_at(d, 100); /* tie with b, armed later: fires after b */
    T_EQ(t, clock_next_deadline(clk), 100);
    T_CHECK(t, clock_event_pending(a));
    T_EQ(t, clock_event_deadline(a), 300);
    clock_advance_to(clk, 250);
    T_STREQ(t, r.order, "bdc");
    T_EQ(t, r.when[0], 100);
    T_EQ(t, r.when[1], 100);
    T_EQ(t, r.when[2], 200);
    T_EQ(t, clock_now(clk), 250);
    T_CHECK(t, !clock_event_pending(b));
    T_EQ(t, clock_event_deadline(b), CLOCK_NEVER);
    /* An event due exactly at t fires. */
    clock_advance_to(clk, 300);
    T_STREQ(t, r.order, "bdca");
    /* Time never goes backwards. */
    clock_advance_to(clk, 10);
    T_EQ(t, clock_now(clk), 300);

    /* Ties follow arming order even when re-armed: d armed first now, then b. */
    memset(&r, 0, sizeof r);
    clock_event_arm_at(b, 1000);
    clock_event_arm_at(d, 1000);
    clock_event_arm_at(b, 1000); /* re-arming b moves it behind d */
    T_CHECK(t, clock_event_seq(d) < clock_event_seq(b));
    clock_advance_to(clk, 1000);
    T_STREQ(t, r.order, "db");

    /* Many events with the same deadline keep their arming order through the heap. */
    memset(&r, 0, sizeof r);
    Ctx cs[20];
    Event *evs[20];
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "tie%d", i);
        evs[i] = mk(t, clk, name, &cs[i], &r, (char)('A' + i));
    }
    for (int i = 19; i >= 0; i -= 2) {
        clock_event_arm_at(evs[i], 2000 + (i % 3));
    }
    for (int i = 0; i < 20; i += 2) {
        clock_event_arm_at(evs[i], 2000 + (i % 3));
    }
    clock_advance_to(clk, 5000);
    /* deadline 2000: i%3==0 -> odd ones first (armed first, descending), then even ascending */
    T_STREQ(t, r.order, "PJDAGMS" "TNHBEKQ" "RLFCIO");
    T_CHECK(t, !r.bad_now);
    clock_free(clk);
}

static void test_rearm_cancel(TestCtx *t)
{
    AmberError err = { 0 };
    Clock *clk = clock_new(&err);
    Rec r = { 0 };
    Ctx ca, cb, cc;
    Event *a = mk(t, clk, "timer", &ca, &r, 'a');
    Event *b = mk(t, clk, "other", &cb, &r, 'b');
    Event *c = mk(t, clk, "third", &cc, &r, 'c');
    /* A periodic timer re-arming itself fires every period within one advance. */
    ca.rearm_delta = 10;
    ca.rearm_left = 100;
    clock_event_arm_at(a, 10);
    clock_advance_to(clk, 55);
    T_EQ(t, r.n, 5);
    T_EQ(t, r.when[4], 50);
    T_EQ(t, clock_event_deadline(a), 60);
    /* Re-arming for "now" (delta 0) inside the callback fires again in the same call, but a
     * bounded number of times. */
    memset(&r, 0, sizeof r);
    ca.rearm_delta = 0;
    ca.rearm_left = 3;
    clock_advance_to(clk, 60);
    T_STREQ(t, r.order, "aaaa");
    T_CHECK(t, !clock_event_pending(a));
    /* Cancel from a callback: b cancels c, due at the same time. */
    memset(&r, 0, sizeof r);
    cb.cancel = c;
    clock_event_arm_at(b, 100);
    clock_event_arm_at(c, 100);
    clock_advance_to(clk, 200);
    T_STREQ(t, r.order, "b");
    T_CHECK(t, !clock_event_pending(c));
    /* Cancel before it is due; cancelling twice is harmless. */
    memset(&r, 0, sizeof r);
    cb.cancel = NULL;
    clock_event_arm_in(b, 50);
    T_EQ(t, clock_event_deadline(b), 250);
    clock_event_cancel(b);
    clock_event_cancel(b);
    clock_advance_to(clk, 1000);
    T_EQ(t, r.n, 0);
    /* Arming in the past fires at now, not before. */
    clock_event_arm_at(b, 5);
    T_EQ(t, clock_event_deadline(b), 1000);
    clock_advance_to(clk, 1000);
    T_EQ(t, r.n, 1);
    T_EQ(t, r.when[0], 1000);
    /* Arming at CLOCK_NEVER is a cancel; huge deltas saturate. */
    clock_event_arm_at(b, CLOCK_NEVER);
    T_CHECK(t, !clock_event_pending(b));
    clock_event_arm_in(b, INT64_MAX);
    T_CHECK(t, !clock_event_pending(b));
    clock_event_arm_in(b, INT64_MAX - 2000);
    T_CHECK(t, clock_event_pending(b));
    clock_event_cancel(b);
    /* set_now moves time without firing. */
    clock_event_arm_at(c, 5000);
    clock_set_now(clk, 6000);
    T_EQ(t, clock_now(clk), 6000);
    T_CHECK(t, clock_event_pending(c));
    T_EQ(t, r.n, 1);
    clock_advance_to(clk, 6000);
    T_EQ(t, r.n, 2);
    T_CHECK(t, !r.bad_now);
    clock_free(clk);
}

static void test_names_iteration(TestCtx *t)
{
    AmberError err = { 0 };
    Clock *clk = clock_new(&err);
    Rec r = { 0 };
    Ctx c1, c2, c3;
    Event *e1 = mk(t, clk, "pit.ch0", &c1, &r, '1');
    mk(t, clk, "rtc.periodic", &c2, &r, '2');
    Event *e3 = mk(t, clk, "vga.retrace", &c3, &r, '3');
    T_CHECK(t, clock_event_new(clk, "pit.ch0", fire, &c1, &err) == NULL);
    T_CONTAINS(t, err.msg, "pit.ch0");
    amber_error_clear(&err);
    T_CHECK(t, clock_event_new(clk, NULL, fire, &c1, &err) == NULL);
    T_CHECK(t, err.set);
    T_CHECK(t, clock_event_find(clk, "vga.retrace") == e3);
    T_CHECK(t, clock_event_find(clk, "nope") == NULL);
    T_STREQ(t, clock_event_name(e1), "pit.ch0");
    /* Creation order, armed or not. */
    clock_event_arm_at(e3, 5);
    T_EQ(t, clock_event_count(clk), 3);
    T_STREQ(t, clock_event_name(clock_event_at(clk, 0)), "pit.ch0");
    T_STREQ(t, clock_event_name(clock_event_at(clk, 1)), "rtc.periodic");
    T_STREQ(t, clock_event_name(clock_event_at(clk, 2)), "vga.retrace");
    T_CHECK(t, clock_event_at(clk, 3) == NULL);
    /* Many events grow the tables. */
    Ctx many[100];
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof name, "ev%d", i);
        Event *e = mk(t, clk, name, &many[i], &r, 'x');
        clock_event_arm_at(e, 1000 - i);
    }
    T_EQ(t, clock_next_deadline(clk), 5);
    clock_advance_to(clk, 950);
    T_EQ(t, r.n, 1 + 50); /* vga.retrace + ev50..ev99 */
    bool sorted = true;
    for (unsigned i = 1; i < r.n; i++) {
        sorted = sorted && r.when[i] >= r.when[i - 1];
    }
    T_CHECK(t, sorted);
    clock_free(clk);
}

/* Heap stress: random arms and cancels, fired order must be sorted by (deadline, arm order). */
typedef struct Stress {
    Clock *clock;
    int64_t last_when;
    uint64_t last_seq;
    uint64_t seq_of[64];
    unsigned idx;
    bool bad;
    unsigned fired;
} Stress;

typedef struct StressEv {
    Stress *s;
    unsigned idx;
} StressEv;

static void stress_fire(void *opaque, int64_t now)
{
    StressEv *e = opaque;
    Stress *s = e->s;
    uint64_t seq = s->seq_of[e->idx];
    if (now < s->last_when || (now == s->last_when && seq < s->last_seq)) {
        s->bad = true;
    }
    s->last_when = now;
    s->last_seq = seq;
    s->fired++;
}

static void test_heap_stress(TestCtx *t)
{
    AmberError err = { 0 };
    Stress s = { 0 };
    s.clock = clock_new(&err);
    StressEv evs[64];
    Event *ev[64];
    for (unsigned i = 0; i < 64; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%u", i);
        evs[i] = (StressEv){ &s, i };
        ev[i] = clock_event_new(s.clock, name, stress_fire, &evs[i], &err);
    }
    uint64_t rng = 12345, seq = 0;
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 50; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            unsigned i = (unsigned)(rng >> 33) % 64;
            if ((rng >> 20) % 5 == 0) {
                clock_event_cancel(ev[i]);
            } else {
                clock_event_arm_in(ev[i], (int64_t)((rng >> 40) % 16));
                s.seq_of[i] = seq++;
            }
        }
        s.last_when = clock_now(s.clock);
        s.last_seq = 0;
        clock_advance_to(s.clock, clock_now(s.clock) + 8);
    }
    T_CHECK(t, !s.bad);
    T_CHECK(t, s.fired > 1000);
    clock_free(s.clock);
}

static void test_conversions(TestCtx *t)
{
    /* Exact values. */
    T_EQ(t, cycles_to_ns(4772727, 4772727), NS_PER_SEC);
    T_EQ(t, cycles_to_ns(1, 4772727), 209);              /* floor(209.52) */
    T_EQ(t, ns_to_cycles_ceil(209, 4772727), 1);          /* 0.9975 -> 1 */
    T_EQ(t, ns_to_cycles_ceil(210, 4772727), 2);          /* 1.0023 -> 2 */
    T_EQ(t, ns_to_cycles_ceil(0, 4772727), 0);
    T_EQ(t, ns_to_cycles_ceil(-5, 4772727), 0);
    T_EQ(t, cycles_to_ns(350000000, 350000000), NS_PER_SEC);
    /* 10^12 cycles at 350 MHz do not overflow (128-bit intermediate). */
    T_EQ(t, cycles_to_ns(UINT64_C(350000000000000), 350000000), INT64_C(1000000) * NS_PER_SEC);

    /* No drift: a backend runs to uneven deadlines the way machine_run_until drives it: cycles
     * to reach the deadline by ns_to_cycles_ceil, time from the absolute cycle count. After 10^9
     * cycles the time equals the one-shot conversion, every deadline was reached without
     * overshooting by a whole cycle, and accumulating per-step conversions (the wrong way) would
     * have drifted. */
    static const uint64_t rates[] = { 4772727, 350000000 };
    for (unsigned ri = 0; ri < 2; ri++) {
        uint64_t hz = rates[ri];
        const uint64_t total = UINT64_C(1000000000);
        int64_t cycle_ns_max = (int64_t)((NS_PER_SEC + (int64_t)hz - 1) / (int64_t)hz);
        uint64_t cycles = 0, rng = 99;
        int64_t now = 0, naive_ns = 0;
        bool reached_ok = true;
        unsigned steps = 0;
        while (cycles < total) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            int64_t deadline = now + 1 + (int64_t)((rng >> 33) % 200000);
            uint64_t target = ns_to_cycles_ceil(deadline, hz);
            if (target > total) {
                target = total;
                deadline = cycles_to_ns(total, hz);
            }
            uint64_t ran = target - cycles;
            cycles = target;
            now = cycles_to_ns(cycles, hz);
            naive_ns += cycles_to_ns(ran, hz);
            if (now < deadline || now - deadline >= cycle_ns_max) {
                reached_ok = false;
            }
            steps++;
        }
        T_CHECK(t, reached_ok);
        T_CHECK(t, steps > 1000);
        T_EQ(t, cycles, total);
        T_EQ(t, now, cycles_to_ns(total, hz));
        T_CHECK(t, naive_ns < now); /* the drift that absolute conversion avoids */
        if (hz == 4772727) {
            T_EQ(t, now, INT64_C(209523821496));
        } else {
            T_EQ(t, now, INT64_C(2857142857));
        }
    }
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_order);
    T_RUN(&t, test_rearm_cancel);
    T_RUN(&t, test_names_iteration);
    T_RUN(&t, test_heap_stress);
    T_RUN(&t, test_conversions);
    return t_finish(&t);
}
