/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device props: every kind, every kind of bad value and what its error message says; irq wiring. */
#include "core/device.h"

#include <stdlib.h>

#include "core/machine.h"

#include "../testlib.h"

typedef struct Cfg {
    int64_t i;
    uint64_t u;
    bool b;
    uint64_t size;
    char *str;
    char *path;
    int drive;
    int64_t unchecked;
} Cfg;

static const char *const drive_choices[] = { "360K", "720K", "1.2M", "1.44M", "2.88M", NULL };

static const PropDef cfg_props[] = {
    { "i", PROP_INT, offsetof(Cfg, i), -100, 100, "5", NULL, "an int" },
    { "u", PROP_UINT, offsetof(Cfg, u), 1, 0x3FF, "0x10", NULL, "an unsigned" },
    { "b", PROP_BOOL, offsetof(Cfg, b), 0, 0, "yes", NULL, "a bool" },
    { "size", PROP_SIZE, offsetof(Cfg, size), 64 * 1024, INT64_C(3) << 30, "1M", NULL, "RAM" },
    { "str", PROP_STRING, offsetof(Cfg, str), 0, 0, "hello", NULL, "a string" },
    { "path", PROP_PATH, offsetof(Cfg, path), 0, 0, NULL, NULL, "a file" },
    { "drive", PROP_ENUM, offsetof(Cfg, drive), 0, 0, "1.44M", drive_choices, "drive type" },
    { "unchecked", PROP_INT, offsetof(Cfg, unchecked), 0, 0, NULL, NULL, "no range" },
    PROP_END,
};

static void test_parsers(TestCtx *t)
{
    uint64_t s;
    T_CHECK(t, prop_parse_size("640K", &s) && s == 640 * 1024);
    T_CHECK(t, prop_parse_size("4M", &s) && s == 4u << 20);
    T_CHECK(t, prop_parse_size("4m", &s) && s == 4u << 20);
    T_CHECK(t, prop_parse_size("1G", &s) && s == 1u << 30);
    T_CHECK(t, prop_parse_size("3G", &s) && s == UINT64_C(3) << 30);
    T_CHECK(t, prop_parse_size("2T", &s) && s == UINT64_C(2) << 40);
    T_CHECK(t, prop_parse_size("512", &s) && s == 512);
    T_CHECK(t, prop_parse_size("16MB", &s) && s == 16u << 20);
    T_CHECK(t, prop_parse_size("16MiB", &s) && s == 16u << 20);
    T_CHECK(t, prop_parse_size("0x1000", &s) && s == 0x1000);
    T_CHECK(t, !prop_parse_size("", &s));
    T_CHECK(t, !prop_parse_size("M", &s));
    T_CHECK(t, !prop_parse_size("4X", &s));
    T_CHECK(t, !prop_parse_size("-4M", &s));
    T_CHECK(t, !prop_parse_size("1.5M", &s));
    T_CHECK(t, !prop_parse_size("4 M", &s));
    T_CHECK(t, !prop_parse_size("99999999999999999999", &s));
    T_CHECK(t, !prop_parse_size("17179869184G", &s)); /* 2^34 G overflows 64 bits */
    T_CHECK(t, !prop_parse_size(NULL, &s));

    bool b;
    static const char *const yes[] = { "yes", "on", "true", "1", "YES", "True" };
    static const char *const no[] = { "no", "off", "false", "0", "Off" };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        b = false;
        T_CHECK(t, prop_parse_bool(yes[i], &b) && b);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        b = true;
        T_CHECK(t, prop_parse_bool(no[i], &b) && !b);
    }
    T_CHECK(t, !prop_parse_bool("maybe", &b));
    T_CHECK(t, !prop_parse_bool("", &b));
    T_CHECK(t, !prop_parse_bool("2", &b));

    int64_t v;
    T_CHECK(t, prop_parse_int("42", &v) && v == 42);
    T_CHECK(t, prop_parse_int("-42", &v) && v == -42);
    T_CHECK(t, prop_parse_int("0x1F", &v) && v == 31);
    T_CHECK(t, prop_parse_int("-0x10", &v) && v == -16);
    T_CHECK(t, prop_parse_int("010", &v) && v == 10); /* no octal surprise */
    T_CHECK(t, prop_parse_int("9223372036854775807", &v) && v == INT64_MAX);
    T_CHECK(t, prop_parse_int("-9223372036854775808", &v) && v == INT64_MIN);
    T_CHECK(t, !prop_parse_int("9223372036854775808", &v));
    T_CHECK(t, !prop_parse_int("12abc", &v));
    T_CHECK(t, !prop_parse_int("0x", &v));
    T_CHECK(t, !prop_parse_int("", &v));
    T_CHECK(t, !prop_parse_int("-", &v));
    T_CHECK(t, !prop_parse_int(" 1", &v));
}

