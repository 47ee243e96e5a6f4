/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SingleStepTests runner for the x86 interpreter: the hardware-captured 8086 and 80286 (real
 * mode) vectors in $AMBER_SHARED/cpu-tests/{8086,80286} (MOO format, see their READMEs).
 *
 * Per test: load the INIT registers and RAM into a CPU of the right model on a 20-bit (8086) or
 * 24-bit (286) bus, execute one instruction (286: until the injected HLT has executed, as the
 * files end with one), compare the FINA registers and RAM, masking the flags the metadata marks
 * undefined. Where an exception pushed FLAGS (286: the EXCP chunk; 8086: the divide-error
 * opcodes when SP dropped by 6) the pushed word is compared under the same mask.
 *
 * "Documented" = the metadata.json status of the file's opcode (or of its ModRM.reg entry) is
 * "normal". Everything else — alias (60-6F, C0/C1/C8/C9 on the 8086, 82, F6/F7 /1, FF /7),
 * undocumented (SALC, SETMO), undefined and fpu — counts only in the "all" line. That is the
 * metadata's own split between what Intel documents and what the chips merely do.
 *
 * The 8086 cycle count of a vector is its number of CYCL records: from the cycle in which the
 * first instruction byte is read from the queue to the one before the next instruction's first
 * byte is read (upstream README "Why are instructions longer than expected?"). The model charges
 * the manual's best-case timing, so they agree where the queue kept up; the share is reported.
 *
 * Gates (exit 1 if missed): 8086 documented 100%, 8086 all >= 99.5%, 80286 documented 100%.
 * Usage: sst [-v] [8086|80286] [FILE-PREFIX]   (-v prints failing tests; args narrow the run).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/iobus.h"
#include "core/log.h"
#include "core/membus.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"

/* ---- a small, tolerant JSON reader (objects, arrays, strings, numbers, literals) ---- */

typedef enum { J_NULL, J_NUM, J_STR, J_ARR, J_OBJ, J_BOOL } JKind;
typedef struct JNode {
    JKind kind;
    char *key;        /* member name when inside an object */
    char *str;
    double num;
    struct JNode *child, *next;
} JNode;

static void skip_ws(const char **p)
{
    while (**p && isspace((unsigned char)**p)) {
        (*p)++;
    }
}

static char *parse_string(const char **p)
{
    size_t cap = 16, n = 0;
    char *s = malloc(cap);
    (*p)++; /* opening quote */
    while (**p && **p != '"') {
        char c = **p;
        if (c == '\\' && (*p)[1]) {
            (*p)++;
            c = **p == 'n' ? '\n' : **p == 't' ? '\t' : **p;
        }
        if (n + 2 > cap) {
            cap *= 2;
            s = realloc(s, cap);
        }
        s[n++] = c;
        (*p)++;
    }
    if (**p == '"') {
        (*p)++;
    }
    s[n] = 0;
    return s;
}

static JNode *parse_value(const char **p);

static JNode *new_node(JKind k)
{
    JNode *n = calloc(1, sizeof(*n));
    n->kind = k;
    return n;
}

static JNode *parse_value(const char **p)
{
    skip_ws(p);
    JNode *n;
    if (**p == '{' || **p == '[') {
        bool obj = **p == '{';
        n = new_node(obj ? J_OBJ : J_ARR);
        (*p)++;
        JNode **tail = &n->child;
        for (;;) {
            skip_ws(p);
            if (**p == '}' || **p == ']') {
                (*p)++;
                break;
            }
            if (!**p) {
                break;
            }
            char *key = NULL;
            if (obj) {
                if (**p != '"') {
                    break;
                }
                key = parse_string(p);
                skip_ws(p);
                if (**p == ':') {
                    (*p)++;
                }
            }
            JNode *c = parse_value(p);
            c->key = key;
            *tail = c;
            tail = &c->next;
            skip_ws(p);
            if (**p == ',') {
                (*p)++;
            }
        }
        return n;
    }
    if (**p == '"') {
        n = new_node(J_STR);
        n->str = parse_string(p);
        return n;
    }
    if (**p == '-' || isdigit((unsigned char)**p)) {
        n = new_node(J_NUM);
        char *end;
        n->num = strtod(*p, &end);
        *p = end;
        return n;
    }
    n = new_node(J_NULL);
    if (!strncmp(*p, "true", 4) || !strncmp(*p, "false", 5)) {
        n->kind = J_BOOL;
        n->num = **p == 't';
    }
    while (**p && isalpha((unsigned char)**p)) {
        (*p)++;
    }
    return n;
}

