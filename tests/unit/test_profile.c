/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine profiles (src/core/profile.c): the shipped bare.ini loads and builds; lookup by name;
 * command-line overrides; and every kind of bad profile is one error naming the file, and the
 * section and key where there is one. Device sections are exercised with a board defined here
 * (loaded through profile_load_file_with_board), since the bare board has no devices.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../testlib.h"
#include "core/board.h"
#include "core/machine.h"
#include "core/profile.h"

/* ---- a test board with one device ---- */

typedef struct Widget {
    bool enabled;
    int64_t irq;
    int mode;
    char *file;
} Widget;

static const char *const widget_modes[] = { "fast", "slow", NULL };

static const PropDef widget_props[] = {
    { "enabled", PROP_BOOL, offsetof(Widget, enabled), 0, 0, "yes", NULL, "" },
    { "irq", PROP_INT, offsetof(Widget, irq), 0, 15, "5", NULL, "" },
    { "mode", PROP_ENUM, offsetof(Widget, mode), 0, 0, "fast", widget_modes, "" },
    { "file", PROP_PATH, offsetof(Widget, file), 0, 0, NULL, NULL, "" },
    PROP_END,
};

static const DeviceClass widget_class = {
    .type = "widget",
    .state_size = sizeof(Widget),
    .props = widget_props,
};

typedef struct TestBoard {
    uint64_t memory;
    bool turbo;
    char *firmware;
} TestBoard;

static const PropDef testboard_props[] = {
    { "memory", PROP_SIZE, offsetof(TestBoard, memory), 4096, 1 << 24, "64K", NULL, "" },
    { "turbo", PROP_BOOL, offsetof(TestBoard, turbo), 0, 0, "no", NULL, "" },
    { "firmware", PROP_PATH, offsetof(TestBoard, firmware), 0, 0, NULL, NULL, "" },
    PROP_END,
};

static bool testboard_create(Machine *m, void *s, AmberError *err)
{
    TestBoard *b = s;
    return membus_map_ram(m->mem, "ram", 0, b->memory, err) &&
           machine_add_device(m, &widget_class, "widget", err) != NULL;
}

static const BoardClass testboard = {
    .name = "testboard",
    .desc = "a board for the profile tests",
    .addr_bits = 24,
    .state_size = sizeof(TestBoard),
    .props = testboard_props,
    .create = testboard_create,
};

/* ---- files ---- */

static char tmpdir[64];

