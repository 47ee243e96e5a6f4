/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State tables: validation, the name-keyed section payload (format in state.h), the human-readable
 * dump and the determinism hash.
 *
 * Encoding and hashing share one walk over the table (state_emit) that feeds bytes to a sink, so
 * the hash is exactly "FNV-1a over the encoded payload" without building the payload in memory.
 * Values are converted element by element to little-endian, so a file written on one host loads
 * on any other.
 *
 * Decoding is two passes over the payload: the first checks every entry (name known, kind and
 * element count equal to the table's, length consistent, no entry twice, bools 0 or 1, nothing
 * trailing); only when all of it is good does the second pass write. Fields the payload does not
 * name keep their value (they were added in a later section version); transient fields in a
 * payload are skipped, since they are recomputed by post_load anyway. When the payload's version
 * is known (the _version variants), the set of fields must be exactly that version's: a field
 * missing from a payload that should have it would otherwise silently keep a stale value.
 */
#include "core/state.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/endian.h"

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x100000001b3)

/* Payload entry header after the name: u8 kind, u32 count, u32 byte_len. */
#define ENTRY_FIXED (2 + 1 + 4 + 4)

size_t state_kind_size(StateKind kind)
{
    switch (kind) {
    case STATE_U8:
    case STATE_I8:
    case STATE_BOOL:
    case STATE_BYTES:
        return 1;
    case STATE_U16:
    case STATE_I16:
        return 2;
    case STATE_U32:
    case STATE_I32:
        return 4;
    case STATE_U64:
    case STATE_I64:
        return 8;
    }
    return 0;
}

static uint32_t field_count(const StateField *f)
{
    return f->count ? f->count : 1;
}

size_t state_field_size(const StateField *f)
{
    return state_kind_size(f->kind) * field_count(f);
}

static const char *kind_name(unsigned kind)
{
    static const char *const names[] = {
        [STATE_U8] = "u8",   [STATE_U16] = "u16", [STATE_U32] = "u32",   [STATE_U64] = "u64",
        [STATE_I8] = "i8",   [STATE_I16] = "i16", [STATE_I32] = "i32",   [STATE_I64] = "i64",
        [STATE_BOOL] = "bool", [STATE_BYTES] = "bytes",
    };
    if (kind < sizeof names / sizeof names[0] && names[kind]) {
        return names[kind];
    }
    return "unknown";
}

bool state_table_validate(const StateField *fields, size_t struct_size, const char *what,
                          AmberError *err)
{
    if (!fields) {
        return true;
    }
    for (size_t i = 0; fields[i].name; i++) {
        const StateField *f = &fields[i];
        if (!f->name[0]) {
            return amber_error(err, "%s: state field %zu has an empty name", what, i);
        }
        if (strlen(f->name) > UINT16_MAX) {
            return amber_error(err, "%s: state field '%.40s...' has too long a name", what,
                               f->name);
        }
        size_t ksize = state_kind_size(f->kind);
        if (!ksize) {
            return amber_error(err, "%s: state field '%s' has an unknown kind %d", what, f->name,
                               (int)f->kind);
        }
        if (f->format != STATE_FMT_DEC && f->format != STATE_FMT_HEX &&
            f->format != STATE_FMT_FLAGS) {
            return amber_error(err, "%s: state field '%s' has an unknown format %d", what,
                               f->name, (int)f->format);
        }
        size_t size = state_field_size(f);
        if (size / ksize != field_count(f) || size > UINT32_MAX) {
            return amber_error(err, "%s: state field '%s' is too large", what, f->name);
        }
        if (f->offset > struct_size || size > struct_size - f->offset) {
            return amber_error(err,
                               "%s: state field '%s' (offset %zu, %zu bytes) lies outside the "
                               "%zu-byte struct",
                               what, f->name, f->offset, size, struct_size);
        }
        for (size_t j = 0; j < i; j++) {
            const StateField *g = &fields[j];
            if (strcmp(f->name, g->name) == 0) {
                return amber_error(err, "%s: state field '%s' is listed twice", what, f->name);
            }
            size_t gsize = state_field_size(g);
            if (f->offset < g->offset + gsize && g->offset < f->offset + size) {
                return amber_error(err, "%s: state fields '%s' and '%s' overlap", what, g->name,
                                   f->name);
            }
        }
    }
    return true;
}

/* ---- growable buffer ---- */

