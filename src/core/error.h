/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors for the user. Library code never exits or aborts: a function that can fail for a reason
 * the user must hear about (a host file, a profile, a save-state) takes an AmberError * (which may
 * be NULL), fills it with one line naming the file and the problem, and returns false or NULL.
 */
#ifndef AMBER_CORE_ERROR_H
#define AMBER_CORE_ERROR_H

#include <stdbool.h>

#define AMBER_ERROR_MAX 1024

typedef struct AmberError {
    bool set;
    char msg[AMBER_ERROR_MAX];
} AmberError;

/* Records the first error only, so the innermost, most specific message wins. Returns false so
 * callers can write `return amber_error(err, ...);`. */
bool amber_error(AmberError *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void amber_error_clear(AmberError *err);

#endif
