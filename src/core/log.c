/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-machine debug log. Each Machine embeds a Log, so two machines in one process keep their
 * own masks and outputs; nothing here is global except the const name table.
 */
#include "core/log.h"

#include <stdarg.h>
#include <string.h>

/* Keep in sync with enum LogComponent in log.h (checked at compile time below). */
static const char *const log_component_names[] = {
    [LOG_CORE] = "core",       [LOG_MEM] = "mem",     [LOG_IO] = "io",
    [LOG_CLOCK] = "clock",     [LOG_STATE] = "state", [LOG_PROFILE] = "profile",
    [LOG_CPU] = "cpu",         [LOG_INT] = "int",     [LOG_PIC] = "pic",
    [LOG_PIT] = "pit",         [LOG_DMA] = "dma",     [LOG_RTC] = "rtc",
    [LOG_KBC] = "kbc",         [LOG_UART] = "uart",   [LOG_PCI] = "pci",
    [LOG_FDC] = "fdc",         [LOG_IDE] = "ide",     [LOG_VGA] = "vga",
    [LOG_AUDIO] = "audio",     [LOG_STORAGE] = "storage", [LOG_POST] = "post",
    [LOG_DEBUGCON] = "debugcon", [LOG_GUI] = "gui",   [LOG_CLI] = "cli",
};
_Static_assert(sizeof log_component_names / sizeof log_component_names[0] == LOG_COMPONENT_COUNT,
               "log_component_names must name every LogComponent");
_Static_assert(LOG_COMPONENT_COUNT <= 64, "the log mask is a uint64_t");

void amber_log_init(Log *log)
{
    memset(log, 0, sizeof *log);
}

const char *amber_log_component_name(LogComponent c)
{
    if ((unsigned)c >= LOG_COMPONENT_COUNT || !log_component_names[c]) {
        return "?";
    }
    return log_component_names[c];
}

static bool log_lookup(const char *name, size_t len, unsigned *out)
{
    for (unsigned i = 0; i < LOG_COMPONENT_COUNT; i++) {
        const char *n = log_component_names[i];
        if (n && strlen(n) == len && strncmp(n, name, len) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

bool amber_log_parse_mask(const char *spec, uint64_t *mask, AmberError *err)
{
    uint64_t m = 0;
    const char *p = spec ? spec : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        /* Tolerate spaces around names ("pic, pit"). */
        const char *s = p;
        size_t n = len;
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
            n--;
        }
        if (n == 3 && strncmp(s, "all", 3) == 0) {
            m |= LOG_COMPONENT_COUNT == 64 ? ~UINT64_C(0)
                                           : (UINT64_C(1) << LOG_COMPONENT_COUNT) - 1;
        } else if (n > 0) {
            unsigned c;
            if (!log_lookup(s, n, &c)) {
                char list[512];
                size_t used = 0;
                list[0] = '\0';
                for (unsigned i = 0; i < LOG_COMPONENT_COUNT && used < sizeof list; i++) {
                    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? "," : "",
                                     log_component_names[i]);
                    if (w < 0) {
                        break;
                    }
                    used += (size_t)w;
                }
                return amber_error(err, "unknown log component '%.*s' (known: all,%s)", (int)n, s,
                                   list);
            }
            m |= UINT64_C(1) << c;
        }
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    *mask = m;
    return true;
}

__attribute__((format(printf, 3, 0))) static void log_vwrite(Log *log, LogComponent c,
                                                              const char *fmt, va_list ap)
{
    FILE *out = log->out ? log->out : stderr;
    fprintf(out, "[%s] ", amber_log_component_name(c));
    vfprintf(out, fmt, ap);
    size_t len = strlen(fmt);
    if (len == 0 || fmt[len - 1] != '\n') {
        fputc('\n', out);
    }
}

void amber_log(Log *log, LogComponent c, const char *fmt, ...)
{
    if (!amber_log_enabled(log, c)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(log, c, fmt, ap);
    va_end(ap);
}

void amber_log_once(Log *log, LogComponent c, bool *once, const char *fmt, ...)
{
    /* The flag is set even when the component is masked off, so enabling logging later does not
     * replay old oddities as if they were new. */
    if (!once || *once) {
        return;
    }
    *once = true;
    if (!amber_log_enabled(log, c)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(log, c, fmt, ap);
    va_end(ap);
}
