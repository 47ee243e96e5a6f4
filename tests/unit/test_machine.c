/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine: independence of two machines, the run loop with and without a CPU, realize and
 * reset order, state sections and the state hash, the board registry and the bare board. */
#include "core/machine.h"

#include "core/board.h"

#include "../testlib.h"

/* ---- a test device that records what happens to it ---- */

typedef struct Trace {
    char text[256];
} Trace;

static void trace_add(Trace *tr, const char *s)
{
    size_t n = strlen(tr->text);
    snprintf(tr->text + n, sizeof tr->text - n, "%s%s", n ? " " : "", s);
}

typedef struct Tick {
    Trace *trace;      /* not state: a test hook, set after creation */
    Event *ev;
    uint32_t count;
    uint32_t period;   /* prop */
    uint8_t reg;
    bool post_loaded;
    bool fail_realize; /* prop */
} Tick;

static const StateField tick_state[] = {
    STATE_FIELD(Tick, count, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Tick, reg, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static const PropDef tick_props[] = {
    { "period", PROP_UINT, offsetof(Tick, period), 1, 1000000, "100", NULL, "ns" },
    { "fail", PROP_BOOL, offsetof(Tick, fail_realize), 0, 0, "no", NULL, NULL },
    PROP_END,
};

static void tick_fire(void *opaque, int64_t now)
{
    Device *dev = opaque;
    Tick *s = dev->s;
    s->count++;
    clock_event_arm_in(s->ev, s->period);
}

static bool tick_realize(Device *dev, AmberError *err)
{
    Tick *s = dev->s;
    if (s->fail_realize) {
        return amber_error(err, "%s: told to fail", dev->id);
    }
    char name[64];
    snprintf(name, sizeof name, "%s.tick", dev->id);
    s->ev = clock_event_new(dev->machine->clock, name, tick_fire, dev, err);
    if (s->trace) {
        char msg[64];
        snprintf(msg, sizeof msg, "realize:%s", dev->id);
        trace_add(s->trace, msg);
    }
    return s->ev != NULL;
}

static void tick_reset(Device *dev, ResetKind kind)
{
    Tick *s = dev->s;
    if (s->trace) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s:%s", kind == RESET_COLD ? "cold" : "warm", dev->id);
        trace_add(s->trace, msg);
    }
    if (kind == RESET_COLD) {
        s->count = 0;
    }
    clock_event_arm_in(s->ev, s->period);
}

static bool tick_post_load(Device *dev, AmberError *err)
{
    Tick *s = dev->s;
    s->post_loaded = true;
    return true;
}

static void tick_unrealize(Device *dev)
{
    Tick *s = dev->s;
    if (s->trace) {
        char msg[64];
        snprintf(msg, sizeof msg, "unrealize:%s", dev->id);
        trace_add(s->trace, msg);
    }
}

static const DeviceClass tick_class = {
    .type = "tick",
    .state_size = sizeof(Tick),
    .state_version = 3,
    .state = tick_state,
    .props = tick_props,
    .realize = tick_realize,
    .unrealize = tick_unrealize,
    .reset = tick_reset,
    .post_load = tick_post_load,
};

/* A stateless device: no state section. */
static const DeviceClass plain_class = { .type = "plain", .state_size = 4 };

/* ---- a fake CPU backend: runs to the deadline in fixed steps, unless halted ---- */

typedef struct FakeCpu {
    Machine *m;
    uint64_t hz;
    uint64_t cycles;       /* absolute, since reset */
    uint64_t step_cycles;  /* "instruction" granularity */
    unsigned runs;
    unsigned resets;
    bool deadline_violated;
    bool interrupted;
    int64_t stop_at;       /* request a stop when reaching this time (0: never) */
    int64_t reset_at;      /* request a warm reset when reaching this time */
    Trace *trace;
} FakeCpu;

static int64_t fake_run(void *opaque, int64_t now, int64_t deadline)
{
    FakeCpu *c = opaque;
    c->runs++;
    /* The machine gives the CPU a real budget that never reaches past the next event, and `now`
     * is the clock's time. */
    if (deadline <= now || deadline > clock_next_deadline(c->m->clock) ||
        now != clock_now(c->m->clock)) {
        c->deadline_violated = true;
    }
    c->interrupted = false;
    int64_t t = cycles_to_ns(c->cycles, c->hz);
    uint64_t target = ns_to_cycles_ceil(deadline, c->hz);
    while (c->cycles < target && !c->interrupted) {
        c->cycles += c->step_cycles;
        t = cycles_to_ns(c->cycles, c->hz);
        if (c->stop_at && t >= c->stop_at) {
            c->stop_at = 0;
            machine_request_stop(c->m);
        }
        if (c->reset_at && t >= c->reset_at) {
            c->reset_at = 0;
            machine_request_reset(c->m, RESET_WARM);
        }
    }
    return t;
}

static void fake_interrupt(void *opaque)
{
    FakeCpu *c = opaque;
    c->interrupted = true;
}

static void fake_reset(void *opaque, ResetKind kind)
{
    FakeCpu *c = opaque;
    c->resets++;
    if (c->trace) {
        trace_add(c->trace, kind == RESET_COLD ? "cold:cpu" : "warm:cpu");
    }
}

static const CpuBackendOps fake_ops = {
    .name = "fake",
    .run = fake_run,
    .interrupt = fake_interrupt,
    .reset = fake_reset,
};

/* ---- tests ---- */

static Device *add_tick(TestCtx *t, Machine *m, const char *id, Trace *tr)
{
    AmberError err = { 0 };
    Device *d = machine_add_device(m, &tick_class, id, &err);
    T_CHECK(t, d != NULL);
    if (d) {
        ((Tick *)d->s)->trace = tr;
    }
    return d;
}

static void test_two_machines(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *a = machine_new(32, &err);
    Machine *b = machine_new(20, &err);
    T_CHECK(t, a && b);
    T_CHECK(t, a->mem != b->mem && a->io != b->io && a->clock != b->clock);
    uint8_t *ra = membus_map_ram(a->mem, "ram", 0, 0x10000, &err);
    uint8_t *rb = membus_map_ram(b->mem, "ram", 0, 0x10000, &err);
    membus_write8(a->mem, 0x100, 0xAA);
    membus_write8(b->mem, 0x100, 0xBB);
    T_EQ(t, ra[0x100], 0xAA);
    T_EQ(t, rb[0x100], 0xBB);
    Device *da = add_tick(t, a, "tick", NULL);
    Device *db = add_tick(t, b, "tick", NULL); /* same id in another machine is fine */
    T_CHECK(t, device_set_prop(db, "period", "50", NULL, &err));
    T_CHECK(t, machine_realize(a, &err));
    T_CHECK(t, machine_realize(b, &err));
    machine_run_until(a, 1000);
    machine_run_until(b, 500);
    T_EQ(t, ((Tick *)da->s)->count, 10);
    T_EQ(t, ((Tick *)db->s)->count, 10);
    T_EQ(t, clock_now(a->clock), 1000);
    T_EQ(t, clock_now(b->clock), 500);
    /* Logs are per machine. */
    T_CHECK(t, amber_log_parse_mask("io", &a->log.mask, &err));
    T_CHECK(t, amber_log_enabled(&a->log, LOG_IO));
    T_CHECK(t, !amber_log_enabled(&b->log, LOG_IO));
    a->log.mask = 0;
    iobus_write8(a->io, 0x80, 1);
    T_EQ(t, iobus_unclaimed_writes(a->io), 1);
    T_EQ(t, iobus_unclaimed_writes(b->io), 0);
    T_CHECK(t, membus_addr_mask(b->mem) == 0xFFFFF);
    machine_free(a);
    machine_free(b);
}

static void test_run_no_cpu(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *m = machine_new(32, &err);
    /* No devices, no events, no CPU: jumps straight to t. */
    T_CHECK(t, machine_realize(m, &err));
    T_EQ(t, machine_run_until(m, 123456789), 123456789);
    T_EQ(t, machine_run_for(m, 1), 123456790);
    /* Not backwards. */
    T_EQ(t, machine_run_until(m, 5), 123456790);
    machine_free(m);

    m = machine_new(32, &err);
    Device *d = add_tick(t, m, "pit", NULL);
    T_CHECK(t, machine_realize(m, &err));
    Tick *s = d->s;
    T_EQ(t, clock_event_deadline(s->ev), 100);
    T_EQ(t, machine_run_until(m, 99), 99);
    T_EQ(t, s->count, 0);
    T_EQ(t, machine_run_until(m, 100), 100); /* an event at exactly t fires */
    T_EQ(t, s->count, 1);
    T_EQ(t, machine_run_for(m, 1000000), 1000100);
    T_EQ(t, s->count, 10001);
    /* An event armed for now fires on the next run even with no time to advance. */
    clock_event_arm_in(s->ev, 0);
    T_EQ(t, machine_run_until(m, clock_now(m->clock)), 1000100);
    T_EQ(t, s->count, 10002);
    /* A stop requested between runs is honoured by the next run, once. */
    machine_request_stop(m);
    T_EQ(t, machine_run_until(m, 2000000), 1000100);
    T_CHECK(t, !m->stop_requested); /* consumed */
    T_EQ(t, machine_run_until(m, 1000200), 1000200);
    /* Powered off: nothing runs. */
    m->powered_off = true;
    T_EQ(t, machine_run_until(m, 5000000), 1000200);
    machine_free(m);
}

static void test_run_cpu(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *m = machine_new(32, &err);
    Device *d = add_tick(t, m, "pit", NULL);
    T_CHECK(t, device_set_prop(d, "period", "838", NULL, &err)); /* ~1.19 MHz tick */
    FakeCpu cpu = { .m = m, .hz = 4772727, .step_cycles = 3 };
    machine_set_cpu(m, &fake_ops, &cpu);
    T_CHECK(t, machine_realize(m, &err));
    T_EQ(t, cpu.resets, 1); /* cold reset at realize reaches the CPU */
    Tick *s = d->s;
    int64_t reached = machine_run_until(m, 1000000); /* 1 ms */
    T_CHECK(t, !cpu.deadline_violated);
    T_CHECK(t, reached >= 1000000);
    /* Every period up to the time reached fired (the CPU may overshoot a deadline by part of an
     * instruction), with one run per event period plus the last stretch. */
    T_EQ(t, s->count, reached / 838);
    T_CHECK(t, cpu.runs >= s->count && cpu.runs <= s->count + 2);
    /* Guest time is the CPU's cycle count converted (no drift): the clock never ran ahead. */
    T_CHECK(t, clock_now(m->clock) == cycles_to_ns(cpu.cycles, cpu.hz));

    /* A stop requested by the CPU's run interrupts it and returns early. */
    cpu.stop_at = 1500000;
    reached = machine_run_until(m, 3000000);
    T_CHECK(t, reached >= 1500000 && reached < 1500000 + 700); /* one 3-cycle step */
    T_CHECK(t, !m->stop_requested);
    /* The next run continues. */
    T_CHECK(t, machine_run_until(m, 3000000) >= 3000000);

    /* A requested reset is carried out between runs, and the run goes on. */
    unsigned resets = cpu.resets;
    cpu.reset_at = 3500000;
    reached = machine_run_until(m, 4000000);
    T_CHECK(t, reached >= 4000000);
    T_EQ(t, cpu.resets, resets + 1);
    T_CHECK(t, !m->reset_requested);
    machine_free(m);
}

static void test_realize_reset_order(TestCtx *t)
{
    AmberError err = { 0 };
    Trace tr = { { 0 } };
    Machine *m = machine_new(32, &err);
    add_tick(t, m, "pic", &tr);
    add_tick(t, m, "pit", &tr);
    add_tick(t, m, "kbc", &tr);
    FakeCpu cpu = { .m = m, .hz = 1000000, .step_cycles = 1, .trace = &tr };
    machine_set_cpu(m, &fake_ops, &cpu);
    /* Duplicate ids are refused. */
    T_CHECK(t, machine_add_device(m, &tick_class, "pit", &err) == NULL);
    T_CONTAINS(t, err.msg, "pit");
    amber_error_clear(&err);
    T_CHECK(t, machine_realize(m, &err));
    T_STREQ(t, tr.text, "realize:pic realize:pit realize:kbc cold:pic cold:pit cold:kbc cold:cpu");
    memset(&tr, 0, sizeof tr);
    machine_reset(m, RESET_WARM);
    T_STREQ(t, tr.text, "warm:pic warm:pit warm:kbc warm:cpu");
    /* Requests from inside a run: a cold one wins over a warm one. */
    memset(&tr, 0, sizeof tr);
    machine_request_reset(m, RESET_COLD);
    machine_request_reset(m, RESET_WARM);
    machine_run_for(m, 10);
    T_STREQ(t, tr.text, "cold:pic cold:pit cold:kbc cold:cpu");
    /* No devices after realize, no second realize. */
    T_CHECK(t, machine_add_device(m, &tick_class, "late", &err) == NULL);
    T_CONTAINS(t, err.msg, "late");
    amber_error_clear(&err);
    T_CHECK(t, !machine_realize(m, &err));
    T_CONTAINS(t, err.msg, "already realized");
    amber_error_clear(&err);
    memset(&tr, 0, sizeof tr);
    machine_free(m);
    T_STREQ(t, tr.text, "unrealize:kbc unrealize:pit unrealize:pic");

    /* A realize failure is reported with the device's own message. */
    m = machine_new(32, &err);
    Device *d = add_tick(t, m, "bad", NULL);
    T_CHECK(t, device_set_prop(d, "fail", "yes", NULL, &err));
    T_CHECK(t, !machine_realize(m, &err));
    T_CONTAINS(t, err.msg, "bad: told to fail");
    machine_free(m);
}

typedef struct CpuRegs {
    uint32_t eax;
    uint16_t cs;
} CpuRegs;

static const StateField cpu_regs_state[] = {
    STATE_FIELD(CpuRegs, eax, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(CpuRegs, cs, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

static bool regs_post_load(void *base, AmberError *err)
{
    ((CpuRegs *)base)->cs = 0xF000;
    return true;
}

static void test_state_sections(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *m = machine_new(32, &err);
    Device *d1 = add_tick(t, m, "pit", NULL);
    machine_add_device(m, &plain_class, "plain", &err);
    Device *d2 = add_tick(t, m, "rtc", NULL);
    CpuRegs regs = { 0x1234, 0 };
    T_CHECK(t, machine_add_state_section(m, "cpu0", 2, cpu_regs_state, &regs, regs_post_load,
                                         &err));
    amber_error_clear(&err);
    T_CHECK(t, !machine_add_state_section(m, "pit", 1, cpu_regs_state, &regs, NULL, &err));
    T_CONTAINS(t, err.msg, "pit");
    amber_error_clear(&err);
    /* Before realize only the extra section is there (devices are not realized yet). */
    T_EQ(t, machine_state_section_count(m), 1);
    T_CHECK(t, machine_realize(m, &err));
    T_EQ(t, machine_state_section_count(m), 3);
    StateSection sec;
    bool (*pl)(void *, AmberError *) = NULL;
    T_CHECK(t, machine_state_section(m, 0, &sec, &pl));
    T_STREQ(t, sec.name, "pit");
    T_EQ(t, sec.version, 3);
    T_CHECK(t, sec.fields == tick_state);
    T_CHECK(t, sec.base == d1->s);
    T_CHECK(t, pl != NULL);
    /* The device post_load hook reaches the device through its state pointer. */
    T_CHECK(t, pl(sec.base, &err));
    T_CHECK(t, ((Tick *)d1->s)->post_loaded);
    T_CHECK(t, !((Tick *)d2->s)->post_loaded);
    T_CHECK(t, machine_state_section(m, 1, &sec, &pl));
    T_STREQ(t, sec.name, "rtc");
    T_CHECK(t, machine_state_section(m, 2, &sec, &pl));
    T_STREQ(t, sec.name, "cpu0");
    T_EQ(t, sec.version, 2);
    T_CHECK(t, pl == regs_post_load);
    T_CHECK(t, !machine_state_section(m, 3, &sec, &pl));

    /* The hash changes with device state, CPU state, time and armed events, and only then. */
    uint64_t h0 = machine_state_hash(m);
    T_EQ(t, machine_state_hash(m), h0);
    ((Tick *)d2->s)->reg = 1;
    uint64_t h1 = machine_state_hash(m);
    T_CHECK(t, h1 != h0);
    regs.eax = 0;
    uint64_t h2 = machine_state_hash(m);
    T_CHECK(t, h2 != h1);
    clock_set_now(m->clock, 1);
    uint64_t h3 = machine_state_hash(m);
    T_CHECK(t, h3 != h2);
    clock_event_arm_in(((Tick *)d1->s)->ev, 5000);
    T_CHECK(t, machine_state_hash(m) != h3);
    /* Transient host pointers (trace, ev) are not in the table, so not in the hash. */
    uint64_t h4 = machine_state_hash(m);
    Trace scratch = { { 0 } };
    ((Tick *)d1->s)->trace = &scratch;
    T_EQ(t, machine_state_hash(m), h4);
    machine_free(m);
}

static void test_deterministic(TestCtx *t)
{
    /* Two identical machines run the same way reach the same hash. */
    uint64_t h[2];
    for (int i = 0; i < 2; i++) {
        AmberError err = { 0 };
        Machine *m = machine_new(32, &err);
        add_tick(t, m, "a", NULL);
        Device *b = add_tick(t, m, "b", NULL);
        device_set_prop(b, "period", "77", NULL, &err);
        FakeCpu cpu = { .m = m, .hz = 350000000, .step_cycles = 5 };
        machine_set_cpu(m, &fake_ops, &cpu);
        T_CHECK(t, machine_realize(m, &err));
        machine_run_until(m, 123457);
        T_CHECK(t, !cpu.deadline_violated);
        h[i] = machine_state_hash(m);
        T_EQ(t, ((Tick *)b->s)->count, 123457 / 77);
        machine_free(m);
    }
    T_EQ(t, h[0], h[1]);
}

static void test_boards(TestCtx *t)
{
    T_CHECK(t, board_count() >= 1);
    T_CHECK(t, board_find("bare") == &board_bare);
    T_CHECK(t, board_find("nope") == NULL);
    T_CHECK(t, board_find(NULL) == NULL);
    T_CHECK(t, board_at(0) != NULL);
    T_CHECK(t, board_at(board_count()) == NULL);
    for (size_t i = 0; i < board_count(); i++) {
        const BoardClass *b = board_at(i);
        T_CHECK(t, b->name && b->desc && b->create);
        T_CHECK(t, board_find(b->name) == b);
    }

    AmberError err = { 0 };
    const BoardClass *bare = board_find("bare");
    Machine *m = machine_new(bare->addr_bits, &err);
    T_CHECK(t, machine_set_board(m, bare, &err));
    T_CHECK(t, !machine_set_board(m, bare, &err));
    amber_error_clear(&err);
    /* The memory prop: default 1M, settable, range-checked. */
    const PropDef *mem = &bare->props[0];
    T_STREQ(t, mem->name, "memory");
    T_EQ(t, *(uint64_t *)((uint8_t *)m->board_state + mem->offset), 1 << 20);
    T_CHECK(t, !prop_apply(mem, m->board_state, "16K", NULL, "bare.ini: [machine] memory", &err));
    T_CONTAINS(t, err.msg, "bare.ini: [machine] memory");
    T_CONTAINS(t, err.msg, "64K..3G");
    amber_error_clear(&err);
    T_CHECK(t, prop_apply(mem, m->board_state, "2M", NULL, "x", &err));
    T_CHECK(t, bare->create(m, m->board_state, &err));
    T_CHECK(t, machine_realize(m, &err));
    T_EQ(t, membus_ram_block_count(m->mem), 1);
    T_EQ(t, membus_ram_block(m->mem, 0)->size, 2 << 20);
    T_EQ(t, membus_kind(m->mem, 0x1FFFFF), MEM_RAM);
    T_EQ(t, membus_kind(m->mem, 0x200000), MEM_UNMAPPED);
    T_EQ(t, machine_state_section_count(m), 0);
    machine_free(m);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_two_machines);
    T_RUN(&t, test_run_no_cpu);
    T_RUN(&t, test_run_cpu);
    T_RUN(&t, test_realize_reset_order);
    T_RUN(&t, test_state_sections);
    T_RUN(&t, test_deterministic);
    T_RUN(&t, test_boards);
    return t_finish(&t);
}
