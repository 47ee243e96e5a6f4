/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State tables: validation, encode/decode, dump and hash (src/core/state.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "core/state.h"
#include "../testlib.h"

typedef struct All {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    bool flag;
    uint8_t raw[5];
    uint16_t regs[3];
    int32_t deltas[2];
    bool bits[4];
    uint32_t cache; /* transient */
} All;

static const StateField all_fields[] = {
    STATE_FIELD(All, u8, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, u16, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, u32, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, u64, STATE_U64, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, i8, STATE_I8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i16, STATE_I16, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i32, STATE_I32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i64, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, flag, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, raw, STATE_BYTES, 5, STATE_FMT_HEX, 1),
    STATE_FIELD(All, regs, STATE_U16, 3, STATE_FMT_HEX, 1),
    STATE_FIELD(All, deltas, STATE_I32, 2, STATE_FMT_DEC, 2),
    STATE_FIELD(All, bits, STATE_BOOL, 4, STATE_FMT_DEC, 2),
    { "cache", STATE_U32, offsetof(All, cache), 1, STATE_FMT_HEX, 1, STATE_TRANSIENT },
    STATE_END,
};

/* The same fields in another order, as a later version of a device might list them. */
static const StateField all_fields_reordered[] = {
    STATE_FIELD(All, bits, STATE_BOOL, 4, STATE_FMT_DEC, 2),
    STATE_FIELD(All, regs, STATE_U16, 3, STATE_FMT_HEX, 1),
    STATE_FIELD(All, i64, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, u8, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, deltas, STATE_I32, 2, STATE_FMT_DEC, 2),
    STATE_FIELD(All, u32, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, raw, STATE_BYTES, 5, STATE_FMT_HEX, 1),
    STATE_FIELD(All, u16, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, flag, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i32, STATE_I32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, u64, STATE_U64, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, i8, STATE_I8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i16, STATE_I16, 1, STATE_FMT_DEC, 1),
    STATE_END,
};

/* An older table: without the version-2 fields. */
static const StateField all_fields_v1[] = {
    STATE_FIELD(All, u8, STATE_U8, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, u16, STATE_U16, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, u32, STATE_U32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, u64, STATE_U64, 1, STATE_FMT_HEX, 1),
    STATE_FIELD(All, i8, STATE_I8, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i16, STATE_I16, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i32, STATE_I32, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, i64, STATE_I64, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, flag, STATE_BOOL, 1, STATE_FMT_DEC, 1),
    STATE_FIELD(All, raw, STATE_BYTES, 5, STATE_FMT_HEX, 1),
    STATE_FIELD(All, regs, STATE_U16, 3, STATE_FMT_HEX, 1),
    STATE_END,
};

static void fill(All *a)
{
    memset(a, 0, sizeof *a);
    a->u8 = 0xA5;
    a->u16 = 0xBEEF;
    a->u32 = 0xDEADBEEF;
    a->u64 = UINT64_C(0x0123456789ABCDEF);
    a->i8 = -5;
    a->i16 = -1234;
    a->i32 = -123456789;
    a->i64 = INT64_MIN + 7;
    a->flag = true;
    memcpy(a->raw, "\x01\x02\x03\xfe\xff", 5);
    a->regs[0] = 1;
    a->regs[1] = 0x8000;
    a->regs[2] = 0xFFFF;
    a->deltas[0] = -1;
    a->deltas[1] = INT32_MAX;
    a->bits[1] = true;
    a->bits[3] = true;
    a->cache = 0x77;
}

static bool same_saved(const All *a, const All *b)
{
    return a->u8 == b->u8 && a->u16 == b->u16 && a->u32 == b->u32 && a->u64 == b->u64 &&
           a->i8 == b->i8 && a->i16 == b->i16 && a->i32 == b->i32 && a->i64 == b->i64 &&
           a->flag == b->flag && memcmp(a->raw, b->raw, 5) == 0 &&
           memcmp(a->regs, b->regs, sizeof a->regs) == 0 &&
           memcmp(a->deltas, b->deltas, sizeof a->deltas) == 0 &&
           memcmp(a->bits, b->bits, sizeof a->bits) == 0;
}

static StateSection section(const char *name, const StateField *fields, All *base)
{
    return (StateSection){ name, 2, fields, base };
}

static void test_kind_sizes(TestCtx *t)
{
    T_EQ(t, state_kind_size(STATE_U8), 1);
    T_EQ(t, state_kind_size(STATE_U16), 2);
    T_EQ(t, state_kind_size(STATE_U32), 4);
    T_EQ(t, state_kind_size(STATE_U64), 8);
    T_EQ(t, state_kind_size(STATE_I8), 1);
    T_EQ(t, state_kind_size(STATE_I16), 2);
    T_EQ(t, state_kind_size(STATE_I32), 4);
    T_EQ(t, state_kind_size(STATE_I64), 8);
    T_EQ(t, state_kind_size(STATE_BOOL), 1);
    T_EQ(t, state_kind_size(STATE_BYTES), 1);
    T_EQ(t, state_kind_size((StateKind)0), 0);
    T_EQ(t, state_field_size(&all_fields[10]), 6); /* regs: 3 x u16 */
    StateField zero = { "z", STATE_U32, 0, 0, 0, 1, 0 };
    T_EQ(t, state_field_size(&zero), 4);           /* count 0 means 1 */
}

static void test_validate(TestCtx *t)
{
    AmberError err = { 0 };
    T_CHECK(t, state_table_validate(all_fields, sizeof(All), "all", &err));
    T_CHECK(t, !err.set);
    T_CHECK(t, state_table_validate(all_fields_reordered, sizeof(All), "all", &err));

    const StateField dup[] = {
        STATE_FIELD(All, u8, STATE_U8, 1, STATE_FMT_HEX, 1),
        STATE_FIELD_NAMED("u8", All, u16, STATE_U16, 1, STATE_FMT_HEX, 1),
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(dup, sizeof(All), "dupdev", &err));
    T_CONTAINS(t, err.msg, "dupdev");
    T_CONTAINS(t, err.msg, "'u8' is listed twice");

    const StateField overlap[] = {
        STATE_FIELD(All, u32, STATE_U32, 1, STATE_FMT_HEX, 1),
        STATE_FIELD_NAMED("u32_hi", All, u32, STATE_U16, 1, STATE_FMT_HEX, 1),
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(overlap, sizeof(All), "ov", &err));
    T_CONTAINS(t, err.msg, "overlap");
    T_CONTAINS(t, err.msg, "u32_hi");

    /* An array that runs into the next member overlaps it too. */
    const StateField long_array[] = {
        STATE_FIELD(All, regs, STATE_U16, 4, STATE_FMT_HEX, 1),
        STATE_FIELD(All, deltas, STATE_I32, 2, STATE_FMT_DEC, 1),
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(long_array, sizeof(All), "la", &err));
    T_CONTAINS(t, err.msg, "overlap");

    const StateField outside[] = {
        STATE_FIELD(All, cache, STATE_U64, 1, STATE_FMT_HEX, 1),
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(outside, offsetof(All, cache) + 4, "out", &err));
    T_CONTAINS(t, err.msg, "outside");

    const StateField huge_offset[] = {
        { "far", STATE_U8, SIZE_MAX, 1, 0, 1, 0 },
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(huge_offset, sizeof(All), "far", &err));
    T_CONTAINS(t, err.msg, "outside");

    const StateField bad_kind[] = {
        { "k", (StateKind)42, 0, 1, 0, 1, 0 },
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(bad_kind, sizeof(All), "bk", &err));
    T_CONTAINS(t, err.msg, "unknown kind");

    const StateField empty_name[] = {
        { "", STATE_U8, 0, 1, 0, 1, 0 },
        STATE_END,
    };
    amber_error_clear(&err);
    T_CHECK(t, !state_table_validate(empty_name, sizeof(All), "en", &err));
    T_CONTAINS(t, err.msg, "empty name");

    T_CHECK(t, state_table_validate(NULL, 0, "none", NULL));
}

static void test_round_trip(TestCtx *t)
{
    All a, b;
    fill(&a);
    memset(&b, 0, sizeof b);
    StateSection sa = section("dev", all_fields, &a), sb = section("dev", all_fields, &b);
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&sa, &buf));
    AmberError err = { 0 };
    T_CHECK(t, state_check(&sb, buf.data, buf.len, &err));
    T_CHECK(t, !b.flag); /* state_check writes nothing */
    T_CHECK(t, state_decode(&sb, buf.data, buf.len, &err));
    T_CHECK(t, !err.set);
    T_CHECK(t, same_saved(&a, &b));
    T_EQ(t, b.cache, 0); /* transient: not saved */
    T_EQ(t, ld_le32(buf.data), 13); /* 14 fields, one transient */

    /* Values are stored little-endian whatever the host: find "u16" and check its bytes. */
    const uint8_t *p = buf.data + 4;
    p += 2 + 2 + 1 + 4 + 4 + 1; /* the u8 entry */
    T_EQ(t, ld_le16(p), 3);
    T_CHECK(t, memcmp(p + 2, "u16", 3) == 0);
    T_EQ(t, p[5], STATE_U16);
    T_EQ(t, ld_le32(p + 6), 1);
    T_EQ(t, ld_le32(p + 10), 2);
    T_EQ(t, p[14], 0xEF);
    T_EQ(t, p[15], 0xBE);
    statebuf_free(&buf);
    T_CHECK(t, buf.data == NULL);
}

