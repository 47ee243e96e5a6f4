/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool amber_error(AmberError *err, const char *fmt, ...)
{
    if (!err || err->set) {
        return false;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->set = true;
    return false;
}

void amber_error_clear(AmberError *err)
{
    if (err) {
        err->set = false;
        err->msg[0] = '\0';
    }
}