static char *write_profile(const char *name, const char *text)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    sprintf(path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* Loads (and, when the load succeeds, builds) a profile that must fail; every needle must be in
 * the one error, which must begin with the file name. */
static void expect_error(TestCtx *t, const char *text, const char *n1, const char *n2,
                         const char *n3)
{
    char *path = write_profile("bad.ini", text);
    AmberError err = { 0 };
    Profile *p = profile_load_file_with_board(path, &testboard, &err);
    Machine *m = NULL;
    if (p) {
        m = profile_build_machine(p, &err);
    }
    T_CHECK(t, !m);
    T_CHECK(t, err.set);
    T_CHECK(t, strncmp(err.msg, path, strlen(path)) == 0 && err.msg[strlen(path)] == ':');
    T_CONTAINS(t, err.msg, n1);
    if (n2) {
        T_CONTAINS(t, err.msg, n2);
    }
    if (n3) {
        T_CONTAINS(t, err.msg, n3);
    }
    machine_free(m);
    profile_free(p);
    free(path);
}

/* ---- tests ---- */

static void test_shipped_bare(TestCtx *t)
{
    const char *path = AMBER_SRCDIR "/profiles/bare.ini";
    AmberError err = { 0 };
    Profile *p = profile_load_file(path, &err);
    T_CHECK(t, p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    T_STREQ(t, profile_board(p), "bare");
    T_STREQ(t, profile_name(p), "Bare board");
    T_CONTAINS(t, profile_text(p), "board=bare");
    Machine *m = profile_build_machine(p, &err);
    T_CHECK(t, m != NULL);
    if (m) {
        T_CHECK(t, m->realized);
        T_EQ(t, membus_ram_block_count(m->mem), 1);
        T_EQ(t, membus_ram_block(m->mem, 0)->size, 1024 * 1024);
        T_STREQ(t, m->profile_name, "Bare board");
        T_STREQ(t, m->profile_text, profile_text(p));
        T_STREQ(t, m->profile_path, path);
        machine_free(m);
    }
    profile_free(p);
}

static void test_resolve(TestCtx *t)
{
    AmberError err = { 0 };
    unsetenv("AMBER_PROFILES");
    char *path = profile_resolve("bare", &err);
    T_STREQ(t, path, AMBER_SRCDIR "/profiles/bare.ini");
    free(path);

    /* $AMBER_PROFILES comes first, and may list several folders. */
    char *mine = write_profile("bare.ini", "[machine]\nboard=bare\nname=mine\n");
    char env[256];
    snprintf(env, sizeof env, "/nonexistent:%s", tmpdir);
    setenv("AMBER_PROFILES", env, 1);
    path = profile_resolve("bare", &err);
    T_STREQ(t, path, mine);
    free(path);
    unlink(mine);
    free(mine);

    path = profile_resolve("no-such-machine", &err);
    T_CHECK(t, path == NULL);
    T_CONTAINS(t, err.msg, "no profile named 'no-such-machine'");
    T_CONTAINS(t, err.msg, "no-such-machine.ini");
    T_CONTAINS(t, err.msg, tmpdir);
    T_CONTAINS(t, err.msg, AMBER_SRCDIR "/profiles");
    T_CONTAINS(t, err.msg, AMBER_DATADIR "/profiles");
    unsetenv("AMBER_PROFILES");

    /* A path is taken as it is. */
    amber_error_clear(&err);
    path = profile_resolve("./nothing/here.ini", &err);
    T_CHECK(t, path == NULL);
    T_CONTAINS(t, err.msg, "./nothing/here.ini: no such file");
    amber_error_clear(&err);
    path = profile_resolve(AMBER_SRCDIR "/profiles/bare.ini", &err);
    T_STREQ(t, path, AMBER_SRCDIR "/profiles/bare.ini");
    free(path);
}

static void test_own_board(TestCtx *t)
{
    char *path = write_profile("good.ini", "# a test machine\n"
                                           "[machine]\n"
                                           "board = testboard\n"
                                           "memory = 128K\n"
                                           "turbo=on\n"
                                           "firmware=rom/bios.bin\n"
                                           "\n"
                                           "[widget]\n"
                                           "enabled=no\n"
                                           "irq=7\n"
                                           "mode=SLOW\n"
                                           "file=disk.img\r\n");
    AmberError err = { 0 };
    Profile *p = profile_load_file_with_board(path, &testboard, &err);
    T_CHECK(t, p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.msg);
        free(path);
        return;
    }
    T_STREQ(t, profile_name(p), "good"); /* no name= : the file name */
    Machine *m = profile_build_machine(p, &err);
    T_CHECK(t, m != NULL);
    if (m) {
        TestBoard *b = m->board_state;
        T_EQ(t, b->memory, 128 * 1024);
        T_CHECK(t, b->turbo);
        char want[256];
        snprintf(want, sizeof want, "%s/rom/bios.bin", tmpdir);
        T_STREQ(t, b->firmware, want); /* relative to the profile's folder */
        Widget *w = machine_find_device(m, "widget")->s;
        T_CHECK(t, !w->enabled);
        T_EQ(t, w->irq, 7);
        T_EQ(t, w->mode, 1);
        snprintf(want, sizeof want, "%s/disk.img", tmpdir);
        T_STREQ(t, w->file, want);
        machine_free(m);
    }

    /* Overrides, as the command line makes them. */
    T_CHECK(t, profile_set(p, "machine", "memory", "256K", &err));
    T_CHECK(t, profile_set(p, "widget", "irq", "3", &err));
    T_CONTAINS(t, profile_text(p), "memory=256K");
    m = profile_build_machine(p, &err);
    T_CHECK(t, m != NULL);
    if (m) {
        T_EQ(t, ((TestBoard *)m->board_state)->memory, 256 * 1024);
        T_EQ(t, ((Widget *)machine_find_device(m, "widget")->s)->irq, 3);
        T_STREQ(t, m->profile_text, profile_text(p));
        machine_free(m);
    }
    /* A refused override changes nothing. */
    char *text_before = strdup(profile_text(p));
    amber_error_clear(&err);
    T_CHECK(t, !profile_set(p, "machine", "memory", "4Q", &err));
    T_CONTAINS(t, err.msg, path);
    T_CONTAINS(t, err.msg, "[machine] memory: '4Q' is not a size");
    amber_error_clear(&err);
    T_CHECK(t, !profile_set(p, "machine", "board", "abacus", &err));
    T_CONTAINS(t, err.msg, "unknown board 'abacus'");
    amber_error_clear(&err);
    T_CHECK(t, !profile_set(p, "machine", "colour", "red", &err));
    T_CONTAINS(t, err.msg, "[machine] unknown key 'colour'");
    T_STREQ(t, profile_text(p), text_before);
    T_STREQ(t, profile_board(p), "testboard");
    m = profile_build_machine(p, &err);
    T_CHECK(t, m != NULL);
    if (m) {
        T_EQ(t, ((TestBoard *)m->board_state)->memory, 256 * 1024);
        machine_free(m);
    }
    /* A device key can only be checked when the machine is built. */
    amber_error_clear(&err);
    T_CHECK(t, profile_set(p, "widget", "irq", "99", &err));
    T_CHECK(t, profile_build_machine(p, &err) == NULL);
    T_CONTAINS(t, err.msg, "[widget] irq: 99 is out of range");
    free(text_before);
    profile_free(p);
    free(path);
}

static void test_bad_sections_and_keys(TestCtx *t)
{
    expect_error(t, "[machine]\nboard=testboard\n[floppy9]\nx=1\n",
                 "unknown section [floppy9]", "this machine has: machine, widget", NULL);
    expect_error(t, "[machine]\nboard=testboard\ncolour=red\n",
                 "[machine] unknown key 'colour'",
                 "known: name, description, board, memory, turbo, firmware", NULL);
    expect_error(t, "[machine]\nboard=testboard\n[widget]\nspeed=9\n",
                 "[widget] unknown key 'speed'", "known: enabled, irq, mode, file", NULL);
}

static void test_bad_values(TestCtx *t)
{
    expect_error(t, "[machine]\nboard=testboard\nmemory=4Q\n", "[machine] memory",
                 "'4Q' is not a size", NULL);
    expect_error(t, "[machine]\nboard=testboard\nmemory=1G\n", "[machine] memory",
                 "out of range", NULL);
    expect_error(t, "[machine]\nboard=testboard\nturbo=maybe\n", "[machine] turbo",
                 "'maybe' is not a yes/no value", NULL);
    expect_error(t, "[machine]\nboard=testboard\n[widget]\nenabled=maybe\n", "[widget] enabled",
                 "'maybe'", NULL);
    expect_error(t, "[machine]\nboard=testboard\n[widget]\nirq=16\n", "[widget] irq",
                 "out of range", NULL);
    expect_error(t, "[machine]\nboard=testboard\n[widget]\nirq=seven\n", "[widget] irq",
                 "'seven' is not an integer", NULL);
    expect_error(t, "[machine]\nboard=testboard\n[widget]\nmode=warp\n", "[widget] mode",
                 "'warp' is not one of fast, slow", NULL);
    /* The shipped board, through the plain loader. */
    char *path = write_profile("bare-bad.ini", "[machine]\nboard=bare\nmemory=4Q\n");
    AmberError err = { 0 };
    T_CHECK(t, profile_load_file(path, &err) == NULL);
    T_CONTAINS(t, err.msg, path);
    T_CONTAINS(t, err.msg, "[machine] memory: '4Q' is not a size");
    free(path);
}

static void test_bad_board(TestCtx *t)
{
    expect_error(t, "[machine]\nname=No board\nmemory=1M\n", "[machine] board: no board given",
                 "known boards: ", "bare");
    expect_error(t, "[machine]\nboard=pdp11\n", "[machine] board: unknown board 'pdp11'",
                 "known boards: ", "pc-i440fx");
    expect_error(t, "[widget]\nirq=3\n", "has no [machine] section", NULL, NULL);
    expect_error(t, "", "has no [machine] section", NULL, NULL);
}

static void test_syntax_errors(TestCtx *t)
{
    expect_error(t, "[machine]\nboard=testboard\nthis line is junk\n", "line 3:",
                 "'this line is junk' is not a key=value line", NULL);
    expect_error(t, "# comment\n[machine\nboard=testboard\n", "line 2:", "no closing ']'", NULL);
    expect_error(t, "memory=1M\n[machine]\nboard=testboard\n", "line 1:",
                 "key 'memory' comes before any [section]", NULL);
    expect_error(t, "[machine]\nboard=testboard\nmemory=1M\nmemory=2M\n", "line 4:",
                 "[machine] key 'memory' is set twice (first on line 3)", NULL);
    expect_error(t, "[machine]\nboard=testboard\n[widget]\n[machine]\n", "line 4:",
                 "section [machine] appears twice (first on line 1)", NULL);
    expect_error(t, "[machine]\nboard=testboard\n=5\n", "line 3:", "no key", NULL);
    expect_error(t, "[machine]\nboard=testboard\nname=\xff\xfe\n", "line 3:", "UTF-8", NULL);
    expect_error(t, "[machine]\nboard=testboard\n; semicolons are not comments\n", "line 3:",
                 "# comment", NULL);
}

static void test_not_a_profile(TestCtx *t)
{
    AmberError err = { 0 };
    char path[256];
    snprintf(path, sizeof path, "%s/missing.ini", tmpdir);
    T_CHECK(t, profile_load_file(path, &err) == NULL);
    T_CHECK(t, strncmp(err.msg, path, strlen(path)) == 0);
    T_CONTAINS(t, err.msg, "cannot open: No such file or directory");

    amber_error_clear(&err);
    T_CHECK(t, profile_load_file(tmpdir, &err) == NULL);
    T_CONTAINS(t, err.msg, tmpdir);
    T_CONTAINS(t, err.msg, "is a directory");

    char *bin = write_profile("binary.ini", "[machine]\nboard=bare\n");
    FILE *f = fopen(bin, "ab");
    fputc(0, f);
    fclose(f);
    amber_error_clear(&err);
    T_CHECK(t, profile_load_file(bin, &err) == NULL);
    T_CONTAINS(t, err.msg, "is not a text file");
    free(bin);

    char *big_text = malloc(2 << 20);
    memset(big_text, '#', (2 << 20) - 1);
    big_text[(2 << 20) - 1] = '\0';
    char *big = write_profile("big.ini", big_text);
    free(big_text);
    amber_error_clear(&err);
    T_CHECK(t, profile_load_file(big, &err) == NULL);
    T_CONTAINS(t, err.msg, big);
    T_CONTAINS(t, err.msg, "too large to be a profile");
    free(big);

    /* Data given directly is named by the caller's name for it. */
    amber_error_clear(&err);
    T_CHECK(t, profile_load_data("[machine]\nboard=nope\n", "--profile-text", &err) == NULL);
    T_CONTAINS(t, err.msg, "--profile-text: [machine] board: unknown board 'nope'");
    amber_error_clear(&err);
    Profile *p = profile_load_data("[machine]\nboard=bare\nmemory=64K\n", "inline", &err);
    T_CHECK(t, p != NULL);
    if (p) {
        Machine *m = profile_build_machine(p, &err);
        T_CHECK(t, m && membus_ram_block(m->mem, 0)->size == 64 * 1024);
        T_CHECK(t, m && m->profile_path == NULL);
        machine_free(m);
        profile_free(p);
    }
}

static void cleanup(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            remove(p);
        }
    }
    if (d) {
        closedir(d);
    }
    rmdir(tmpdir);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/amber-profile-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    TestCtx t = { 0 };
    T_RUN(&t, test_shipped_bare);
    T_RUN(&t, test_resolve);
    T_RUN(&t, test_own_board);
    T_RUN(&t, test_bad_sections_and_keys);
    T_RUN(&t, test_bad_values);
    T_RUN(&t, test_bad_board);
    T_RUN(&t, test_syntax_errors);
    T_RUN(&t, test_not_a_profile);
    cleanup();
    return t_finish(&t);
}
