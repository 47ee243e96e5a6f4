/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State tables: a device or CPU declares its state as an array of fields that sits next to the
 * struct it describes. One table drives save-states (name-keyed, so adding or reordering fields
 * never breaks old files), `amber --dump-state`, and the state hash of determinism tests.
 * State that can be recomputed (decoded caches, host pointers) is not listed, or is marked
 * STATE_TRANSIENT; a post_load hook rebuilds it.
 */
#ifndef AMBER_CORE_STATE_H
#define AMBER_CORE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum StateKind {
    STATE_U8 = 1, STATE_U16, STATE_U32, STATE_U64, STATE_I8, STATE_I16, STATE_I32, STATE_I64,
    STATE_BOOL, /* C bool, stored as one byte */
    STATE_BYTES, /* raw bytes: count is the length */
} StateKind;

typedef enum StateFormat { STATE_FMT_DEC = 0, STATE_FMT_HEX, STATE_FMT_FLAGS } StateFormat;

enum {
    STATE_TRANSIENT = 1u << 0, /* shown by --dump-state, not saved or hashed */
};

typedef struct StateField {
    const char *name;
    StateKind kind;
    size_t offset;     /* offset in the described struct */
    uint32_t count;    /* array elements (bytes for STATE_BYTES); 0 is treated as 1 */
    StateFormat format;
    uint16_t version;  /* section version that added the field; older files leave it untouched */
    uint16_t flags;
} StateField;

/* A table ends with a field whose name is NULL. */
#define STATE_END { NULL, 0, 0, 0, 0, 0, 0 }

/* Helpers for declaring fields: STATE_FIELD(MyDev, irr, STATE_U8, 1, STATE_FMT_HEX, 1) */
#define STATE_FIELD(type, member, kind, count, fmt, ver) \
    { #member, kind, offsetof(type, member), count, fmt, ver, 0 }
#define STATE_FIELD_NAMED(name, type, member, kind, count, fmt, ver) \
    { name, kind, offsetof(type, member), count, fmt, ver, 0 }

typedef struct StateSection {
    const char *name;    /* unique in a machine: device id, "cpu0", "clock", ... */
    uint32_t version;    /* current version of this section's table */
    const StateField *fields;
    void *base;          /* the struct the offsets apply to */
} StateSection;

size_t state_kind_size(StateKind kind);
size_t state_field_size(const StateField *f);
/* Checks a table for duplicate names, zero sizes, overlapping or out-of-struct fields. */
bool state_table_validate(const StateField *fields, size_t struct_size, const char *what,
                          AmberError *err);

/*
 * Section payload encoding (little-endian), used inside save-state files:
 *   u32 field_count, then per field: u16 name_len, name bytes, u8 kind, u32 count, u32 byte_len,
 *   bytes. Transient fields are not written.
 * state_encode appends to a growable buffer; state_decode applies a payload to a struct, checking
 * every field name, kind and length against the table (unknown names and mismatched kinds are
 * errors; fields absent from the payload keep their current value). state_decode writes only
 * when the whole payload checks out, so a failure leaves the struct unchanged.
 */
typedef struct StateBuf {
    uint8_t *data;
    size_t len;
    size_t cap;
} StateBuf;
void statebuf_free(StateBuf *b);
bool statebuf_append(StateBuf *b, const void *data, size_t len);

bool state_encode(const StateSection *sec, StateBuf *out);
bool state_decode(const StateSection *sec, const uint8_t *payload, size_t len, AmberError *err);
/* Dry-run of state_decode: checks without writing. */
bool state_check(const StateSection *sec, const uint8_t *payload, size_t len, AmberError *err);
/*
 * Strict variants for payloads whose section version is known (save-state files carry it): the
 * version must not be newer than sec->version; a field added after it (StateField.version greater)
 * must be absent and keeps its value; every other saved field must be present.
 */
bool state_check_version(const StateSection *sec, uint32_t version, const uint8_t *payload,
                         size_t len, AmberError *err);
bool state_decode_version(const StateSection *sec, uint32_t version, const uint8_t *payload,
                          size_t len, AmberError *err);

/* Human-readable dump: "section.field = value" lines, arrays as lists. */
void state_dump(const StateSection *sec, FILE *out);
/* FNV-1a 64 over the encoded, non-transient state; for determinism tests. It starts from the FNV
 * offset basis XOR seed, so seed 0 is plain FNV-1a and passing one section's hash as the next
 * one's seed chains them. */
uint64_t state_hash(const StateSection *sec, uint64_t seed);

#endif
