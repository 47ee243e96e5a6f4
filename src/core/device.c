/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device properties and irq wiring. Props are the only way configuration reaches a device (or a
 * board, or a CPU model): the profile, the command line and tests all go through prop_apply(), so
 * every value is parsed and range-checked in one place, and every error names where the value came
 * from (`where`, e.g. "dos.ini: [floppy0] drive"), the bad value, and what is allowed.
 */
#include "core/device.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/machine.h"

/* ---- parsing ---- */

/* Parses an unsigned number: decimal, or hex with 0x. Octal is deliberately not recognised
 * ("010" is ten, as a user means it). Stops at the first character that is not a digit. */
static bool prop_parse_u64_prefix(const char *text, uint64_t *out, const char **end)
{
    const char *p = text;
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    uint64_t v = 0;
    const char *digits = p;
    for (;; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9') {
            d = (unsigned)(*p - '0');
        } else if (base == 16 && *p >= 'a' && *p <= 'f') {
            d = (unsigned)(*p - 'a' + 10);
        } else if (base == 16 && *p >= 'A' && *p <= 'F') {
            d = (unsigned)(*p - 'A' + 10);
        } else {
            break;
        }
        if (v > (UINT64_MAX - d) / base) {
            return false; /* overflow */
        }
        v = v * base + d;
    }
    if (p == digits) {
        return false;
    }
    *out = v;
    *end = p;
    return true;
}

static bool prop_parse_uint(const char *text, uint64_t *out)
{
    const char *end;
    uint64_t v;
    if (!text || !prop_parse_u64_prefix(text, &v, &end) || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool prop_parse_int(const char *text, int64_t *out)
{
    if (!text) {
        return false;
    }
    bool neg = false;
    if (*text == '-' || *text == '+') {
        neg = *text == '-';
        text++;
    }
    uint64_t v;
    if (!prop_parse_uint(text, &v)) {
        return false;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) {
            return false;
        }
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX) {
            return false;
        }
        *out = (int64_t)v;
    }
    return true;
}

bool prop_parse_size(const char *text, uint64_t *out)
{
    const char *end;
    uint64_t v;
    if (!text || !prop_parse_u64_prefix(text, &v, &end)) {
        return false;
    }
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K':
        shift = 10;
        break;
    case 'm': case 'M':
        shift = 20;
        break;
    case 'g': case 'G':
        shift = 30;
        break;
    case 't': case 'T':
        shift = 40;
        break;
    default:
        break;
    }
    if (shift) {
        end++;
        /* Accept "4M", "4MB" and "4MiB": all mean 4 * 2^20 here. */
        if (*end == 'i' && end[1] == 'B') {
            end += 2;
        } else if (*end == 'B' || *end == 'b') {
            end++;
        }
    } else if (*end == 'B' || *end == 'b') {
        end++;
    }
    if (*end) {
        return false;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = v << shift;
    return true;
}

bool prop_parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    if (!text) {
        return false;
    }
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* ---- applying ---- */