/* Applies value to a fresh Cfg and returns the error message ("" on success). */
static const char *apply(const char *name, const char *value, Cfg *c, AmberError *err)
{
    amber_error_clear(err);
    for (const PropDef *p = cfg_props; p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            char where[128];
            snprintf(where, sizeof where, "dos.ini: [floppy0] %s", name);
            prop_apply(p, c, value, "/profiles/dos", where, err);
            return err->set ? err->msg : "";
        }
    }
    return "no such prop";
}

static void test_apply_good(TestCtx *t)
{
    AmberError err = { 0 };
    Cfg c = { 0 };
    T_STREQ(t, apply("i", "-100", &c, &err), "");
    T_EQ(t, c.i, -100);
    T_STREQ(t, apply("i", "0x64", &c, &err), "");
    T_EQ(t, c.i, 100);
    T_STREQ(t, apply("u", "1023", &c, &err), "");
    T_EQ(t, c.u, 1023);
    T_STREQ(t, apply("b", "off", &c, &err), "");
    T_EQ(t, c.b, false);
    T_STREQ(t, apply("size", "64K", &c, &err), "");
    T_EQ(t, c.size, 65536);
    T_STREQ(t, apply("size", "3G", &c, &err), "");
    T_EQ(t, c.size, UINT64_C(3) << 30);
    T_STREQ(t, apply("str", "abc", &c, &err), "");
    T_STREQ(t, c.str, "abc");
    T_STREQ(t, apply("str", "replaced", &c, &err), ""); /* old string freed (ASan checks) */
    T_STREQ(t, c.str, "replaced");
    T_STREQ(t, apply("path", "disks/dos.img", &c, &err), "");
    T_STREQ(t, c.path, "/profiles/dos/disks/dos.img");
    T_STREQ(t, apply("path", "/abs/x.img", &c, &err), "");
    T_STREQ(t, c.path, "/abs/x.img");
    T_STREQ(t, apply("path", "", &c, &err), "");
    T_CHECK(t, c.path == NULL);
    T_STREQ(t, apply("drive", "720K", &c, &err), "");
    T_EQ(t, c.drive, 1);
    T_STREQ(t, apply("drive", "2.88m", &c, &err), ""); /* case-insensitive */
    T_EQ(t, c.drive, 4);
    T_STREQ(t, apply("unchecked", "-9223372036854775808", &c, &err), "");
    T_EQ(t, c.unchecked, INT64_MIN);
    /* A base_dir with a trailing slash does not double it. */
    amber_error_clear(&err);
    T_CHECK(t, prop_apply(&cfg_props[5], &c, "a.img", "/p/", "w", &err));
    T_STREQ(t, c.path, "/p/a.img");
    /* No base_dir: the path is kept as given. */
    T_CHECK(t, prop_apply(&cfg_props[5], &c, "a.img", NULL, "w", &err));
    T_STREQ(t, c.path, "a.img");
    prop_free_strings(cfg_props, &c);
    T_CHECK(t, c.str == NULL);
    T_CHECK(t, c.path == NULL);
    prop_free_strings(cfg_props, &c); /* twice is harmless */
}