static void test_reordered(TestCtx *t)
{
    All a, b;
    fill(&a);
    memset(&b, 0, sizeof b);
    StateSection sa = section("dev", all_fields, &a);
    StateSection sb = section("dev", all_fields_reordered, &b);
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&sa, &buf));
    AmberError err = { 0 };
    T_CHECK(t, state_decode(&sb, buf.data, buf.len, &err));
    T_CHECK(t, same_saved(&a, &b));
    statebuf_free(&buf);

    /* And the other way round. */
    memset(&b, 0, sizeof b);
    sb = section("dev", all_fields, &b);
    sa = section("dev", all_fields_reordered, &a);
    T_CHECK(t, state_encode(&sa, &buf));
    T_CHECK(t, state_decode(&sb, buf.data, buf.len, &err));
    T_CHECK(t, same_saved(&a, &b));
    statebuf_free(&buf);
}

static void test_absent_fields_keep_value(TestCtx *t)
{
    All a, b;
    fill(&a);
    memset(&b, 0, sizeof b);
    b.deltas[0] = 42;
    b.bits[0] = true;
    StateSection old = section("dev", all_fields_v1, &a), cur = section("dev", all_fields, &b);
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&old, &buf));
    AmberError err = { 0 };
    T_CHECK(t, state_decode(&cur, buf.data, buf.len, &err));
    T_EQ(t, b.u64, a.u64);
    T_EQ(t, b.regs[2], 0xFFFF);
    T_EQ(t, b.deltas[0], 42); /* not in the old payload */
    T_CHECK(t, b.bits[0]);
    statebuf_free(&buf);
}