/* "640K", "4M", "3G" when exact, else the byte count. */
static void prop_format_size(uint64_t v, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    int u = -1;
    while (u < 3 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    if (u < 0) {
        snprintf(buf, len, "%" PRIu64, v);
    } else {
        snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
    }
}

static char *prop_resolve_path(const char *value, const char *base_dir)
{
    if (value[0] == '/' || !base_dir || !*base_dir) {
        return strdup(value);
    }
    size_t bl = strlen(base_dir), vl = strlen(value);
    bool slash = base_dir[bl - 1] == '/';
    char *s = malloc(bl + (slash ? 0 : 1) + vl + 1);
    if (!s) {
        return NULL;
    }
    memcpy(s, base_dir, bl);
    if (!slash) {
        s[bl++] = '/';
    }
    memcpy(s + bl, value, vl + 1);
    return s;
}

static bool prop_range_checked(const PropDef *p)
{
    return !(p->min == 0 && p->max == 0);
}

bool prop_apply(const PropDef *p, void *base, const char *value, const char *base_dir,
                const char *where, AmberError *err)
{
    uint8_t *field = (uint8_t *)base + p->offset;
    const char *w = where ? where : p->name;
    if (!value) {
        return amber_error(err, "%s: no value given", w);
    }
    switch (p->kind) {
    case PROP_INT: {
        int64_t v;
        if (!prop_parse_int(value, &v)) {
            if (prop_range_checked(p)) {
                return amber_error(err, "%s: '%s' is not an integer (expected %" PRId64
                                   "..%" PRId64 ")", w, value, p->min, p->max);
            }
            return amber_error(err, "%s: '%s' is not an integer (decimal or 0x hex)", w, value);
        }
        if (prop_range_checked(p) && (v < p->min || v > p->max)) {
            return amber_error(err, "%s: %s is out of range (allowed %" PRId64 "..%" PRId64 ")",
                               w, value, p->min, p->max);
        }
        memcpy(field, &v, sizeof v);
        return true;
    }
    case PROP_UINT: {
        uint64_t v;
        if (!prop_parse_uint(value, &v)) {
            if (prop_range_checked(p)) {
                return amber_error(err, "%s: '%s' is not an unsigned integer (expected %" PRIu64
                                   "..%" PRIu64 ")", w, value, (uint64_t)p->min,
                                   (uint64_t)p->max);
            }
            return amber_error(err, "%s: '%s' is not an unsigned integer (decimal or 0x hex)", w,
                               value);
        }
        if (prop_range_checked(p) && (v < (uint64_t)p->min || v > (uint64_t)p->max)) {
            return amber_error(err, "%s: %s is out of range (allowed %" PRIu64 "..%" PRIu64 ")",
                               w, value, (uint64_t)p->min, (uint64_t)p->max);
        }
        memcpy(field, &v, sizeof v);
        return true;
    }
    case PROP_BOOL: {
        bool v;
        if (!prop_parse_bool(value, &v)) {
            return amber_error(err, "%s: '%s' is not a yes/no value (use yes, no, on, off, true, "
                               "false, 1 or 0)", w, value);
        }
        memcpy(field, &v, sizeof v);
        return true;
    }
    case PROP_SIZE: {
        uint64_t v;
        char lo[32], hi[32];
        prop_format_size((uint64_t)p->min, lo, sizeof lo);
        prop_format_size((uint64_t)p->max, hi, sizeof hi);
        if (!prop_parse_size(value, &v)) {
            if (prop_range_checked(p)) {
                return amber_error(err, "%s: '%s' is not a size (like 640K, 4M, 1G; allowed "
                                   "%s..%s)", w, value, lo, hi);
            }
            return amber_error(err, "%s: '%s' is not a size (like 640K, 4M, 1G)", w, value);
        }
        if (prop_range_checked(p) && (v < (uint64_t)p->min || v > (uint64_t)p->max)) {
            return amber_error(err, "%s: %s is out of range (allowed %s..%s)", w, value, lo, hi);
        }
        memcpy(field, &v, sizeof v);
        return true;
    }
    case PROP_STRING:
    case PROP_PATH: {
        char *s;
        if (p->kind == PROP_PATH && !*value) {
            s = NULL; /* an empty path means "none" */
        } else {
            s = p->kind == PROP_PATH ? prop_resolve_path(value, base_dir) : strdup(value);
            if (!s) {
                return amber_error(err, "%s: out of memory", w);
            }
        }
        char *old;
        memcpy(&old, field, sizeof old);
        free(old);
        memcpy(field, &s, sizeof s);
        return true;
    }
    case PROP_ENUM: {
        if (!p->choices) {
            return amber_error(err, "%s: property has no choices", w);
        }
        for (int i = 0; p->choices[i]; i++) {
            if (strcasecmp(value, p->choices[i]) == 0) {
                memcpy(field, &i, sizeof i);
                return true;
            }
        }
        char list[512];
        size_t used = 0;
        list[0] = '\0';
        for (int i = 0; p->choices[i] && used < sizeof list; i++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", p->choices[i]);
            if (n < 0) {
                break;
            }
            used += (size_t)n;
        }
        return amber_error(err, "%s: '%s' is not one of %s", w, value, list);
    }
    }
    return amber_error(err, "%s: property has an unknown kind %d", w, (int)p->kind);
}

void prop_free_strings(const PropDef *props, void *base)
{
    if (!props || !base) {
        return;
    }
    for (const PropDef *p = props; p->name; p++) {
        if (p->kind == PROP_STRING || p->kind == PROP_PATH) {
            uint8_t *field = (uint8_t *)base + p->offset;
            char *s;
            memcpy(&s, field, sizeof s);
            free(s);
            s = NULL;
            memcpy(field, &s, sizeof s);
        }
    }
}

/* ---- devices ---- */

const PropDef *device_find_prop(const Device *dev, const char *name)
{
    if (!dev->cls->props) {
        return NULL;
    }
    for (const PropDef *p = dev->cls->props; p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

bool device_set_prop(Device *dev, const char *name, const char *value, const char *base_dir,
                     AmberError *err)
{
    const PropDef *p = device_find_prop(dev, name);
    if (!p) {
        char list[512];
        size_t used = 0;
        list[0] = '\0';
        for (const PropDef *q = dev->cls->props; q && q->name && used < sizeof list; q++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", q->name);
            if (n < 0) {
                break;
            }
            used += (size_t)n;
        }
        return amber_error(err, "[%s] %s: %s has no such property (known: %s)", dev->id, name,
                           dev->cls->type, used ? list : "none");
    }
    if (dev->realized) {
        return amber_error(err, "[%s] %s: cannot change a property after the device is realized",
                           dev->id, name);
    }
    char where[256];
    snprintf(where, sizeof where, "[%s] %s", dev->id, name);
    return prop_apply(p, dev->s, value, base_dir, where, err);
}

bool device_connect_irq(Device *src, unsigned out, Device *dst, unsigned in, AmberError *err)
{
    if (out >= src->cls->n_irq_out) {
        return amber_error(err, "irq: %s has no output %u (it has %u)", src->id, out,
                           src->cls->n_irq_out);
    }
    if (!dst->cls->irq_in || in >= dst->cls->n_irq_in) {
        return amber_error(err, "irq: %s has no input %u (it has %u)", dst->id, in,
                           dst->cls->irq_in ? dst->cls->n_irq_in : 0);
    }
    irq_connect(&src->irq_out[out], dst->cls->irq_in, dst, (int)in);
    return true;
}

bool device_connect_irq_sink(Device *src, unsigned out, IrqSinkFn sink, void *opaque, int n,
                             AmberError *err)
{
    if (out >= src->cls->n_irq_out) {
        return amber_error(err, "irq: %s has no output %u (it has %u)", src->id, out,
                           src->cls->n_irq_out);
    }
    irq_connect(&src->irq_out[out], sink, opaque, n);
    return true;
}