static void test_apply_bad(TestCtx *t)
{
    AmberError err = { 0 };
    Cfg c = { 0 };
    const char *m;

    /* Every error names where, the bad value, and what is allowed. */
    m = apply("i", "101", &c, &err);
    T_CONTAINS(t, m, "dos.ini: [floppy0] i");
    T_CONTAINS(t, m, "101");
    T_CONTAINS(t, m, "-100..100");
    m = apply("i", "ten", &c, &err);
    T_CONTAINS(t, m, "dos.ini: [floppy0] i");
    T_CONTAINS(t, m, "'ten'");
    T_CONTAINS(t, m, "integer");
    T_CONTAINS(t, m, "-100..100");
    m = apply("unchecked", "1e3", &c, &err);
    T_CONTAINS(t, m, "'1e3'");
    T_CONTAINS(t, m, "0x hex");

    m = apply("u", "0", &c, &err);
    T_CONTAINS(t, m, "[floppy0] u");
    T_CONTAINS(t, m, "1..1023");
    m = apply("u", "-1", &c, &err);
    T_CONTAINS(t, m, "'-1'");
    T_CONTAINS(t, m, "unsigned");
    m = apply("u", "0x400", &c, &err);
    T_CONTAINS(t, m, "0x400");
    T_CONTAINS(t, m, "out of range");

    m = apply("b", "maybe", &c, &err);
    T_CONTAINS(t, m, "[floppy0] b");
    T_CONTAINS(t, m, "'maybe'");
    T_CONTAINS(t, m, "yes, no, on, off, true, false, 1 or 0");

    m = apply("size", "32K", &c, &err);
    T_CONTAINS(t, m, "[floppy0] size");
    T_CONTAINS(t, m, "32K");
    T_CONTAINS(t, m, "64K..3G");
    m = apply("size", "4G", &c, &err);
    T_CONTAINS(t, m, "4G");
    T_CONTAINS(t, m, "out of range");
    m = apply("size", "lots", &c, &err);
    T_CONTAINS(t, m, "'lots'");
    T_CONTAINS(t, m, "not a size");
    T_CONTAINS(t, m, "64K..3G");

    m = apply("drive", "1.68M", &c, &err);
    T_CONTAINS(t, m, "dos.ini: [floppy0] drive");
    T_CONTAINS(t, m, "'1.68M'");
    T_CONTAINS(t, m, "360K, 720K, 1.2M, 1.44M, 2.88M");

    /* A failed apply leaves the field as it was. */
    c.i = 7;
    apply("i", "1000", &c, &err);
    T_EQ(t, c.i, 7);
    c.drive = 2;
    apply("drive", "bogus", &c, &err);
    T_EQ(t, c.drive, 2);

    /* A NULL value is an error, not a crash; where defaults to the prop name. */
    amber_error_clear(&err);
    T_CHECK(t, !prop_apply(&cfg_props[0], &c, NULL, NULL, NULL, &err));
    T_CONTAINS(t, err.msg, "i: ");
    prop_free_strings(cfg_props, &c);
}

/* ---- devices in a machine ---- */

typedef struct Led {
    Cfg cfg;
    int level[4];
    unsigned calls;
} Led;

static void led_irq_in(void *opaque, int n, bool level)
{
    Device *dev = opaque;
    Led *s = dev->s;
    s->level[n] = level;
    s->calls++;
}

static const DeviceClass led_class = {
    .type = "led",
    .desc = "test device",
    .state_size = sizeof(Led),
    .props = cfg_props,
    .n_irq_out = 2,
    .n_irq_in = 4,
    .irq_in = led_irq_in,
};

typedef struct Sink {
    int n;
    bool level;
    unsigned calls;
} Sink;

static void sink_fn(void *opaque, int n, bool level)
{
    Sink *s = opaque;
    s->n = n;
    s->level = level;
    s->calls++;
}

