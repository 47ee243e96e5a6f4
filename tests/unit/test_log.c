/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-machine log: component names, mask parsing, output, log-once. */
#include "core/log.h"

#include "../testlib.h"

static void test_names(TestCtx *t)
{
    T_STREQ(t, amber_log_component_name(LOG_CORE), "core");
    T_STREQ(t, amber_log_component_name(LOG_PIC), "pic");
    T_STREQ(t, amber_log_component_name(LOG_PIT), "pit");
    T_STREQ(t, amber_log_component_name(LOG_IO), "io");
    T_STREQ(t, amber_log_component_name(LOG_CLI), "cli");
    T_STREQ(t, amber_log_component_name(LOG_COMPONENT_COUNT), "?");
    /* Every component has a distinct name that parses back to itself. */
    bool ok = true;
    for (unsigned i = 0; i < LOG_COMPONENT_COUNT; i++) {
        const char *n = amber_log_component_name((LogComponent)i);
        uint64_t mask = 0;
        if (!n || !*n || strcmp(n, "?") == 0 || !amber_log_parse_mask(n, &mask, NULL) ||
            mask != UINT64_C(1) << i) {
            ok = false;
            fprintf(stderr, "component %u (%s) does not round-trip\n", i, n ? n : "(null)");
        }
        for (unsigned j = 0; j < i; j++) {
            if (strcmp(n, amber_log_component_name((LogComponent)j)) == 0) {
                ok = false;
            }
        }
    }
    T_CHECK(t, ok);
}

static void test_parse(TestCtx *t)
{
    AmberError err = { 0 };
    uint64_t mask = 0;
    T_CHECK(t, amber_log_parse_mask("pic,pit", &mask, &err));
    T_EQ(t, mask, (UINT64_C(1) << LOG_PIC) | (UINT64_C(1) << LOG_PIT));
    T_CHECK(t, amber_log_parse_mask("pic, pit ,io", &mask, &err));
    T_EQ(t, mask, (UINT64_C(1) << LOG_PIC) | (UINT64_C(1) << LOG_PIT) | (UINT64_C(1) << LOG_IO));
    T_CHECK(t, amber_log_parse_mask("all", &mask, &err));
    T_EQ(t, mask, (UINT64_C(1) << LOG_COMPONENT_COUNT) - 1);
    T_CHECK(t, amber_log_parse_mask("", &mask, &err));
    T_EQ(t, mask, 0);
    T_CHECK(t, amber_log_parse_mask("vga,,", &mask, &err));
    T_EQ(t, mask, UINT64_C(1) << LOG_VGA);
    T_CHECK(t, !err.set);

    /* An unknown name is an error naming it (and listing the known ones); mask untouched. */
    mask = 42;
    T_CHECK(t, !amber_log_parse_mask("pic,bogus,pit", &mask, &err));
    T_EQ(t, mask, 42);
    T_CONTAINS(t, err.msg, "'bogus'");
    T_CONTAINS(t, err.msg, "pic");
    T_CONTAINS(t, err.msg, "all");
    amber_error_clear(&err);
    /* Prefixes are not names. */
    T_CHECK(t, !amber_log_parse_mask("pi", &mask, &err));
    T_CONTAINS(t, err.msg, "'pi'");
    amber_error_clear(&err);
    T_CHECK(t, !amber_log_parse_mask("pitt", &mask, &err));
    T_CONTAINS(t, err.msg, "'pitt'");
}

static void test_output(TestCtx *t)
{
    Log log;
    amber_log_init(&log);
    T_EQ(t, log.mask, 0);
    T_CHECK(t, log.out == NULL);
    T_CHECK(t, !amber_log_enabled(&log, LOG_PIC));
    T_CHECK(t, !amber_log_enabled(NULL, LOG_PIC));
    FILE *f = tmpfile();
    T_CHECK(t, f != NULL);
    log.out = f;
    log.mask = UINT64_C(1) << LOG_PIC;
    amber_log(&log, LOG_PIC, "icw1 %02x", 0x11);
    amber_log(&log, LOG_PIT, "not shown");
    bool once = false;
    for (int i = 0; i < 3; i++) {
        amber_log_once(&log, LOG_PIC, &once, "odd guest thing %d", i);
    }
    T_CHECK(t, once);
    bool once2 = false;
    amber_log_once(&log, LOG_PIT, &once2, "masked oddity");
    fflush(f);
    rewind(f);
    char text[512] = { 0 };
    T_CHECK(t, fread(text, 1, sizeof text - 1, f) > 0);
    T_STREQ(t, text, "[pic] icw1 11\n[pic] odd guest thing 0\n");
    fclose(f);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_names);
    T_RUN(&t, test_parse);
    T_RUN(&t, test_output);
    return t_finish(&t);
}