/* With the payload's version known, the set of fields must be exactly that version's. */
static void test_versioned(TestCtx *t)
{
    All a, b, before;
    fill(&a);
    memset(&b, 0, sizeof b);
    b.deltas[1] = 77;
    StateSection old = section("dev", all_fields_v1, &a), full = section("dev", all_fields, &a);
    StateSection cur = section("dev", all_fields, &b);
    StateBuf v1 = { 0 }, v2 = { 0 };
    T_CHECK(t, state_encode(&old, &v1));
    T_CHECK(t, state_encode(&full, &v2));
    AmberError err = { 0 };

    /* A version-1 payload: the version-2 fields are absent and keep their value. */
    T_CHECK(t, state_check_version(&cur, 1, v1.data, v1.len, &err));
    T_CHECK(t, state_decode_version(&cur, 1, v1.data, v1.len, &err));
    T_EQ(t, b.u64, a.u64);
    T_EQ(t, b.deltas[1], 77);
    before = b;

    /* The same payload claiming version 2 lacks fields it must have. */
    T_CHECK(t, !state_decode_version(&cur, 2, v1.data, v1.len, &err));
    T_CONTAINS(t, err.msg, "section dev: field 'deltas' is missing");
    /* A version-1 payload cannot hold a version-2 field. */
    amber_error_clear(&err);
    T_CHECK(t, !state_decode_version(&cur, 1, v2.data, v2.len, &err));
    T_CONTAINS(t, err.msg, "field 'deltas' was added in version 2, but the payload is version 1");
    /* A payload newer than the table. */
    amber_error_clear(&err);
    T_CHECK(t, !state_check_version(&cur, 3, v2.data, v2.len, &err));
    T_CONTAINS(t, err.msg, "section dev is version 3, newer than this Amber reads (2)");
    T_CHECK(t, memcmp(&b, &before, sizeof b) == 0);

    /* A complete version-2 payload. */
    amber_error_clear(&err);
    T_CHECK(t, state_decode_version(&cur, 2, v2.data, v2.len, &err));
    T_CHECK(t, same_saved(&a, &b));
    statebuf_free(&v1);
    statebuf_free(&v2);
}

