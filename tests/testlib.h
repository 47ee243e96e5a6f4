/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny test harness for Amber's C tests. A test program runs its cases, prints one line per
 * failed check, and exits 0 (all passed), 1 (a check failed) or 77 (skipped; the reason is printed
 * first, as automake's harness expects).
 */
#ifndef AMBER_TESTLIB_H
#define AMBER_TESTLIB_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct TestCtx {
    int checks;
    int failures;
} TestCtx;

#define T_CHECK(t, cond)                                                                          \
    do {                                                                                          \
        (t)->checks++;                                                                            \
        if (!(cond)) {                                                                            \
            (t)->failures++;                                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
        }                                                                                         \
    } while (0)

#define T_EQ(t, a, b)                                                                             \
    do {                                                                                          \
        unsigned long long t_a_ = (unsigned long long)(a), t_b_ = (unsigned long long)(b);        \
        (t)->checks++;                                                                            \
        if (t_a_ != t_b_) {                                                                       \
            (t)->failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%llx != 0x%llx\n", __FILE__, __LINE__, #a, \
                    #b, t_a_, t_b_);                                                              \
        }                                                                                         \
    } while (0)

#define T_STREQ(t, a, b)                                                                          \
    do {                                                                                          \
        const char *t_a_ = (a), *t_b_ = (b);                                                      \
        (t)->checks++;                                                                            \
        if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                                          \
            (t)->failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, \
                    #b, t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");                          \
        }                                                                                         \
    } while (0)

/* Substring check, for error messages: they must name the file and the problem. */
#define T_CONTAINS(t, hay, needle)                                                                \
    do {                                                                                          \
        const char *t_h_ = (hay), *t_n_ = (needle);                                               \
        (t)->checks++;                                                                            \
        if (!t_h_ || !strstr(t_h_, t_n_)) {                                                       \
            (t)->failures++;                                                                      \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,       \
                    t_h_ ? t_h_ : "(null)", t_n_);                                                \
        }                                                                                         \
    } while (0)

#define T_RUN(t, fn)                                                                              \
    do {                                                                                          \
        int t_before_ = (t)->failures;                                                            \
        fn(t);                                                                                    \
        printf("%s %s\n", (t)->failures == t_before_ ? "ok  " : "FAIL", #fn);                    \
    } while (0)

static inline int t_finish(TestCtx *t)
{
    printf("%d checks, %d failed\n", t->checks, t->failures);
    if (t->checks == 0) {
        fprintf(stderr, "no checks ran\n");
        return 1;
    }
    return t->failures ? 1 : 0;
}

static inline int t_skip(const char *why)
{
    printf("SKIP: %s\n", why);
    fprintf(stderr, "SKIP: %s\n", why);
    return 77;
}

/* FNV-1a 64 of a file's bytes (0 when it cannot be read): tests use it to prove that a user's
 * image was not modified. */
static inline uint64_t t_hash_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    int c;
    if (!f) {
        return 0;
    }
    while ((c = fgetc(f)) != EOF) {
        h = (h ^ (uint8_t)c) * UINT64_C(0x100000001b3);
    }
    fclose(f);
    return h;
}

/* The external test material: $AMBER_SHARED, else ../shared beside the source tree. */
static inline const char *t_shared_dir(void)
{
    const char *s = getenv("AMBER_SHARED");
    return (s && *s) ? s : "../shared";
}

#endif