static void json_free(JNode *n)
{
    while (n) {
        JNode *next = n->next;
        json_free(n->child);
        free(n->key);
        free(n->str);
        free(n);
        n = next;
    }
}

static JNode *jget(const JNode *obj, const char *key)
{
    if (!obj || obj->kind != J_OBJ) {
        return NULL;
    }
    for (JNode *c = obj->child; c; c = c->next) {
        if (c->key && !strcmp(c->key, key)) {
            return c;
        }
    }
    return NULL;
}

/* ---- files ---- */

static uint8_t *read_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (cap - n < (1 << 16)) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        int r = gzread(f, buf + n, (unsigned)(cap - n));
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
    }
    gzclose(f);
    *len = n;
    return buf;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* ---- one test ---- */

enum { R_AX, R_BX, R_CX, R_DX, R_CS, R_SS, R_DS, R_ES, R_SP, R_BP, R_SI, R_DI, R_IP, R_FLAGS, R_N };
static const char *const reg_names[R_N] = { "ax", "bx", "cx", "dx", "cs", "ss", "ds",
                                            "es", "sp", "bp", "si", "di", "ip", "flags" };

typedef struct MooState {
    uint16_t mask;
    uint16_t regs[R_N];
    const uint8_t *ram; /* n entries of 5 bytes */
    uint32_t ram_n;
} MooState;

typedef struct MooTest {
    const char *name;
    uint32_t name_len;
    const uint8_t *bytes;
    uint32_t nbytes;
    MooState init, fina;
    uint32_t cycles;
    bool has_excp;
    uint8_t excp_num;
    uint32_t excp_flag_addr;
    const uint8_t *hash;
} MooTest;

static void parse_state(const uint8_t *p, uint32_t len, MooState *st)
{
    memset(st, 0, sizeof(*st));
    const uint8_t *end = p + len;
    while (p + 8 <= end) {
        uint32_t clen = rd32(p + 4);
        const uint8_t *d = p + 8;
        if (!memcmp(p, "REGS", 4)) {
            st->mask = rd16(d);
            const uint8_t *v = d + 2;
            for (int r = 0; r < R_N; r++) {
                if (st->mask & (1u << r)) {
                    st->regs[r] = rd16(v);
                    v += 2;
                }
            }
        } else if (!memcmp(p, "RAM ", 4)) {
            st->ram_n = rd32(d);
            st->ram = d + 4;
        }
        p = d + clen;
    }
}

static void parse_test(const uint8_t *p, uint32_t len, MooTest *t)
{
    memset(t, 0, sizeof(*t));
    const uint8_t *end = p + len;
    p += 4; /* index */
    while (p + 8 <= end) {
        uint32_t clen = rd32(p + 4);
        const uint8_t *d = p + 8;
        if (!memcmp(p, "NAME", 4)) {
            t->name_len = rd32(d);
            t->name = (const char *)d + 4;
        } else if (!memcmp(p, "BYTS", 4)) {
            t->nbytes = rd32(d);
            t->bytes = d + 4;
        } else if (!memcmp(p, "INIT", 4)) {
            parse_state(d, clen, &t->init);
        } else if (!memcmp(p, "FINA", 4)) {
            parse_state(d, clen, &t->fina);
        } else if (!memcmp(p, "CYCL", 4)) {
            t->cycles = rd32(d);
        } else if (!memcmp(p, "EXCP", 4)) {
            t->has_excp = true;
            t->excp_num = d[0];
            t->excp_flag_addr = rd32(d + 1);
        } else if (!memcmp(p, "HASH", 4)) {
            t->hash = d;
        }
        p = d + clen;
    }
}