static void test_unknown_field(TestCtx *t)
{
    All a, b, before;
    fill(&a);
    fill(&b);
    b.u8 = 1;
    before = b;
    StateSection sa = section("dev", all_fields, &a), sb = section("dev", all_fields_v1, &b);
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&sa, &buf));
    AmberError err = { 0 };
    T_CHECK(t, !state_check(&sb, buf.data, buf.len, &err));
    T_CONTAINS(t, err.msg, "section dev");
    T_CONTAINS(t, err.msg, "unknown field 'deltas'");
    amber_error_clear(&err);
    T_CHECK(t, !state_decode(&sb, buf.data, buf.len, &err));
    T_CONTAINS(t, err.msg, "unknown field 'deltas'");
    /* u8 came before the bad field in the payload, yet nothing was written. */
    T_CHECK(t, memcmp(&b, &before, sizeof b) == 0);
    statebuf_free(&buf);
}

typedef struct Narrow {
    uint8_t u16; /* same name, other kind */
    uint16_t regs[2];
} Narrow;

static void test_kind_and_count_mismatch(TestCtx *t)
{
    All a;
    fill(&a);
    const StateField writer[] = {
        STATE_FIELD(All, u16, STATE_U16, 1, STATE_FMT_HEX, 1),
        STATE_END,
    };
    const StateField reader[] = {
        STATE_FIELD(Narrow, u16, STATE_U8, 1, STATE_FMT_HEX, 1),
        STATE_FIELD(Narrow, regs, STATE_U16, 2, STATE_FMT_HEX, 1),
        STATE_END,
    };
    Narrow n = { 9, { 7, 8 } }, nb = n;
    StateSection sw = section("dev", writer, &a);
    StateSection sr = { "dev", 1, reader, &n };
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&sw, &buf));
    AmberError err = { 0 };
    T_CHECK(t, !state_decode(&sr, buf.data, buf.len, &err));
    T_CONTAINS(t, err.msg, "field 'u16' is u16 in the file but u8 here");
    T_CHECK(t, memcmp(&n, &nb, sizeof n) == 0);
    statebuf_free(&buf);

    const StateField writer2[] = {
        STATE_FIELD(All, regs, STATE_U16, 3, STATE_FMT_HEX, 1),
        STATE_END,
    };
    sw = section("dev", writer2, &a);
    T_CHECK(t, state_encode(&sw, &buf));
    amber_error_clear(&err);
    T_CHECK(t, !state_decode(&sr, buf.data, buf.len, &err));
    T_CONTAINS(t, err.msg, "'regs' has 3 elements in the file but 2 here");
    T_CHECK(t, memcmp(&n, &nb, sizeof n) == 0);
    statebuf_free(&buf);
}

static void test_damaged_payloads(TestCtx *t)
{
    All a, b, before;
    fill(&a);
    memset(&b, 0x5A, sizeof b);
    b.flag = false;
    memset(b.bits, 0, sizeof b.bits);
    before = b;
    StateSection sa = section("dev", all_fields, &a), sb = section("dev", all_fields, &b);
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&sa, &buf));
    AmberError err = { 0 };

    /* Every truncation is refused and writes nothing. */
    int refused = 0;
    for (size_t len = 0; len < buf.len; len++) {
        amber_error_clear(&err);
        if (!state_decode(&sb, buf.data, len, &err) && err.set) {
            refused++;
        }
    }
    T_EQ(t, refused, buf.len);
    T_CHECK(t, memcmp(&b, &before, sizeof b) == 0);

    /* Junk after the last field. */
    StateBuf longer = { 0 };
    T_CHECK(t, statebuf_append(&longer, buf.data, buf.len));
    T_CHECK(t, statebuf_append(&longer, "x", 1));
    amber_error_clear(&err);
    T_CHECK(t, !state_decode(&sb, longer.data, longer.len, &err));
    T_CONTAINS(t, err.msg, "junk");
    statebuf_free(&longer);

    /* A field given twice. */
    const StateField one[] = { STATE_FIELD(All, u8, STATE_U8, 1, STATE_FMT_HEX, 1), STATE_END };
    StateSection s1 = section("dev", one, &a);
    StateBuf twice = { 0 };
    T_CHECK(t, state_encode(&s1, &twice));
    size_t entry = twice.len - 4;
    T_CHECK(t, statebuf_append(&twice, twice.data + 4, entry));
    st_le32(twice.data, 2);
    amber_error_clear(&err);
    T_CHECK(t, !state_decode(&sb, twice.data, twice.len, &err));
    T_CONTAINS(t, err.msg, "appears twice");
    statebuf_free(&twice);

    /* A bool that is neither 0 nor 1. */
    const StateField flag[] = { STATE_FIELD(All, flag, STATE_BOOL, 1, STATE_FMT_DEC, 1),
                                STATE_END };
    StateSection sf = section("dev", flag, &a);
    StateBuf fb = { 0 };
    T_CHECK(t, state_encode(&sf, &fb));
    fb.data[fb.len - 1] = 2;
    amber_error_clear(&err);
    T_CHECK(t, !state_decode(&sb, fb.data, fb.len, &err));
    T_CONTAINS(t, err.msg, "not a bool");
    statebuf_free(&fb);

    T_CHECK(t, memcmp(&b, &before, sizeof b) == 0);
    statebuf_free(&buf);
}

