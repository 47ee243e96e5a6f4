/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-machine debug log with a mask of components (`amber -d pic,pit`). Each machine owns its Log,
 * so two machines in one process log independently. Guest oddities are logged once per site with
 * amber_log_once() and never stop the emulator.
 */
#ifndef AMBER_CORE_LOG_H
#define AMBER_CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

/* Keep in sync with the name table in log.c. */
typedef enum LogComponent {
    LOG_CORE, LOG_MEM, LOG_IO, LOG_CLOCK, LOG_STATE, LOG_PROFILE,
    LOG_CPU, LOG_INT, LOG_PIC, LOG_PIT, LOG_DMA, LOG_RTC, LOG_KBC, LOG_UART, LOG_PCI,
    LOG_FDC, LOG_IDE, LOG_VGA, LOG_AUDIO, LOG_STORAGE, LOG_POST, LOG_DEBUGCON, LOG_GUI, LOG_CLI,
    LOG_COMPONENT_COUNT
} LogComponent;

typedef struct Log {
    uint64_t mask;       /* bit n set: component n is logged */
    FILE *out;           /* NULL means stderr */
    uint64_t unclaimed_io_writes; /* counted here so -d io can report them */
} Log;

void amber_log_init(Log *log);
/* Parses "pic,pit" or "all" or "help"-free lists; an unknown name is an error naming it. */
bool amber_log_parse_mask(const char *spec, uint64_t *mask, AmberError *err);
const char *amber_log_component_name(LogComponent c);
static inline bool amber_log_enabled(const Log *log, LogComponent c)
{
    return log && (log->mask >> c) & 1;
}
void amber_log(Log *log, LogComponent c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Logs at most once per *once flag (kept in the caller's device state, not a static). */
void amber_log_once(Log *log, LogComponent c, bool *once, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