typedef struct Runner {
    const char *cpu_name;      /* "8086" or "80286" */
    bool is286;
    const X86Model *model;
    MemBus *mem;
    IoBus *io;
    Log log;
    X86Cpu *cpu;
    int verbose;
    char **revoked;
    unsigned n_revoked;
    uint64_t doc_pass, doc_total, all_pass, all_total, cyc_match, cyc_total;
} Runner;

static uint16_t cpu_reg(X86Cpu *cpu, int r)
{
    switch (r) {
    case R_AX: return (uint16_t)cpu->regs[X86_EAX];
    case R_BX: return (uint16_t)cpu->regs[X86_EBX];
    case R_CX: return (uint16_t)cpu->regs[X86_ECX];
    case R_DX: return (uint16_t)cpu->regs[X86_EDX];
    case R_CS: return cpu->seg[X86_CS].sel;
    case R_SS: return cpu->seg[X86_SS].sel;
    case R_DS: return cpu->seg[X86_DS].sel;
    case R_ES: return cpu->seg[X86_ES].sel;
    case R_SP: return (uint16_t)cpu->regs[X86_ESP];
    case R_BP: return (uint16_t)cpu->regs[X86_EBP];
    case R_SI: return (uint16_t)cpu->regs[X86_ESI];
    case R_DI: return (uint16_t)cpu->regs[X86_EDI];
    case R_IP: return (uint16_t)cpu->eip;
    default: {
        uint32_t f = x86_get_flags(cpu);
        if (x86_has(cpu->model, X86_F_FLAGS_HI_ONES)) {
            f |= 0xF000u;
        }
        return (uint16_t)f;
    }
    }
}

static void load_state(Runner *r, const MooTest *t)
{
    X86Cpu *cpu = r->cpu;
    x86_cpu_reset(cpu);
    const uint16_t *v = t->init.regs;
    static const int gpr[] = { X86_EAX, X86_EBX, X86_ECX, X86_EDX };
    for (int k = 0; k < 4; k++) {
        cpu->regs[gpr[k]] = v[R_AX + k];
    }
    cpu->regs[X86_ESP] = v[R_SP];
    cpu->regs[X86_EBP] = v[R_BP];
    cpu->regs[X86_ESI] = v[R_SI];
    cpu->regs[X86_EDI] = v[R_DI];
    x86_load_seg_real(cpu, X86_CS, v[R_CS]);
    x86_load_seg_real(cpu, X86_SS, v[R_SS]);
    x86_load_seg_real(cpu, X86_DS, v[R_DS]);
    x86_load_seg_real(cpu, X86_ES, v[R_ES]);
    cpu->eip = v[R_IP];
    /* 286 real mode cannot hold IOPL/NT: the README says to mask the top four bits. */
    x86_set_flags(cpu, r->is286 ? (v[R_FLAGS] & 0x0FFFu) : v[R_FLAGS], 0xFFFFu);
    for (uint32_t k = 0; k < t->init.ram_n; k++) {
        const uint8_t *e = t->init.ram + 5 * k;
        membus_write8(r->mem, rd32(e), e[4]);
    }
}

static bool is_revoked(const Runner *r, const MooTest *t)
{
    if (!t->hash || !r->n_revoked) {
        return false;
    }
    char hex[41];
    for (int k = 0; k < 20; k++) {
        snprintf(hex + 2 * k, 3, "%02x", t->hash[k]);
    }
    for (unsigned k = 0; k < r->n_revoked; k++) {
        if (!strcasecmp(r->revoked[k], hex)) {
            return true;
        }
    }
    return false;
}