static void test_device_props(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *m = machine_new(32, &err);
    T_CHECK(t, m != NULL);
    Device *d = machine_add_device(m, &led_class, "floppy0", &err);
    T_CHECK(t, d != NULL);
    Led *s = d->s;
    /* Defaults were applied at creation. */
    T_EQ(t, s->cfg.i, 5);
    T_EQ(t, s->cfg.u, 16);
    T_EQ(t, s->cfg.b, true);
    T_EQ(t, s->cfg.size, 1 << 20);
    T_STREQ(t, s->cfg.str, "hello");
    T_CHECK(t, s->cfg.path == NULL);
    T_EQ(t, s->cfg.drive, 3);
    T_CHECK(t, device_find_prop(d, "drive") == &cfg_props[6]);
    T_CHECK(t, device_find_prop(d, "nope") == NULL);
    T_CHECK(t, device_set_prop(d, "drive", "360K", NULL, &err));
    T_EQ(t, s->cfg.drive, 0);
    T_CHECK(t, device_set_prop(d, "path", "fd.img", "/home/u/amber", &err));
    T_STREQ(t, s->cfg.path, "/home/u/amber/fd.img");
    amber_error_clear(&err);
    T_CHECK(t, !device_set_prop(d, "colour", "red", NULL, &err));
    T_CONTAINS(t, err.msg, "floppy0");
    T_CONTAINS(t, err.msg, "colour");
    T_CONTAINS(t, err.msg, "drive"); /* lists what exists */
    amber_error_clear(&err);
    T_CHECK(t, !device_set_prop(d, "drive", "3M", NULL, &err));
    T_CONTAINS(t, err.msg, "[floppy0] drive");
    T_CONTAINS(t, err.msg, "'3M'");
    machine_free(m); /* frees the prop strings (ASan checks) */
}

static void test_irq_wiring(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *m = machine_new(32, &err);
    Device *a = machine_add_device(m, &led_class, "a", &err);
    Device *b = machine_add_device(m, &led_class, "b", &err);
    T_CHECK(t, device_connect_irq(a, 1, b, 3, &err));
    device_irq_set(a, 1, true);
    Led *bs = b->s;
    T_EQ(t, bs->level[3], 1);
    T_EQ(t, bs->calls, 1);
    device_irq_set(a, 1, false);
    T_EQ(t, bs->level[3], 0);
    /* An unconnected output just records its level. */
    device_irq_set(a, 0, true);
    T_EQ(t, a->irq_out[0].level, true);
    Sink sk = { 0 };
    T_CHECK(t, device_connect_irq_sink(b, 0, sink_fn, &sk, 7, &err));
    device_irq_set(b, 0, true);
    T_EQ(t, sk.n, 7);
    T_EQ(t, sk.level, true);
    T_EQ(t, sk.calls, 1);
    /* Bad wiring names the device and the number. */
    amber_error_clear(&err);
    T_CHECK(t, !device_connect_irq(a, 2, b, 0, &err));
    T_CONTAINS(t, err.msg, "a has no output 2");
    amber_error_clear(&err);
    T_CHECK(t, !device_connect_irq(a, 0, b, 4, &err));
    T_CONTAINS(t, err.msg, "b has no input 4");
    amber_error_clear(&err);
    T_CHECK(t, !device_connect_irq_sink(a, 9, sink_fn, &sk, 0, &err));
    T_CONTAINS(t, err.msg, "no output 9");
    machine_free(m);
}

static const PropDef bad_default_props[] = {
    { "n", PROP_INT, 0, 0, 10, "11", NULL, NULL },
    PROP_END,
};
static const DeviceClass bad_default_class = {
    .type = "baddefault", .state_size = sizeof(int64_t), .props = bad_default_props,
};

static void test_bad_default(TestCtx *t)
{
    AmberError err = { 0 };
    Machine *m = machine_new(32, &err);
    T_CHECK(t, machine_add_device(m, &bad_default_class, "x", &err) == NULL);
    T_CONTAINS(t, err.msg, "baddefault");
    T_CONTAINS(t, err.msg, "11");
    T_CHECK(t, machine_find_device(m, "x") == NULL);
    machine_free(m);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_parsers);
    T_RUN(&t, test_apply_good);
    T_RUN(&t, test_apply_bad);
    T_RUN(&t, test_device_props);
    T_RUN(&t, test_irq_wiring);
    T_RUN(&t, test_bad_default);
    return t_finish(&t);
}