static char *dump_to_string(const StateSection *sec)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        return NULL;
    }
    state_dump(sec, f);
    fclose(f);
    return text;
}

static void test_dump(TestCtx *t)
{
    All a;
    fill(&a);
    StateSection sa = section("dev", all_fields, &a);
    char *text = dump_to_string(&sa);
    T_CHECK(t, text != NULL);
    T_CONTAINS(t, text, "dev.u8 = 0xa5\n");
    T_CONTAINS(t, text, "dev.u16 = 0xbeef\n");
    T_CONTAINS(t, text, "dev.u32 = 3735928559\n");
    T_CONTAINS(t, text, "dev.u64 = 0x0123456789abcdef\n");
    T_CONTAINS(t, text, "dev.i8 = -5\n");
    T_CONTAINS(t, text, "dev.i16 = -1234\n");
    T_CONTAINS(t, text, "dev.i32 = -123456789\n");
    T_CONTAINS(t, text, "dev.i64 = -9223372036854775801\n");
    T_CONTAINS(t, text, "dev.flag = true\n");
    T_CONTAINS(t, text, "dev.raw = [01 02 03 fe ff]\n");
    T_CONTAINS(t, text, "dev.regs = [0x0001, 0x8000, 0xffff]\n");
    T_CONTAINS(t, text, "dev.deltas = [-1, 2147483647]\n");
    T_CONTAINS(t, text, "dev.bits = [false, true, false, true]\n");
    T_CONTAINS(t, text, "dev.cache = 0x00000077  (transient)\n");
    free(text);

    typedef struct F {
        uint8_t f;
        int8_t h;
    } F;
    const StateField ff[] = {
        STATE_FIELD(F, f, STATE_U8, 1, STATE_FMT_FLAGS, 1),
        STATE_FIELD(F, h, STATE_I8, 1, STATE_FMT_HEX, 1),
        STATE_END,
    };
    F fv = { 0x96, -1 };
    StateSection sf = { "cpu", 1, ff, &fv };
    text = dump_to_string(&sf);
    T_CONTAINS(t, text, "cpu.f = 0b1001_0110\n");
    T_CONTAINS(t, text, "cpu.h = 0xff\n");
    free(text);
}

static void test_hash(TestCtx *t)
{
    All a, b;
    fill(&a);
    fill(&b);
    StateSection sa = section("dev", all_fields, &a), sb = section("dev", all_fields, &b);
    uint64_t h = state_hash(&sa, 0);
    T_EQ(t, h, state_hash(&sb, 0));
    b.cache = 12345; /* transient: does not count */
    T_EQ(t, h, state_hash(&sb, 0));
    b.regs[2] = 0xFFFE;
    T_CHECK(t, h != state_hash(&sb, 0));
    T_CHECK(t, h != state_hash(&sa, 1)); /* the seed chains sections */

    /* It is FNV-1a 64 over the encoded payload. */
    StateBuf buf = { 0 };
    T_CHECK(t, state_encode(&sa, &buf));
    uint64_t f = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < buf.len; i++) {
        f = (f ^ buf.data[i]) * UINT64_C(0x100000001b3);
    }
    T_EQ(t, h, f);
    statebuf_free(&buf);
}

int main(void)
{
    TestCtx t = { 0 };
    T_RUN(&t, test_kind_sizes);
    T_RUN(&t, test_validate);
    T_RUN(&t, test_round_trip);
    T_RUN(&t, test_reordered);
    T_RUN(&t, test_absent_fields_keep_value);
    T_RUN(&t, test_versioned);
    T_RUN(&t, test_unknown_field);
    T_RUN(&t, test_kind_and_count_mismatch);
    T_RUN(&t, test_damaged_payloads);
    T_RUN(&t, test_dump);
    T_RUN(&t, test_hash);
    return t_finish(&t);
}