/* Runs one test; returns true when it passes. *cyc_ok tells whether the cycle count matched. */
static bool run_test(Runner *r, const MooTest *t, uint16_t fmask, bool div_op, bool *cyc_ok)
{
    X86Cpu *cpu = r->cpu;
    load_state(r, t);
    uint64_t c0 = cpu->cycles;
    if (r->is286) {
        for (int n = 0; n < 8 && !cpu->halted; n++) {
            x86_cpu_step(cpu);
        }
    } else {
        x86_cpu_step(cpu);
    }
    *cyc_ok = cpu->cycles - c0 == t->cycles;
    if (r->verbose > 2 && !*cyc_ok) {
        printf("  CYC \"%.*s\" want %u got %llu\n", (int)t->name_len, t->name, t->cycles,
               (unsigned long long)(cpu->cycles - c0));
    }

    bool ok = true;
    char why[256] = "";
    for (int k = 0; k < R_N; k++) {
        uint16_t want = (t->fina.mask & (1u << k)) ? t->fina.regs[k] : t->init.regs[k];
        uint16_t got = cpu_reg(cpu, k);
        uint16_t m = 0xFFFF;
        if (k == R_FLAGS) {
            m = fmask;
            if (r->is286) {
                m &= 0x0FFFu;
            }
        }
        if ((want ^ got) & m) {
            if (ok) {
                snprintf(why, sizeof(why), "%s want %04x got %04x", reg_names[k], want, got);
            }
            ok = false;
        }
    }
    /* The FLAGS word an exception pushed. */
    uint32_t flag_addr = UINT32_MAX;
    if (r->is286 && t->has_excp) {
        /* EXCP's address is rounded down to even; the word is at the final SS:SP+4. */
        uint16_t sp1 = (t->fina.mask & (1u << R_SP)) ? t->fina.regs[R_SP] : t->init.regs[R_SP];
        uint16_t ss = (t->fina.mask & (1u << R_SS)) ? t->fina.regs[R_SS] : t->init.regs[R_SS];
        flag_addr = (uint32_t)ss * 16 + (uint16_t)(sp1 + 4);
    } else if (!r->is286 && div_op) {
        uint16_t sp0 = t->init.regs[R_SP];
        uint16_t sp1 = (t->fina.mask & (1u << R_SP)) ? t->fina.regs[R_SP] : sp0;
        if ((uint16_t)(sp0 - 6) == sp1) {
            uint16_t ss = (t->fina.mask & (1u << R_SS)) ? t->fina.regs[R_SS] : t->init.regs[R_SS];
            flag_addr = ((uint32_t)ss * 16 + (uint16_t)(sp1 + 4)) & 0xFFFFFu;
        }
    }
    for (uint32_t k = 0; k < t->fina.ram_n; k++) {
        const uint8_t *e = t->fina.ram + 5 * k;
        uint32_t a = rd32(e);
        uint8_t got = membus_read8(r->mem, a), want = e[4];
        uint8_t m = 0xFF;
        if (flag_addr != UINT32_MAX) {
            if (a == flag_addr) {
                m = (uint8_t)fmask;
            } else if (a == flag_addr + 1) {
                m = (uint8_t)(fmask >> 8);
            }
        }
        if ((got ^ want) & m) {
            if (ok) {
                snprintf(why, sizeof(why), "ram[%05x] want %02x got %02x", a, want, got);
            }
            ok = false;
        }
    }
    if (!ok && r->verbose) {
        printf("  FAIL \"%.*s\" bytes", (int)t->name_len, t->name);
        for (uint32_t k = 0; k < t->nbytes; k++) {
            printf(" %02x", t->bytes[k]);
        }
        printf(": %s\n", why);
        if (r->verbose > 1) {
            printf("    init:");
            for (int k = 0; k < R_N; k++) {
                printf(" %s=%04x", reg_names[k], t->init.regs[k]);
            }
            printf("\n    fina:");
            for (int k = 0; k < R_N; k++) {
                if (t->fina.mask & (1u << k)) {
                    printf(" %s=%04x(%04x)", reg_names[k], t->fina.regs[k], cpu_reg(cpu, k));
                }
            }
            printf("\n    ram:");
            for (uint32_t k = 0; k < t->fina.ram_n; k++) {
                const uint8_t *e = t->fina.ram + 5 * k;
                printf(" %05x=%02x(%02x)", rd32(e), e[4], membus_read8(r->mem, rd32(e)));
            }
            if (t->has_excp) {
                printf(" excp=%u flags@%05x", t->excp_num, t->excp_flag_addr);
            }
            printf("\n");
        }
    }
    return ok;
}

