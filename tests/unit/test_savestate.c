/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save-state files (src/core/savestate.c): a save -> load round trip restores device state, RAM,
 * guest time and event deadlines, and continuing from a loaded state equals an uninterrupted run;
 * every kind of bad file is refused with one error naming it, leaving the machine exactly as it
 * was; a failed save leaves the target untouched and no temporary file behind.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../testlib.h"
#include "core/endian.h"
#include "core/machine.h"
#include "core/savestate.h"

/* ---- a small test device: a counter driven by a periodic event ---- */

typedef struct Ticker {
    bool with_event;   /* prop */
    uint32_t count;
    uint8_t regs[4];
    int64_t period;
    bool running;
    uint32_t trace;    /* which events fired, in which order */
    Event *tick;       /* host pointers: not state */
    Event *idle;
    bool loaded;       /* set by post_load */
} Ticker;

static const StateField ticker_state[] = {
    STATE_FIELD(Ticker, count, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Ticker, regs, STATE_U8, 4, STATE_FMT_HEX, 1),
    STATE_FIELD(Ticker, period, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Ticker, running, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(Ticker, trace, STATE_U32, 1, STATE_FMT_HEX, 1),
    STATE_END,
};

/* The same device as a later, incompatible version would describe it. */
typedef struct TickerV2 {
    bool with_event;
    uint16_t count;
} TickerV2;
static const StateField ticker_state_v2[] = {
    STATE_FIELD(TickerV2, count, STATE_U16, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

static const PropDef ticker_props[] = {
    { "with_event", PROP_BOOL, offsetof(Ticker, with_event), 0, 0, "yes", NULL, "" },
    PROP_END,
};

static void ticker_fire(void *opaque, int64_t now)
{
    Ticker *s = ((Device *)opaque)->s;
    s->count++;
    s->regs[s->count % 4] ^= (uint8_t)s->count;
    s->trace = s->trace * 3 + 1;
    clock_event_arm_at(s->tick, now + s->period);
}

static void ticker_idle(void *opaque, int64_t now)
{
    (void)now;
    Ticker *s = ((Device *)opaque)->s;
    s->trace = s->trace * 3 + 2;
}

static bool ticker_realize(Device *dev, AmberError *err)
{
    Ticker *s = dev->s;
    if (!s->with_event) {
        return true;
    }
    char name[64];
    snprintf(name, sizeof name, "%s.tick", dev->id);
    s->tick = clock_event_new(dev->machine->clock, name, ticker_fire, dev, err);
    snprintf(name, sizeof name, "%s.idle", dev->id);
    s->idle = clock_event_new(dev->machine->clock, name, ticker_idle, dev, err);
    return s->tick && s->idle;
}

static void ticker_reset(Device *dev, ResetKind kind)
{
    (void)kind;
    Ticker *s = dev->s;
    s->period = 1000;
    s->running = true;
    if (s->tick) {
        clock_event_arm_at(s->tick, s->period);
    }
}

static bool ticker_post_load(Device *dev, AmberError *err)
{
    Ticker *s = dev->s;
    s->loaded = true;
    if (s->period < 0) {
        /* An invariant only the device knows, checked once the state is applied. */
        return amber_error(err, "ticker: inconsistent state (negative period)");
    }
    return true;
}

static const DeviceClass ticker_class = {
    .type = "ticker",
    .desc = "test counter",
    .state_size = sizeof(Ticker),
    .state_version = 1,
    .state = ticker_state,
    .props = ticker_props,
    .realize = ticker_realize,
    .reset = ticker_reset,
    .post_load = ticker_post_load,
};

static const DeviceClass ticker_v2_class = {
    .type = "ticker",
    .state_size = sizeof(TickerV2),
    .state_version = 2,
    .state = ticker_state_v2,
    .props = ticker_props,
};

static const DeviceClass ticker_newer_class = {
    .type = "ticker",
    .state_size = sizeof(Ticker),
    .state_version = 0, /* reads only version 0: the file's version 1 is newer */
    .state = ticker_state,
    .props = ticker_props,
    .realize = ticker_realize,
};

/* An extra section, as a CPU registers one. */
typedef struct Extra {
    uint64_t cycles;
} Extra;
static const StateField extra_state[] = {
    STATE_FIELD(Extra, cycles, STATE_U64, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

/* ---- machines ---- */

/* A big section (as a video card's memory is), stored compressed. */
typedef struct Blob {
    uint8_t data[65536];
} Blob;
static const StateField blob_state[] = {
    STATE_FIELD(Blob, data, STATE_BYTES, 65536, STATE_FMT_HEX, 1),
    STATE_END,
};

typedef struct Rig {
    Machine *m;
    Extra extra;
    Blob blob;
} Rig;

typedef struct RigOpts {
    uint64_t ram;          /* size of block "ram" */
    const DeviceClass *cls;
    bool with_event;
    bool second_ticker;
    bool no_ticker;
    const char *extra_name;
} RigOpts;

static const RigOpts standard = { 64 * 1024, &ticker_class, true, false, false, "cpu0" };

static Rig *rig_new(TestCtx *t, RigOpts o)
{
    AmberError err = { 0 };
    Rig *r = calloc(1, sizeof *r);
    r->m = machine_new(32, &err);
    T_CHECK(t, r->m != NULL);
    if (!r->m) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    bool ok = membus_map_ram(r->m->mem, "ram", 0, o.ram, &err) &&
              membus_map_ram(r->m->mem, "vram", 0xA0000, 8192, &err);
    if (ok && !o.no_ticker) {
        Device *d = machine_add_device(r->m, o.cls, "ticker", &err);
        ok = d && device_set_prop(d, "with_event", o.with_event ? "yes" : "no", NULL, &err);
    }
    if (ok && o.second_ticker) {
        ok = machine_add_device(r->m, &ticker_class, "ticker2", &err) != NULL;
    }
    ok = ok && machine_add_state_section(r->m, o.extra_name, 1, extra_state, &r->extra, NULL, &err);
    ok = ok && machine_add_state_section(r->m, "blob", 1, blob_state, &r->blob, NULL, &err);
    ok = ok && machine_realize(r->m, &err);
    T_CHECK(t, ok);
    if (!ok) {
        fprintf(stderr, "rig: %s\n", err.msg);
        exit(1);
    }
    return r;
}

static void rig_free(Rig *r)
{
    machine_free(r->m);
    free(r);
}

static Ticker *ticker_of(Rig *r)
{
    return machine_find_device(r->m, "ticker")->s;
}

/* Everything a load could change: state hash (devices, extra sections, time, events) and RAM. */
typedef struct Snapshot {
    uint64_t hash;
    uint8_t *ram[2];
    size_t size[2];
} Snapshot;

static Snapshot snap(Rig *r)
{
    Snapshot s = { machine_state_hash(r->m), { NULL, NULL }, { 0, 0 } };
    for (size_t i = 0; i < membus_ram_block_count(r->m->mem) && i < 2; i++) {
        const MemRamBlock *b = membus_ram_block(r->m->mem, i);
        s.size[i] = b->size;
        s.ram[i] = malloc(b->size);
        memcpy(s.ram[i], b->host, b->size);
    }
    return s;
}

static bool snap_equal(Rig *r, const Snapshot *s)
{
    if (machine_state_hash(r->m) != s->hash) {
        return false;
    }
    for (size_t i = 0; i < membus_ram_block_count(r->m->mem) && i < 2; i++) {
        const MemRamBlock *b = membus_ram_block(r->m->mem, i);
        if (b->size != s->size[i] || memcmp(b->host, s->ram[i], b->size) != 0) {
            return false;
        }
    }
    return true;
}

static void snap_free(Snapshot *s)
{
    free(s->ram[0]);
    free(s->ram[1]);
}

/* ---- files ---- */

static char tmpdir[64];

static char *tmp_path(const char *name)
{
    static char paths[16][256]; /* test-only scratch; rotated */
    static int next;
    char *p = paths[next++ % 16];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static void write_all(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static int count_temp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strstr(e->d_name, ".tmp-")) {
            n++;
        }
    }
    if (d) {
        closedir(d);
    }
    return n;
}

/* Puts a recognisable, run-dependent state into the rig, and saves it. */
static void make_state(Rig *r)
{
    const MemRamBlock *ram = membus_ram_block(r->m->mem, 0);
    /* A little varied data, the rest zero: the file stays small, so the damage tests can try
     * every byte of it. */
    for (size_t i = 0; i < 512; i++) {
        ram->host[ram->size - 512 + i] = (uint8_t)(i * 7 + (i >> 5));
    }
    membus_write32(r->m->mem, 0xA0010, 0xCAFEF00D);
    r->extra.cycles = UINT64_C(123456789012);
    for (size_t i = 0; i < 300; i++) {
        r->blob.data[40000 + i] = (uint8_t)(i * 13);
    }
    machine_run_for(r->m, 5500);
}

static const char *saved_file(TestCtx *t)
{
    const char *path = tmp_path("good.sav");
    Rig *r = rig_new(t, standard);
    make_state(r);
    AmberError err = { 0 };
    T_CHECK(t, savestate_save(r->m, path, &err));
    rig_free(r);
    return path;
}

/* Loads a bad file into a fresh rig whose state differs from the file's; the load must fail
 * with an error that starts with the path and names the problem, and change nothing. */
static void expect_refused_with(TestCtx *t, RigOpts o, const char *path, const char *needle)
{
    Rig *r = rig_new(t, o);
    membus_write8(r->m->mem, 100, 0x42);
    machine_run_for(r->m, 2100);
    if (!o.no_ticker && o.with_event && o.cls == &ticker_class) {
        clock_event_arm_at(ticker_of(r)->idle, 99999);
    }
    Snapshot before = snap(r);
    AmberError err = { 0 };
    bool ok = savestate_load(r->m, path, &err);
    T_CHECK(t, !ok);
    T_CHECK(t, err.set);
    T_CHECK(t, strncmp(err.msg, path, strlen(path)) == 0 && err.msg[strlen(path)] == ':');
    if (needle) {
        T_CONTAINS(t, err.msg, needle);
    }
    T_CHECK(t, snap_equal(r, &before));
    if (!o.no_ticker && o.cls == &ticker_class) {
        T_CHECK(t, !ticker_of(r)->loaded);
    }
    snap_free(&before);
    rig_free(r);
}

static void expect_refused(TestCtx *t, const char *path, const char *needle)
{
    expect_refused_with(t, standard, path, needle);
}

/* ---- file surgery, to build well-formed files with one thing wrong ---- */

static size_t header_len(const uint8_t *d)
{
    return ld_le32(d + 12);
}

/* Finds section `name`; returns its start and end (after the CRC), or false. */
static bool find_section(const uint8_t *d, size_t len, const char *name, size_t *start,
                         size_t *end)
{
    size_t pos = header_len(d);
    while (pos + 4 <= len && memcmp(d + pos, "SECT", 4) == 0) {
        size_t nlen = ld_le16(d + pos + 4);
        uint64_t stored = ld_le64(d + pos + 6 + nlen + 8);
        size_t e = pos + 6 + nlen + 24 + (size_t)stored + 4;
        if (nlen == strlen(name) && memcmp(d + pos + 6, name, nlen) == 0) {
            *start = pos;
            *end = e;
            return true;
        }
        pos = e;
    }
    return false;
}

/* Rewrites the trailer (the last 12 bytes) for a new section count. */
static void fix_trailer(uint8_t *d, size_t len, int delta)
{
    uint8_t *tr = d + len - 12;
    st_le32(tr + 4, ld_le32(tr + 4) + (uint32_t)delta);
    st_le32(tr + 8, (uint32_t)crc32(0, tr, 8));
}

static void build_section(uint8_t *out, size_t *len, const char *name, const uint8_t *payload,
                          size_t plen)
{
    size_t nlen = strlen(name), pos = 0;
    memcpy(out, "SECT", 4);
    st_le16(out + 4, (uint16_t)nlen);
    memcpy(out + 6, name, nlen);
    pos = 6 + nlen;
    st_le32(out + pos, 1);
    st_le32(out + pos + 4, 0);
    st_le64(out + pos + 8, plen);
    st_le64(out + pos + 16, plen);
    pos += 24;
    memcpy(out + pos, payload, plen);
    pos += plen;
    st_le32(out + pos, (uint32_t)crc32(0, out, (uInt)pos));
    *len = pos + 4;
}

/* ---- the tests ---- */

static void test_round_trip(TestCtx *t)
{
    const char *path = tmp_path("rt.sav");
    Rig *a = rig_new(t, standard);
    make_state(a);
    Ticker *ta = ticker_of(a);
    T_EQ(t, ta->count, 5);
    T_EQ(t, clock_now(a->m->clock), 5500);
    Snapshot at_save = snap(a);
    AmberError err = { 0 };
    T_CHECK(t, savestate_save(a->m, path, &err));
    T_CHECK(t, !err.set);
    T_CHECK(t, snap_equal(a, &at_save)); /* saving changes nothing */
    T_EQ(t, count_temp_files(tmpdir), 0);
    struct stat st;
    T_CHECK(t, stat(path, &st) == 0);
    T_EQ(t, st.st_mode & 0777, 0644); /* umask 022, set in main; not mkstemp's 0600 */

    /* Continue the original: the reference for "load, then continue". */
    machine_run_for(a->m, 20000);
    uint64_t later = machine_state_hash(a->m);

    Rig *b = rig_new(t, standard);
    membus_write32(b->m->mem, 0, 0x11111111);
    machine_run_for(b->m, 1500);
    clock_event_arm_at(ticker_of(b)->idle, 7777);  /* not pending in the file: cancelled */
    b->extra.cycles = 1;
    T_CHECK(t, savestate_load(b->m, path, &err));
    if (err.set) {
        fprintf(stderr, "load: %s\n", err.msg);
    }
    Ticker *tb = ticker_of(b);
    T_EQ(t, tb->count, 5);
    T_EQ(t, tb->period, 1000);
    T_CHECK(t, tb->running);
    T_CHECK(t, tb->loaded);
    T_EQ(t, b->extra.cycles, UINT64_C(123456789012));
    T_CHECK(t, memcmp(b->blob.data, a->blob.data, sizeof b->blob.data) == 0);
    T_EQ(t, b->blob.data[40001], 13);
    T_EQ(t, clock_now(b->m->clock), 5500);
    T_CHECK(t, clock_event_pending(tb->tick));
    T_EQ(t, clock_event_deadline(tb->tick), 6000);
    T_CHECK(t, !clock_event_pending(tb->idle));
    T_EQ(t, membus_read32(b->m->mem, 0xA0010), 0xCAFEF00D);
    T_CHECK(t, snap_equal(b, &at_save));

    /* Continuing from the loaded state equals the uninterrupted run. */
    machine_run_for(b->m, 20000);
    T_EQ(t, machine_state_hash(b->m), later);
    T_EQ(t, tb->count, ta->count);

    /* Saving over an existing file replaces it. */
    T_CHECK(t, savestate_save(b->m, path, &err));
    Rig *c = rig_new(t, standard);
    T_CHECK(t, savestate_load(c->m, path, &err));
    T_EQ(t, machine_state_hash(c->m), later);
    T_EQ(t, count_temp_files(tmpdir), 0);

    snap_free(&at_save);
    rig_free(a);
    rig_free(b);
    rig_free(c);
}

/* Two events due at the same time fire in the order they were armed; a save between arming and
 * firing must keep that order (here the reverse of their creation order). */
static void test_event_ties(TestCtx *t)
{
    const char *path = tmp_path("ties.sav");
    Rig *a = rig_new(t, standard);
    machine_run_for(a->m, 5500);
    Ticker *ta = ticker_of(a);
    clock_event_arm_at(ta->idle, 7000);
    clock_event_arm_at(ta->tick, 7000); /* re-armed after idle: fires after it */
    AmberError err = { 0 };
    T_CHECK(t, savestate_save(a->m, path, &err));
    uint32_t before = ta->trace;
    machine_run_for(a->m, 3000);
    T_EQ(t, ta->trace, ((before * 3 + 2) * 3 + 1) * 3 + 1); /* idle, tick at 7000, tick at 8000 */
    uint64_t ref = machine_state_hash(a->m);

    Rig *b = rig_new(t, standard);
    T_CHECK(t, savestate_load(b->m, path, &err));
    machine_run_for(b->m, 3000);
    T_EQ(t, ticker_of(b)->trace, ta->trace);
    T_EQ(t, machine_state_hash(b->m), ref);
    rig_free(a);
    rig_free(b);
}

static void test_header_records_profile(TestCtx *t)
{
    const char *path = tmp_path("hdr.sav");
    Rig *r = rig_new(t, standard);
    r->m->profile_name = strdup("Test machine");
    r->m->profile_text = strdup("[machine]\nboard=bare\n");
    AmberError err = { 0 };
    T_CHECK(t, savestate_save(r->m, path, &err));
    size_t len = 0;
    uint8_t *d = read_all(path, &len);
    T_CHECK(t, d && len > 32);
    T_CHECK(t, memcmp(d, "AMBERSAV", 8) == 0);
    T_EQ(t, ld_le32(d + 8), SAVESTATE_FORMAT_VERSION);
    T_CHECK(t, memmem(d, header_len(d), "Test machine", 12) != NULL);
    T_CHECK(t, memmem(d, header_len(d), "board=bare", 10) != NULL);
    T_EQ(t, ld_le32(d + header_len(d) - 4), crc32(0, d, (uInt)header_len(d) - 4));
    size_t s, e;
    T_CHECK(t, find_section(d, len, "ticker", &s, &e));
    T_CHECK(t, find_section(d, len, "cpu0", &s, &e));
    T_CHECK(t, find_section(d, len, "clock", &s, &e));
    T_CHECK(t, find_section(d, len, "blob", &s, &e));
    T_EQ(t, ld_le32(d + s + 6 + 4 + 4), 1);           /* flags: compressed */
    T_EQ(t, ld_le64(d + s + 6 + 4 + 16), 4 + 2 + 4 + 9 + 65536); /* raw: the encoded payload */
    T_CHECK(t, e - s < 2000);
    T_CHECK(t, find_section(d, len, "ram:ram", &s, &e));
    T_CHECK(t, find_section(d, len, "ram:vram", &s, &e));
    T_CHECK(t, memcmp(d + len - 12, "END!", 4) == 0);
    T_EQ(t, ld_le32(d + len - 8), 6);
    free(d);
    rig_free(r);
}

static void test_truncated(TestCtx *t)
{
    const char *good = saved_file(t);
    size_t len = 0;
    uint8_t *d = read_all(good, &len);
    const char *path = tmp_path("trunc.sav");
    int tried = 0;
    for (size_t cut = 1; cut < len; cut += 7) {
        write_all(path, d, cut);
        expect_refused(t, path, "truncated");
        tried++;
    }
    write_all(path, d, len - 1);
    expect_refused(t, path, "truncated");
    T_CHECK(t, tried > 10);
    free(d);
}

static void test_flipped_bytes(TestCtx *t)
{
    const char *good = saved_file(t);
    size_t len = 0;
    uint8_t *d = read_all(good, &len);
    const char *path = tmp_path("flip.sav");
    for (size_t pos = 0; pos < len; pos++) {
        uint8_t keep = d[pos];
        d[pos] ^= (pos & 1) ? 0x01 : 0xFF;
        write_all(path, d, len);
        expect_refused(t, path, NULL);
        d[pos] = keep;
    }
    /* Spot checks of the message. */
    size_t s, e;
    T_CHECK(t, find_section(d, len, "ticker", &s, &e));
    d[e - 6] ^= 0x10;
    write_all(path, d, len);
    expect_refused(t, path, "section ticker is damaged (CRC mismatch)");
    d[e - 6] ^= 0x10;
    T_CHECK(t, find_section(d, len, "ram:ram", &s, &e));
    d[e - 10] ^= 0x10;
    write_all(path, d, len);
    expect_refused(t, path, "section ram:ram is damaged (CRC mismatch)");
    d[e - 10] ^= 0x10;
    d[20] ^= 0x10;
    write_all(path, d, len);
    expect_refused(t, path, "header is damaged");
    free(d);
}

static void test_bad_magic_and_version(TestCtx *t)
{
    const char *good = saved_file(t);
    size_t len = 0;
    uint8_t *d = read_all(good, &len);
    const char *path = tmp_path("magic.sav");
    uint8_t *x = malloc(len);
    memcpy(x, d, len);
    memcpy(x, "NOTAMBER", 8);
    write_all(path, x, len);
    expect_refused(t, path, "not an Amber save-state");
    write_all(path, "hello, world\n", 13);
    expect_refused(t, path, "not an Amber save-state");

    memcpy(x, d, len);
    st_le32(x + 8, 7);
    write_all(path, x, len);
    expect_refused(t, path, "was written by a newer Amber (format 7, this one reads up to 1)");

    /* A junk tail after the trailer. */
    uint8_t *y = malloc(len + 3);
    memcpy(y, d, len);
    memcpy(y + len, "abc", 3);
    write_all(path, y, len + 3);
    expect_refused(t, path, "junk after its end");
    free(y);
    free(x);
    free(d);
}

static void test_unknown_and_missing_sections(TestCtx *t)
{
    const char *good = saved_file(t);
    size_t len = 0;
    uint8_t *d = read_all(good, &len);
    const char *path = tmp_path("sect.sav");

    /* A well-formed section this machine does not know. */
    uint8_t sec[64];
    size_t slen = 0;
    const uint8_t payload[4] = { 0, 0, 0, 0 }; /* an empty state payload */
    build_section(sec, &slen, "bogus", payload, sizeof payload);
    uint8_t *x = malloc(len + slen);
    memcpy(x, d, len - 12);
    memcpy(x + len - 12, sec, slen);
    memcpy(x + len - 12 + slen, d + len - 12, 12);
    fix_trailer(x, len + slen, +1);
    write_all(path, x, len + slen);
    expect_refused(t, path, "unknown section bogus");

    /* The same section twice. */
    size_t s, e;
    T_CHECK(t, find_section(d, len, "cpu0", &s, &e));
    size_t dlen = len + (e - s);
    uint8_t *y = malloc(dlen);
    memcpy(y, d, len - 12);
    memcpy(y + len - 12, d + s, e - s);
    memcpy(y + dlen - 12, d + len - 12, 12);
    fix_trailer(y, dlen, +1);
    write_all(path, y, dlen);
    expect_refused(t, path, "has section cpu0 twice");
    free(y);

    /* A section cut out (with the trailer count fixed, so only the absence is wrong). */
    const char *names[] = { "ticker", "cpu0", "clock", "ram:vram" };
    for (size_t i = 0; i < 4; i++) {
        T_CHECK(t, find_section(d, len, names[i], &s, &e));
        memcpy(x, d, s);
        memcpy(x + s, d + e, len - e);
        size_t xlen = len - (e - s);
        fix_trailer(x, xlen, -1);
        write_all(path, x, xlen);
        char want[64];
        snprintf(want, sizeof want, "has no section %s", names[i]);
        expect_refused(t, path, want);
    }

    /* Machines that differ from the one that saved. */
    RigOpts o = standard;
    o.second_ticker = true;
    expect_refused_with(t, o, good, "has no section ticker2");
    o = standard;
    o.no_ticker = true;
    expect_refused_with(t, o, good, "unknown section ticker");
    o = standard;
    o.extra_name = "cpu1";
    expect_refused_with(t, o, good, "unknown section cpu0");
    o = standard;
    o.with_event = false;
    expect_refused_with(t, o, good, "names event 'ticker.tick', which this machine does not have");
    o = standard;
    o.cls = &ticker_v2_class;
    expect_refused_with(t, o, good, "field 'count' is u32 in the file but u16 here");
    o = standard;
    o.cls = &ticker_newer_class;
    expect_refused_with(t, o, good, "section ticker is version 1, newer than this Amber reads (0)");
    free(x);
    free(d);
}

static void test_wrong_ram_size(TestCtx *t)
{
    const char *good = saved_file(t);
    RigOpts o = standard;
    o.ram = 128 * 1024;
    expect_refused_with(t, o, good,
                        "section ram:ram holds 65536 bytes of RAM, this machine's block 'ram' has "
                        "131072");
    o.ram = 32 * 1024;
    expect_refused_with(t, o, good, "section ram:ram holds 65536 bytes");
}

static void test_bad_compressed_data(TestCtx *t)
{
    /* Valid CRC, broken deflate stream: caught by inflating before anything is applied. */
    const char *good = saved_file(t);
    const char *path = tmp_path("zlib.sav");
    const char *names[] = { "ram:vram", "blob" };
    for (size_t i = 0; i < 2; i++) {
        size_t len = 0;
        uint8_t *d = read_all(good, &len);
        size_t s, e, nlen = strlen(names[i]);
        T_CHECK(t, find_section(d, len, names[i], &s, &e));
        size_t payload = s + 6 + nlen + 24;
        size_t stored = (size_t)ld_le64(d + s + 6 + nlen + 8);
        memset(d + payload + stored / 2, 0xEE, stored - stored / 2);
        st_le32(d + e - 4, (uint32_t)crc32(0, d + s, (uInt)(e - 4 - s)));
        write_all(path, d, len);
        char want[80];
        snprintf(want, sizeof want, "section %s is damaged (bad compressed data)", names[i]);
        expect_refused(t, path, want);
        free(d);
    }
}

/* A file that passes every check of the loader but that a device refuses once applied (its
 * post_load hook): the load fails naming the device's reason, and the machine is as it was. */
static void test_refused_by_device(TestCtx *t)
{
    const char *path = tmp_path("refused.sav");
    Rig *a = rig_new(t, standard);
    make_state(a);
    ticker_of(a)->period = -1;
    AmberError err = { 0 };
    T_CHECK(t, savestate_save(a->m, path, &err));
    rig_free(a);

    Rig *r = rig_new(t, standard);
    membus_write8(r->m->mem, 100, 0x42);
    machine_run_for(r->m, 2100);
    Snapshot before = snap(r);
    uint64_t hash = machine_state_hash(r->m);
    bool ok = savestate_load(r->m, path, &err);
    T_CHECK(t, !ok);
    T_CHECK(t, strncmp(err.msg, path, strlen(path)) == 0 && err.msg[strlen(path)] == ':');
    T_CONTAINS(t, err.msg, "negative period");
    T_CHECK(t, snap_equal(r, &before));
    T_EQ(t, machine_state_hash(r->m), hash);
    T_EQ(t, membus_read8(r->m->mem, 100), 0x42);
    snap_free(&before);
    rig_free(r);
}

static void test_not_a_file(TestCtx *t)
{
    expect_refused(t, tmp_path("does-not-exist.sav"), "No such file");
    const char *empty = tmp_path("empty.sav");
    write_all(empty, "", 0);
    expect_refused(t, empty, "is empty");
    const char *dir = tmp_path("adir");
    mkdir(dir, 0755);
    expect_refused(t, dir, "is a directory");
    /* Some other big file, given by mistake. */
    const char *img = tmp_path("disk.img");
    uint8_t *zeros = calloc(1, 4 << 20);
    write_all(img, zeros, 4 << 20);
    free(zeros);
    expect_refused(t, img, "is not an Amber save-state (bad magic)");
    /* Just the magic. */
    write_all(img, "AMBERSAV", 8);
    expect_refused(t, img, "truncated");
}

static void test_failed_save(TestCtx *t)
{
    Rig *r = rig_new(t, standard);
    make_state(r);
    AmberError err = { 0 };

    /* No such folder. */
    const char *nowhere = tmp_path("no/such/folder/x.sav");
    T_CHECK(t, !savestate_save(r->m, nowhere, &err));
    T_CHECK(t, strncmp(err.msg, nowhere, strlen(nowhere)) == 0);
    T_CONTAINS(t, err.msg, "cannot create a temporary file");

    /* A folder in the way: the rename fails after the file was written. */
    const char *dir = tmp_path("target-is-a-dir");
    mkdir(dir, 0755);
    amber_error_clear(&err);
    T_CHECK(t, !savestate_save(r->m, dir, &err));
    T_CHECK(t, strncmp(err.msg, dir, strlen(dir)) == 0);
    T_CONTAINS(t, err.msg, "cannot replace it");
    T_EQ(t, count_temp_files(tmpdir), 0);

    /* A failure while writing leaves an existing target untouched. */
    const char *target = tmp_path("precious.sav");
    write_all(target, "precious", 8);
    Rig *bad = rig_new(t, standard);
    AmberError e2 = { 0 };
    Extra other = { 0 };
    T_CHECK(t, machine_add_state_section(bad->m, "clock", 1, extra_state, &other, NULL, &e2));
    amber_error_clear(&err);
    T_CHECK(t, !savestate_save(bad->m, target, &err));
    T_CHECK(t, strncmp(err.msg, target, strlen(target)) == 0);
    T_CONTAINS(t, err.msg, "reserved");
    size_t len = 0;
    uint8_t *d = read_all(target, &len);
    T_EQ(t, len, 8);
    T_CHECK(t, d && memcmp(d, "precious", 8) == 0);
    free(d);
    T_EQ(t, count_temp_files(tmpdir), 0);
    rig_free(bad);
    rig_free(r);
}

static void cleanup(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        if (remove(p) != 0) {
            rmdir(p);
        }
    }
    if (d) {
        closedir(d);
    }
    rmdir(tmpdir);
}

int main(void)
{
    umask(022);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/amber-savestate-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    TestCtx t = { 0 };
    T_RUN(&t, test_round_trip);
    T_RUN(&t, test_event_ties);
    T_RUN(&t, test_header_records_profile);
    T_RUN(&t, test_truncated);
    T_RUN(&t, test_flipped_bytes);
    T_RUN(&t, test_bad_magic_and_version);
    T_RUN(&t, test_unknown_and_missing_sections);
    T_RUN(&t, test_wrong_ram_size);
    T_RUN(&t, test_bad_compressed_data);
    T_RUN(&t, test_refused_by_device);
    T_RUN(&t, test_not_a_file);
    T_RUN(&t, test_failed_save);
    cleanup();
    return t_finish(&t);
}