void statebuf_free(StateBuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool statebuf_append(StateBuf *b, const void *data, size_t len)
{
    if (len > SIZE_MAX - b->len) {
        return false;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len) {
            if (cap > SIZE_MAX / 2) {
                cap = b->len + len;
                break;
            }
            cap *= 2;
        }
        uint8_t *p = realloc(b->data, cap);
        if (!p) {
            return false;
        }
        b->data = p;
        b->cap = cap;
    }
    if (len) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    return true;
}

/* ---- encoding ---- */

/* Where encoded bytes go: a buffer (save) or a running hash. */
typedef struct StateSink {
    StateBuf *buf;
    uint64_t hash;
    bool ok;
} StateSink;

static void sink_put(StateSink *s, const void *data, size_t len)
{
    if (!s->ok) {
        return;
    }
    if (s->buf) {
        s->ok = statebuf_append(s->buf, data, len);
        return;
    }
    const uint8_t *p = data;
    uint64_t h = s->hash;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV64_PRIME;
    }
    s->hash = h;
}

/* Reads element i of a field from the struct as an unsigned 64-bit pattern. */
static uint64_t load_elem(const StateField *f, const uint8_t *base, uint32_t i)
{
    size_t ksize = state_kind_size(f->kind);
    const uint8_t *p = base + f->offset + (size_t)i * ksize;
    switch (ksize) {
    case 1: {
        uint8_t v;
        memcpy(&v, p, 1);
        return v;
    }
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static void store_elem(const StateField *f, uint8_t *base, uint32_t i, uint64_t v)
{
    size_t ksize = state_kind_size(f->kind);
    uint8_t *p = base + f->offset + (size_t)i * ksize;
    switch (ksize) {
    case 1: {
        uint8_t x = (uint8_t)v;
        if (f->kind == STATE_BOOL) {
            bool b = v != 0;
            memcpy(p, &b, 1);
        } else {
            memcpy(p, &x, 1);
        }
        break;
    }
    case 2: {
        uint16_t x = (uint16_t)v;
        memcpy(p, &x, 2);
        break;
    }
    case 4: {
        uint32_t x = (uint32_t)v;
        memcpy(p, &x, 4);
        break;
    }
    default:
        memcpy(p, &v, 8);
        break;
    }
}

static uint32_t saved_field_count(const StateSection *sec)
{
    uint32_t n = 0;
    for (const StateField *f = sec->fields; f && f->name; f++) {
        if (!(f->flags & STATE_TRANSIENT)) {
            n++;
        }
    }
    return n;
}

static void state_emit(const StateSection *sec, StateSink *s)
{
    uint8_t hdr[9];
    st_le32(hdr, saved_field_count(sec));
    sink_put(s, hdr, 4);
    const uint8_t *base = sec->base;
    for (const StateField *f = sec->fields; f && f->name; f++) {
        if (f->flags & STATE_TRANSIENT) {
            continue;
        }
        size_t nlen = strlen(f->name);
        uint32_t count = field_count(f);
        st_le16(hdr, (uint16_t)nlen);
        sink_put(s, hdr, 2);
        sink_put(s, f->name, nlen);
        hdr[0] = (uint8_t)f->kind;
        st_le32(hdr + 1, count);
        st_le32(hdr + 5, (uint32_t)state_field_size(f));
        sink_put(s, hdr, 9);
        if (f->kind == STATE_BYTES) {
            sink_put(s, base + f->offset, count);
            continue;
        }
        size_t ksize = state_kind_size(f->kind);
        for (uint32_t i = 0; i < count; i++) {
            uint8_t le[8];
            uint64_t v = load_elem(f, base, i);
            if (f->kind == STATE_BOOL) {
                v = v != 0;
            }
            st_le64(le, v);
            sink_put(s, le, ksize);
        }
    }
}

bool state_encode(const StateSection *sec, StateBuf *out)
{
    StateSink s = { .buf = out, .ok = true };
    state_emit(sec, &s);
    return s.ok;
}

uint64_t state_hash(const StateSection *sec, uint64_t seed)
{
    StateSink s = { .buf = NULL, .hash = FNV64_OFFSET ^ seed, .ok = true };
    state_emit(sec, &s);
    return s.hash;
}

/* ---- decoding ---- */

static const StateField *find_field(const StateSection *sec, const uint8_t *name, size_t nlen)
{
    for (const StateField *f = sec->fields; f && f->name; f++) {
        if (strlen(f->name) == nlen && memcmp(f->name, name, nlen) == 0) {
            return f;
        }
    }
    return NULL;
}

/* One payload entry, located by the checking pass. */
typedef struct Entry {
    const StateField *field; /* NULL: skipped (transient) */
    const uint8_t *data;
} Entry;

/* Checks the payload; fills entries (n_fields of them) when entries is not NULL. With a
 * version, checks too that the payload holds exactly the fields of that version. */
static bool state_parse(const StateSection *sec, const uint32_t *version, const uint8_t *payload,
                        size_t len, Entry *entries, AmberError *err)
{
    const char *sname = sec->name ? sec->name : "?";
    if (version && *version > sec->version) {
        return amber_error(err, "section %s is version %" PRIu32 ", newer than this Amber reads "
                           "(%" PRIu32 ")", sname, *version, sec->version);
    }
    if (len < 4) {
        return amber_error(err, "section %s: payload is truncated", sname);
    }
    uint32_t n = ld_le32(payload);
    size_t pos = 4;
    size_t n_table = 0;
    for (const StateField *f = sec->fields; f && f->name; f++) {
        n_table++;
    }
    /* Which table fields the payload already named, to refuse an entry given twice. */
    bool *seen = calloc(n_table ? n_table : 1, sizeof *seen);
    if (!seen) {
        return amber_error(err, "section %s: out of memory", sname);
    }
    bool ok = false;
    for (uint32_t e = 0; e < n; e++) {
        if (len - pos < 2) {
            amber_error(err, "section %s: payload is truncated at field %" PRIu32, sname, e);
            goto out;
        }
        size_t nlen = ld_le16(payload + pos);
        if (len - pos < ENTRY_FIXED + nlen) {
            amber_error(err, "section %s: payload is truncated at field %" PRIu32, sname, e);
            goto out;
        }
        const uint8_t *name = payload + pos + 2;
        unsigned kind = payload[pos + 2 + nlen];
        uint32_t count = ld_le32(payload + pos + 3 + nlen);
        uint32_t blen = ld_le32(payload + pos + 7 + nlen);
        pos += ENTRY_FIXED + nlen;
        int shown = nlen > 64 ? 64 : (int)nlen;
        if (len - pos < blen) {
            amber_error(err, "section %s: field '%.*s' is truncated", sname, shown,
                        (const char *)name);
            goto out;
        }
        const StateField *f = find_field(sec, name, nlen);
        if (!f) {
            amber_error(err, "section %s: unknown field '%.*s'", sname, shown, (const char *)name);
            goto out;
        }
        size_t idx = (size_t)(f - sec->fields);
        if (seen[idx]) {
            amber_error(err, "section %s: field '%s' appears twice", sname, f->name);
            goto out;
        }
        seen[idx] = true;
        if (version && f->version > *version && !(f->flags & STATE_TRANSIENT)) {
            amber_error(err, "section %s: field '%s' was added in version %u, but the payload is "
                        "version %" PRIu32, sname, f->name, (unsigned)f->version, *version);
            goto out;
        }
        if (kind != (unsigned)f->kind) {
            amber_error(err, "section %s: field '%s' is %s in the file but %s here", sname,
                        f->name, kind_name(kind), kind_name(f->kind));
            goto out;
        }
        if (count != field_count(f)) {
            amber_error(err,
                        "section %s: field '%s' has %" PRIu32 " elements in the file but %" PRIu32
                        " here",
                        sname, f->name, count, field_count(f));
            goto out;
        }
        if (blen != state_field_size(f)) {
            amber_error(err, "section %s: field '%s' has %" PRIu32 " bytes, expected %zu", sname,
                        f->name, blen, state_field_size(f));
            goto out;
        }
        const uint8_t *data = payload + pos;
        if (f->kind == STATE_BOOL) {
            for (uint32_t i = 0; i < count; i++) {
                if (data[i] > 1) {
                    amber_error(err, "section %s: field '%s' holds %u, not a bool", sname,
                                f->name, data[i]);
                    goto out;
                }
            }
        }
        if (entries) {
            entries[e].field = (f->flags & STATE_TRANSIENT) ? NULL : f;
            entries[e].data = data;
        }
        pos += blen;
    }
    if (pos != len) {
        amber_error(err, "section %s: %zu bytes of junk after the last field", sname, len - pos);
        goto out;
    }
    for (size_t i = 0; version && i < n_table; i++) {
        const StateField *f = &sec->fields[i];
        if (!seen[i] && !(f->flags & STATE_TRANSIENT) && f->version <= *version) {
            amber_error(err, "section %s: field '%s' is missing", sname, f->name);
            goto out;
        }
    }
    ok = true;
out:
    free(seen);
    return ok;
}

static bool state_apply(const StateSection *sec, const uint32_t *version, const uint8_t *payload,
                        size_t len, AmberError *err)
{
    if (!state_parse(sec, version, payload, len, NULL, err)) {
        return false;
    }
    uint32_t n = ld_le32(payload);
    if (n == 0) {
        return true;
    }
    /* The count is bounded by the payload length (each entry takes at least ENTRY_FIXED bytes),
     * so this allocation is bounded by the file size. */
    Entry *entries = calloc(n, sizeof *entries);
    if (!entries) {
        return amber_error(err, "section %s: out of memory", sec->name ? sec->name : "?");
    }
    state_parse(sec, version, payload, len, entries, NULL);
    uint8_t *base = sec->base;
    for (uint32_t e = 0; e < n; e++) {
        const StateField *f = entries[e].field;
        if (!f) {
            continue;
        }
        if (f->kind == STATE_BYTES) {
            memcpy(base + f->offset, entries[e].data, field_count(f));
            continue;
        }
        size_t ksize = state_kind_size(f->kind);
        for (uint32_t i = 0; i < field_count(f); i++) {
            uint8_t le[8] = { 0 };
            memcpy(le, entries[e].data + (size_t)i * ksize, ksize);
            store_elem(f, base, i, ld_le64(le));
        }
    }
    free(entries);
    return true;
}

bool state_check(const StateSection *sec, const uint8_t *payload, size_t len, AmberError *err)
{
    return state_parse(sec, NULL, payload, len, NULL, err);
}

bool state_decode(const StateSection *sec, const uint8_t *payload, size_t len, AmberError *err)
{
    return state_apply(sec, NULL, payload, len, err);
}

bool state_check_version(const StateSection *sec, uint32_t version, const uint8_t *payload,
                         size_t len, AmberError *err)
{
    return state_parse(sec, &version, payload, len, NULL, err);
}

bool state_decode_version(const StateSection *sec, uint32_t version, const uint8_t *payload,
                          size_t len, AmberError *err)
{
    return state_apply(sec, &version, payload, len, err);
}

/* ---- dump ---- */

static void dump_value(const StateField *f, uint64_t v, FILE *out)
{
    size_t ksize = state_kind_size(f->kind);
    unsigned bits = (unsigned)ksize * 8;
    if (f->kind == STATE_BOOL) {
        fputs(v ? "true" : "false", out);
        return;
    }
    switch (f->format) {
    case STATE_FMT_HEX:
        fprintf(out, "0x%0*" PRIx64, (int)ksize * 2, v);
        return;
    case STATE_FMT_FLAGS:
        /* Bits as a binary number, most significant first, grouped in nibbles. */
        fputs("0b", out);
        for (unsigned b = bits; b-- > 0;) {
            fputc((v >> b) & 1 ? '1' : '0', out);
            if (b && b % 4 == 0) {
                fputc('_', out);
            }
        }
        return;
    case STATE_FMT_DEC:
    default:
        break;
    }
    switch (f->kind) {
    case STATE_I8:
        fprintf(out, "%d", (int)(int8_t)v);
        break;
    case STATE_I16:
        fprintf(out, "%d", (int)(int16_t)v);
        break;
    case STATE_I32:
        fprintf(out, "%" PRId32, (int32_t)v);
        break;
    case STATE_I64:
        fprintf(out, "%" PRId64, (int64_t)v);
        break;
    default:
        fprintf(out, "%" PRIu64, v);
        break;
    }
}

void state_dump(const StateSection *sec, FILE *out)
{
    const uint8_t *base = sec->base;
    for (const StateField *f = sec->fields; f && f->name; f++) {
        uint32_t count = field_count(f);
        fprintf(out, "%s.%s = ", sec->name ? sec->name : "?", f->name);
        if (f->kind == STATE_BYTES) {
            /* Raw bytes are shown as hex, whatever the format says. */
            fputc('[', out);
            for (uint32_t i = 0; i < count; i++) {
                fprintf(out, i ? " %02x" : "%02x", base[f->offset + i]);
            }
            fputc(']', out);
        } else if (f->count > 1) {
            fputc('[', out);
            for (uint32_t i = 0; i < count; i++) {
                if (i) {
                    fputs(", ", out);
                }
                dump_value(f, load_elem(f, base, i), out);
            }
            fputc(']', out);
        } else {
            dump_value(f, load_elem(f, base, 0), out);
        }
        if (f->flags & STATE_TRANSIENT) {
            fputs("  (transient)", out);
        }
        fputc('\n', out);
    }
}