/* Status and flags mask of file "XX" or "XX.R" from metadata. A file without ".R" whose opcode
 * the metadata splits by ModRM.reg (8F, C6, C7: reg is random there) passes reg_of_test >= 0. */
static void file_meta(const JNode *ops, const char *base, int reg_of_test, const char **status,
                      uint16_t *fmask)
{
    char op[8] = "";
    int reg = -1;
    const char *dot = strchr(base, '.');
    size_t oplen = dot ? (size_t)(dot - base) : strlen(base);
    if (oplen >= sizeof(op)) {
        oplen = sizeof(op) - 1;
    }
    memcpy(op, base, oplen);
    op[oplen] = 0;
    if (dot && isdigit((unsigned char)dot[1])) {
        reg = dot[1] - '0';
    } else {
        reg = reg_of_test;
    }
    *status = "unknown";
    *fmask = 0xFFFF;
    const JNode *e = jget(ops, op);
    if (!e) {
        return;
    }
    const JNode *st = jget(e, "status"), *fm = jget(e, "flags-mask");
    if (reg >= 0) {
        char rk[2] = { (char)('0' + reg), 0 };
        const JNode *re = jget(jget(e, "reg"), rk);
        if (re) {
            if (jget(re, "status")) {
                st = jget(re, "status");
            }
            if (jget(re, "flags-mask")) {
                fm = jget(re, "flags-mask");
            }
        }
    }
    if (st && st->kind == J_STR) {
        *status = st->str;
    }
    if (fm && fm->kind == J_NUM) {
        *fmask = (uint16_t)fm->num;
    }
}

/* ModRM.reg of a test's instruction (after its prefixes). */
static int test_reg(const MooTest *t)
{
    for (uint32_t k = 0; k + 1 < t->nbytes; k++) {
        uint8_t b = t->bytes[k];
        if (b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || (b & 0xFC) == 0xF0) {
            continue;
        }
        return (t->bytes[k + 1] >> 3) & 7;
    }
    return -1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool run_set(Runner *r, const char *dir, const char *sub, const char *filter)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/metadata.json", dir);
    char *meta_text = read_text(path);
    if (!meta_text) {
        printf("sst %s: cannot read %s\n", r->cpu_name, path);
        return false;
    }
    const char *mp = meta_text;
    JNode *meta = parse_value(&mp);
    const JNode *ops = jget(meta, "opcodes");

    snprintf(path, sizeof(path), "%s/revocation_list.txt", dir);
    char *rev = read_text(path);
    if (rev) {
        for (char *line = strtok(rev, "\n"); line; line = strtok(NULL, "\n")) {
            while (*line && isspace((unsigned char)*line)) {
                line++;
            }
            if (strlen(line) >= 40 && isxdigit((unsigned char)line[0])) {
                line[40] = 0;
                r->revoked = realloc(r->revoked, (r->n_revoked + 1) * sizeof(char *));
                r->revoked[r->n_revoked++] = strdup(line);
            }
        }
        free(rev);
    }

    snprintf(path, sizeof(path), "%s/%s", dir, sub);
    DIR *d = opendir(path);
    if (!d) {
        printf("sst %s: cannot open %s\n", r->cpu_name, path);
        return false;
    }
    char **names = NULL;
    size_t n_names = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 7 && !strcmp(de->d_name + l - 7, ".MOO.gz")) {
            names = realloc(names, (n_names + 1) * sizeof(char *));
            names[n_names++] = strndup(de->d_name, l - 7);
        }
    }
    closedir(d);
    qsort(names, n_names, sizeof(char *), cmp_str);

    /* Files the metadata leads one to expect that the set does not have: listed, not counted. */
    if (!filter && ops) {
        printf("sst %s: missing from the set:", r->cpu_name);
        for (const JNode *e = ops->child; e; e = e->next) {
            const JNode *st = jget(e, "status");
            const char *s = st && st->kind == J_STR ? st->str : "";
            if (strlen(e->key) != 2 || !strcmp(s, "prefix") || !strcmp(s, "extension") ||
                !strcmp(s, "undefined")) {
                continue;
            }
            bool split = false;
            for (size_t k = 0; k < n_names; k++) {
                if (!strncmp(names[k], e->key, 2) && names[k][2] == '.') {
                    split = true;
                }
            }
            for (int reg = split ? 0 : -1; reg < (split ? 8 : 0); reg++) {
                char want[8];
                if (reg >= 0) {
                    char rk[2] = { (char)('0' + reg), 0 };
                    const JNode *re = jget(jget(e, "reg"), rk);
                    const JNode *rs = jget(re, "status");
                    if (rs && rs->kind == J_STR && !strcmp(rs->str, "undefined")) {
                        continue;
                    }
                    snprintf(want, sizeof(want), "%s.%d", e->key, reg);
                } else {
                    snprintf(want, sizeof(want), "%s", e->key);
                }
                bool found = false;
                for (size_t k = 0; k < n_names && !found; k++) {
                    found = !strcmp(names[k], want);
                }
                if (!found) {
                    printf(" %s", want);
                }
            }
        }
        printf("\n");
    }

    for (size_t f = 0; f < n_names; f++) {
        if (filter && strncmp(names[f], filter, strlen(filter)) != 0) {
            free(names[f]);
            continue;
        }
        const char *status;
        uint16_t fmask;
        file_meta(ops, names[f], -1, &status, &fmask);
        bool documented = !strcmp(status, "normal");
        bool per_test = !strchr(names[f], '.') && jget(jget(ops, names[f]), "reg") != NULL;
        unsigned doc_pass = 0, doc_total = 0;
        bool div_op = !strcmp(names[f], "D4") || !strcmp(names[f], "F6.6") ||
                      !strcmp(names[f], "F6.7") || !strcmp(names[f], "F7.6") ||
                      !strcmp(names[f], "F7.7");
        snprintf(path, sizeof(path), "%s/%s/%s.MOO.gz", dir, sub, names[f]);
        size_t len;
        uint8_t *buf = read_gz(path, &len);
        if (!buf || len < 8 || memcmp(buf, "MOO ", 4) != 0) {
            printf("%s: unreadable MOO file %s\n", names[f], path);
            free(buf);
            free(names[f]);
            continue;
        }
        unsigned pass = 0, total = 0, cyc_match = 0;
        size_t pos = 8 + rd32(buf + 4);
        while (pos + 8 <= len) {
            uint32_t clen = rd32(buf + pos + 4);
            if (pos + 8 + clen > len) {
                break;
            }
            if (!memcmp(buf + pos, "TEST", 4)) {
                MooTest t;
                parse_test(buf + pos + 8, clen, &t);
                if (!is_revoked(r, &t)) {
                    bool cyc_ok, doc = documented;
                    uint16_t tmask = fmask;
                    if (per_test) {
                        file_meta(ops, names[f], test_reg(&t), &status, &tmask);
                        doc = !strcmp(status, "normal");
                    }
                    total++;
                    bool p = run_test(r, &t, tmask, div_op, &cyc_ok);
                    pass += p;
                    if (doc) {
                        doc_total++;
                        doc_pass += p;
                    }
                    cyc_match += cyc_ok;
                }
            }
            pos += 8 + clen;
        }
        free(buf);
        printf("%s: %u/%u", names[f], pass, total);
        if (doc_total != total) {
            printf(" (documented %u/%u)", doc_pass, doc_total);
        }
        printf("\n");
        r->all_pass += pass;
        r->all_total += total;
        r->doc_pass += doc_pass;
        r->doc_total += doc_total;
        r->cyc_match += cyc_match;
        r->cyc_total += total;
        free(names[f]);
    }
    free(names);
    json_free(meta);
    free(meta_text);
    return true;
}

static bool setup(Runner *r, const char *model, unsigned bits)
{
    AmberError err = { 0 };
    amber_log_init(&r->log);
    r->model = x86_model_find(model);
    r->mem = membus_new(bits, &r->log, &err);
    r->io = iobus_new(&r->log, &err);
    if (!r->model || !r->mem || !r->io ||
        !membus_map_ram(r->mem, "ram", 0, (uint64_t)1 << bits, &err)) {
        printf("sst %s: setup failed: %s\n", model, err.msg);
        return false;
    }
    r->cpu = calloc(1, sizeof(X86Cpu));
    x86_cpu_init(r->cpu, r->model, NULL);
    r->cpu->mem = r->mem;
    r->cpu->io = r->io;
    return true;
}

static void teardown(Runner *r)
{
    free(r->cpu);
    if (r->mem) {
        membus_free(r->mem);
    }
    if (r->io) {
        iobus_free(r->io);
    }
    for (unsigned k = 0; k < r->n_revoked; k++) {
        free(r->revoked[k]);
    }
    free(r->revoked);
}

int main(int argc, char **argv)
{
    int verbose = 0;
    const char *only = NULL, *filter = NULL;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "-v") || !strcmp(argv[k], "-vv") || !strcmp(argv[k], "-vvv")) {
            verbose += (int)strlen(argv[k]) - 1;
        } else if (!strcmp(argv[k], "8086") || !strcmp(argv[k], "80286")) {
            only = argv[k];
        } else {
            filter = argv[k];
        }
    }
    const char *shared = getenv("AMBER_SHARED");
    char base[4096];
    snprintf(base, sizeof(base), "%s/cpu-tests", shared && *shared ? shared : "../shared");
    char d86[4200], d286[4200];
    snprintf(d86, sizeof(d86), "%s/8086", base);
    snprintf(d286, sizeof(d286), "%s/80286", base);
    DIR *probe = opendir(d86);
    if (!probe) {
        printf("SKIP: SingleStepTests not found at %s (set AMBER_SHARED)\n", base);
        return 77;
    }
    closedir(probe);

    bool ok = true;
    Runner r86 = { .cpu_name = "8086", .verbose = verbose };
    Runner r286 = { .cpu_name = "80286", .is286 = true, .verbose = verbose };
    bool run86 = !only || !strcmp(only, "8086"), run286 = !only || !strcmp(only, "80286");
    if (run86) {
        ok = setup(&r86, "8086", 20) && run_set(&r86, d86, "v1_moo_first500", filter) && ok;
    }
    if (run286) {
        ok = setup(&r286, "80286", 24) &&
             run_set(&r286, d286, "v1_real_mode_moo_first500", filter) && ok;
    }
    if (run86) {
        printf("sst 8086 documented: %llu/%llu\n", (unsigned long long)r86.doc_pass,
               (unsigned long long)r86.doc_total);
        printf("sst 8086 all: %llu/%llu\n", (unsigned long long)r86.all_pass,
               (unsigned long long)r86.all_total);
        printf("sst 8086 cycles exact: %llu/%llu\n", (unsigned long long)r86.cyc_match,
               (unsigned long long)r86.cyc_total);
        if (r86.doc_pass != r86.doc_total || r86.all_pass * 1000 < r86.all_total * 995 ||
            r86.all_total == 0) {
            ok = false;
        }
    }
    if (run286) {
        printf("sst 80286 documented: %llu/%llu\n", (unsigned long long)r286.doc_pass,
               (unsigned long long)r286.doc_total);
        printf("sst 80286 all: %llu/%llu\n", (unsigned long long)r286.all_pass,
               (unsigned long long)r286.all_total);
        if (r286.doc_pass != r286.doc_total || r286.all_total == 0) {
            ok = false;
        }
    }
    teardown(&r86);
    teardown(&r286);
    return ok ? 0 : 1;
}
