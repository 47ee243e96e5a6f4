/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs Valgrind's x86 integer table (none/tests/x86/insn_basic.def, expected values produced by
 * real IA-32 CPUs; see $AMBER_SHARED/cpu-tests/valgrind-vectors/README.md) on the 80386 model.
 *
 * A line is `mnem [pre-inputs :] operands => outputs`, AT&T operand order (sources first). This
 * runner encodes each line as one real-mode instruction (0x66 for 32-bit operands, memory operands
 * as [disp16]), sets the inputs, executes it, and checks every output (operand N, a named
 * register, or eflags[mask,value]). Lines starting with '#' are disabled upstream and skipped.
 * The table runs twice: on the 80386 model, where mnemonics a 386 lacks (BSWAP, CMPXCHG, XADD:
 * 486) count as unsupported, and on the i486 model with them. Lines this encoder does not know
 * are counted as unsupported, not as failures. Exit 1 on any mismatch in a supported line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/iobus.h"
#include "core/log.h"
#include "core/membus.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"

typedef enum { K_IMM, K_GREG, K_MEM, K_NREG, K_FLAGS } Kind;

typedef struct Tok {
    Kind kind;
    unsigned size;     /* bytes */
    int64_t val;
    uint32_t mask;     /* eflags */
    int reg;           /* register number (ModRM encoding for its size) */
    uint32_t addr;     /* memory operand offset in DS */
    int opnd;          /* output: explicit operand index, or -1 */
} Tok;

typedef struct Line {
    char mnem[16];
    Tok pre[4];
    int npre;
    Tok ops[4];
    int nops;
    Tok outs[6];
    int nouts;
} Line;

static const struct {
    const char *name;
    int reg;
    unsigned size;
} named[] = {
    { "al", 0, 1 }, { "cl", 1, 1 }, { "dl", 2, 1 }, { "bl", 3, 1 }, { "ah", 4, 1 }, { "ch", 5, 1 },
    { "dh", 6, 1 }, { "bh", 7, 1 }, { "ax", 0, 2 }, { "cx", 1, 2 }, { "dx", 2, 2 }, { "bx", 3, 2 },
    { "eax", 0, 4 }, { "ecx", 1, 4 }, { "edx", 2, 4 }, { "ebx", 3, 4 },
};

static unsigned type_size(const char *t)
{
    return t[1] == 'b' ? 1 : t[1] == 'w' ? 2 : 4;
}

/* Parses one token like imm8[12], r32.ud[5], m16.sw[-3], al.ub[0x1], 1.ud[7], eflags[0x1,0x0]. */
static bool parse_tok(const char *s, Tok *t)
{
    memset(t, 0, sizeof(*t));
    t->opnd = -1;
    const char *br = strchr(s, '[');
    if (!br) {
        return false;
    }
    char head[16];
    size_t hl = (size_t)(br - s);
    if (hl >= sizeof(head)) {
        return false;
    }
    memcpy(head, s, hl);
    head[hl] = 0;
    if (!strcmp(head, "eflags")) {
        t->kind = K_FLAGS;
        char *end;
        t->mask = (uint32_t)strtoul(br + 1, &end, 0);
        t->val = (int64_t)strtoul(end + 1, NULL, 0);
        return true;
    }
    t->val = strtoll(br + 1, NULL, 0);
    if (!strncmp(head, "imm", 3)) {
        t->kind = K_IMM;
        t->size = (unsigned)atoi(head + 3) / 8;
        return true;
    }
    char *dot = strchr(head, '.');
    if (!dot) {
        return false;
    }
    *dot = 0;
    t->size = type_size(dot + 1);
    if (isdigit((unsigned char)head[0])) {
        t->opnd = atoi(head);
        return true;
    }
    if (head[0] == 'r' && isdigit((unsigned char)head[1])) {
        t->kind = K_GREG;
        return true;
    }
    if (head[0] == 'm' && isdigit((unsigned char)head[1])) {
        t->kind = K_MEM;
        return true;
    }
    for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        if (!strcmp(head, named[k].name)) {
            t->kind = K_NREG;
            t->reg = named[k].reg;
            t->size = named[k].size; /* the name decides the width */
            return true;
        }
    }
    return false;
}

static bool parse_line(char *text, Line *l)
{
    memset(l, 0, sizeof(*l));
    char *save = NULL;
    char *w = strtok_r(text, " \t\n", &save);
    if (!w || strlen(w) >= sizeof(l->mnem)) {
        return false;
    }
    strcpy(l->mnem, w);
    bool has_colon = strstr(save ? save : "", " : ") != NULL || (save && !strncmp(save, ": ", 2));
    int phase = has_colon ? 0 : 1; /* 0 pre, 1 operands, 2 outputs */
    while ((w = strtok_r(NULL, " \t\n", &save))) {
        if (!strcmp(w, ":")) {
            phase = 1;
            continue;
        }
        if (!strcmp(w, "=>")) {
            phase = 2;
            continue;
        }
        Tok t;
        if (!parse_tok(w, &t)) {
            return false;
        }
        if (phase == 0 && l->npre < 4) {
            l->pre[l->npre++] = t;
        } else if (phase == 1 && l->nops < 4) {
            l->ops[l->nops++] = t;
        } else if (phase == 2 && l->nouts < 6) {
            l->outs[l->nouts++] = t;
        } else {
            return false;
        }
    }
    return true;
}

/* ---- encoder ---- */

typedef struct Enc {
    uint8_t b[16];
    int n;
} Enc;

static void put(Enc *e, uint8_t v) { e->b[e->n++] = v; }

static void put_imm(Enc *e, uint32_t v, unsigned size)
{
    for (unsigned k = 0; k < size; k++) {
        put(e, (uint8_t)(v >> (8 * k)));
    }
}

/* ModRM with reg field `reg` and r/m operand t (register or [disp16]). */
static void modrm(Enc *e, int reg, const Tok *t)
{
    if (t->kind == K_MEM) {
        put(e, (uint8_t)(reg << 3 | 6));
        put_imm(e, t->addr, 2);
    } else {
        put(e, (uint8_t)(0xC0 | reg << 3 | t->reg));
    }
}

static int alu_index(const char *m)
{
    static const char *const n[] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    for (int k = 0; k < 8; k++) {
        if (!strncmp(m, n[k], strlen(n[k])) && strlen(m) == strlen(n[k]) + 1) {
            return k;
        }
    }
    return -1;
}

static int shift_index(const char *m)
{
    static const char *const n[] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
    static const int code[] = { 0, 1, 2, 3, 4, 5, 4, 7 };
    for (int k = 0; k < 8; k++) {
        if (!strncmp(m, n[k], 3) && strlen(m) == 4) {
            return code[k];
        }
    }
    return -1;
}

static int cc_index(const char *c)
{
    static const char *const n[] = { "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns",
                                     "p", "np", "l", "ge", "le", "g", "c", "nc", "z", "nz",
                                     "nae", "nb", "na", "nbe", "nge", "nl", "ng", "nle" };
    static const int v[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                             2, 3, 4, 5, 2, 3, 6, 7, 12, 13, 14, 15 };
    for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        if (!strcmp(c, n[k])) {
            return v[k];
        }
    }
    return -1;
}

static bool is_acc(const Tok *t) { return t->kind == K_NREG && t->reg == 0; }

/* Encodes l; returns false if the mnemonic/form is not supported. */
static bool encode(const Line *l, Enc *e, bool i486)
{
    const char *m = l->mnem;
    size_t ml = strlen(m);
    char sfx = m[ml - 1];
    unsigned size = sfx == 'b' ? 1 : sfx == 'w' ? 2 : 4;
    const Tok *o = l->ops;
    int n = l->nops;
    int k;
    e->n = 0;

    static const struct {
        const char *m;
        uint8_t op;
        bool o32;
    } simple[] = { { "cbw", 0x98, 0 }, { "cwde", 0x98, 1 }, { "cwd", 0x99, 0 }, { "cdq", 0x99, 1 },
                   { "clc", 0xF8, 0 }, { "cld", 0xFC, 0 }, { "cmc", 0xF5, 0 }, { "stc", 0xF9, 0 },
                   { "std", 0xFD, 0 }, { "lahf", 0x9F, 0 }, { "sahf", 0x9E, 0 } };
    for (size_t s = 0; s < sizeof(simple) / sizeof(simple[0]); s++) {
        if (!strcmp(m, simple[s].m)) {
            if (simple[s].o32) {
                put(e, 0x66);
            }
            put(e, simple[s].op);
            return true;
        }
    }
    if (!strncmp(m, "set", 3)) {
        int cc = cc_index(m + 3);
        if (cc < 0 || n != 1) {
            return false;
        }
        put(e, 0x0F);
        put(e, (uint8_t)(0x90 + cc));
        modrm(e, 0, &o[0]);
        return true;
    }
    if (!strncmp(m, "movz", 4) || !strncmp(m, "movs", 4)) {
        if (n != 2 || ml != 6) {
            return false;
        }
        unsigned ssz = m[4] == 'b' ? 1 : 2, dsz = m[5] == 'w' ? 2 : 4;
        if (dsz == 4) {
            put(e, 0x66);
        }
        put(e, 0x0F);
        put(e, (uint8_t)((m[3] == 'z' ? 0xB6 : 0xBE) + (ssz == 2)));
        modrm(e, o[1].reg, &o[0]);
        return true;
    }
    if (size == 4) {
        put(e, 0x66);
    }
    unsigned w = size > 1;
    /* 486: BSWAP r32; CMPXCHG and XADD src-register, destination r/m (AT&T order). */
    if (!strcmp(m, "bswapl") && n == 1 && i486 && o[0].kind != K_MEM && o[0].kind != K_IMM) {
        put(e, 0x0F);
        put(e, (uint8_t)(0xC8 + o[0].reg));
        return true;
    }
    if ((!strncmp(m, "cmpxchg", 7) || !strncmp(m, "xadd", 4)) && ml == (m[0] == 'c' ? 8u : 5u) &&
        n == 2 && i486 && o[0].kind != K_MEM && o[0].kind != K_IMM) {
        put(e, 0x0F);
        put(e, (uint8_t)((m[0] == 'c' ? 0xB0 : 0xC0) + w));
        modrm(e, o[0].reg, &o[1]);
        return true;
    }
    if ((k = alu_index(m)) >= 0 && n == 2) {
        const Tok *src = &o[0], *dst = &o[1];
        if (src->kind == K_IMM) {
            if (is_acc(dst) && (size == 1 || src->size > 1)) {
                put(e, (uint8_t)(k * 8 + 4 + w));
                put_imm(e, (uint32_t)src->val, size);
            } else if (size > 1 && src->size == 1) {
                put(e, 0x83);
                modrm(e, k, dst);
                put_imm(e, (uint32_t)src->val, 1);
            } else {
                put(e, (uint8_t)(0x80 + w));
                modrm(e, k, dst);
                put_imm(e, (uint32_t)src->val, size);
            }
        } else if (dst->kind == K_MEM) {
            put(e, (uint8_t)(k * 8 + w));
            modrm(e, src->reg, dst);
        } else if (src->kind == K_MEM) {
            put(e, (uint8_t)(k * 8 + 2 + w));
            modrm(e, dst->reg, src);
        } else {
            put(e, (uint8_t)(k * 8 + w));
            modrm(e, src->reg, dst);
        }
        return true;
    }
    if (!strncmp(m, "test", 4) && n == 2) {
        const Tok *src = &o[0], *dst = &o[1];
        if (src->kind == K_IMM) {
            if (is_acc(dst)) {
                put(e, (uint8_t)(0xA8 + w));
            } else {
                put(e, (uint8_t)(0xF6 + w));
                modrm(e, 0, dst);
            }
            put_imm(e, (uint32_t)src->val, size);
        } else {
            const Tok *r = src->kind == K_MEM ? dst : src, *rm = src->kind == K_MEM ? src : dst;
            put(e, (uint8_t)(0x84 + w));
            modrm(e, r->reg, rm);
        }
        return true;
    }
    static const struct {
        const char *m;
        uint8_t op, reg;
    } unary[] = { { "inc", 0xFE, 0 }, { "dec", 0xFE, 1 }, { "not", 0xF6, 2 }, { "neg", 0xF6, 3 },
                  { "mul", 0xF6, 4 }, { "imul", 0xF6, 5 }, { "div", 0xF6, 6 }, { "idiv", 0xF6, 7 } };
    for (size_t s = 0; s < sizeof(unary) / sizeof(unary[0]); s++) {
        size_t ul = strlen(unary[s].m);
        if (!strncmp(m, unary[s].m, ul) && ml == ul + 1 && n == 1) {
            put(e, (uint8_t)(unary[s].op + w));
            modrm(e, unary[s].reg, &o[0]);
            return true;
        }
    }
    if (!strncmp(m, "imul", 4) && ml == 5) {
        if (n == 2 && o[0].kind == K_IMM) { /* imul $i, r: r = r * i */
            put(e, o[0].size == 1 ? 0x6B : 0x69);
            modrm(e, o[1].reg, &o[1]);
            put_imm(e, (uint32_t)o[0].val, o[0].size == 1 ? 1 : size);
            return true;
        }
        if (n == 3) {
            put(e, o[0].size == 1 ? 0x6B : 0x69);
            modrm(e, o[2].reg, &o[1]);
            put_imm(e, (uint32_t)o[0].val, o[0].size == 1 ? 1 : size);
            return true;
        }
        if (n == 2) {
            put(e, 0x0F);
            put(e, 0xAF);
            modrm(e, o[1].reg, &o[0]);
            return true;
        }
        return false;
    }
    if ((k = shift_index(m)) >= 0) {
        if (n == 1) {
            put(e, (uint8_t)(0xD0 + w));
            modrm(e, k, &o[0]);
        } else if (o[0].kind == K_IMM) {
            put(e, (uint8_t)(0xC0 + w));
            modrm(e, k, &o[1]);
            put_imm(e, (uint32_t)o[0].val, 1);
        } else {
            put(e, (uint8_t)(0xD2 + w));
            modrm(e, k, &o[1]);
        }
        return true;
    }
    if ((!strncmp(m, "shld", 4) || !strncmp(m, "shrd", 4)) && n == 3) {
        bool imm = o[0].kind == K_IMM;
        put(e, 0x0F);
        put(e, (uint8_t)((m[2] == 'l' ? 0xA4 : 0xAC) + !imm));
        modrm(e, o[1].reg, &o[2]);
        if (imm) {
            put_imm(e, (uint32_t)o[0].val, 1);
        }
        return true;
    }
    if (m[0] == 'b' && m[1] == 't' && n == 2) {
        int kind = ml == 3 ? 0 : m[2] == 's' ? 1 : m[2] == 'r' ? 2 : m[2] == 'c' ? 3 : -1;
        if (kind < 0) {
            return false;
        }
        put(e, 0x0F);
        if (o[0].kind == K_IMM) {
            put(e, 0xBA);
            modrm(e, 4 + kind, &o[1]);
            put_imm(e, (uint32_t)o[0].val, 1);
        } else {
            static const uint8_t ops[] = { 0xA3, 0xAB, 0xB3, 0xBB };
            put(e, ops[kind]);
            modrm(e, o[0].reg, &o[1]);
        }
        return true;
    }
    if ((!strncmp(m, "bsf", 3) || !strncmp(m, "bsr", 3)) && ml == 4 && n == 2) {
        put(e, 0x0F);
        put(e, m[2] == 'f' ? 0xBC : 0xBD);
        modrm(e, o[1].reg, &o[0]);
        return true;
    }
    if (!strncmp(m, "mov", 3) && ml == 4 && n == 2) {
        if (o[0].kind == K_IMM) {
            if (o[1].kind == K_MEM) {
                put(e, (uint8_t)(0xC6 + w));
                modrm(e, 0, &o[1]);
            } else {
                put(e, (uint8_t)((w ? 0xB8 : 0xB0) + o[1].reg));
            }
            put_imm(e, (uint32_t)o[0].val, size);
        } else if (o[0].kind == K_MEM) {
            put(e, (uint8_t)(0x8A + w));
            modrm(e, o[1].reg, &o[0]);
        } else {
            put(e, (uint8_t)(0x88 + w));
            modrm(e, o[0].reg, &o[1]);
        }
        return true;
    }
    if (!strncmp(m, "xchg", 4) && ml == 5 && n == 2) {
        const Tok *r = o[0].kind == K_MEM ? &o[1] : &o[0], *rm = o[0].kind == K_MEM ? &o[0] : &o[1];
        put(e, (uint8_t)(0x86 + w));
        modrm(e, r->reg, rm);
        return true;
    }
    return false;
}

/* ---- execution ---- */

typedef struct Run {
    MemBus *mem;
    X86Cpu *cpu;
    bool i486; /* the 486 instructions are encoded */
} Run;

static uint32_t reg_get(X86Cpu *c, int reg, unsigned size)
{
    if (size == 1) {
        return reg < 4 ? c->regs[reg] & 0xFF : (c->regs[reg - 4] >> 8) & 0xFF;
    }
    return size == 2 ? c->regs[reg] & 0xFFFF : c->regs[reg];
}

static void reg_set(X86Cpu *c, int reg, unsigned size, uint32_t v)
{
    if (size == 1) {
        if (reg < 4) {
            c->regs[reg] = (c->regs[reg] & ~0xFFu) | (v & 0xFF);
        } else {
            c->regs[reg - 4] = (c->regs[reg - 4] & ~0xFF00u) | (v & 0xFF) << 8;
        }
    } else if (size == 2) {
        c->regs[reg] = (c->regs[reg] & ~0xFFFFu) | (v & 0xFFFF);
    } else {
        c->regs[reg] = v;
    }
}

static uint32_t tok_mask(unsigned size) { return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1; }

/* Returns 1 pass, 0 fail, -1 unsupported. */
static int run_line(Run *r, char *text, char *why, size_t whylen)
{
    Line l;
    if (!parse_line(text, &l)) {
        return -1;
    }
    /* Generic registers: byte ones from BL/BH/DH/CH, wider from ESI/EDI/EBX/EBP, avoiding
     * registers the line names. */
    unsigned used = 0;
    for (int k = 0; k < l.npre; k++) {
        if (l.pre[k].kind == K_NREG) {
            used |= 1u << (l.pre[k].size == 1 ? l.pre[k].reg & 3 : l.pre[k].reg);
        }
    }
    for (int k = 0; k < l.nops; k++) {
        if (l.ops[k].kind == K_NREG) {
            used |= 1u << (l.ops[k].size == 1 ? l.ops[k].reg & 3 : l.ops[k].reg);
        }
    }
    static const int pool8[] = { 3, 7, 6, 5 }, pool[] = { 6, 7, 3, 5 };
    unsigned p8 = 0, p = 0;
    for (int k = 0; k < l.nops; k++) {
        Tok *t = &l.ops[k];
        if (t->kind == K_GREG) {
            if (t->size == 1) {
                while (p8 < 4 && (used & (1u << (pool8[p8] & 3)))) {
                    p8++;
                }
                if (p8 >= 4) {
                    return -1;
                }
                t->reg = pool8[p8++];
                used |= 1u << (t->reg & 3);
            } else {
                while (p < 4 && (used & (1u << pool[p]))) {
                    p++;
                }
                if (p >= 4) {
                    return -1;
                }
                t->reg = pool[p++];
                used |= 1u << t->reg;
            }
        } else if (t->kind == K_MEM) {
            t->addr = 0x100 + 8 * (uint32_t)k;
        }
    }
    Enc e;
    if (!encode(&l, &e, r->i486)) {
        return -1;
    }
    X86Cpu *c = r->cpu;
    x86_cpu_reset(c);
    x86_load_seg_real(c, X86_CS, 0x1000);
    x86_load_seg_real(c, X86_DS, 0x2000);
    x86_load_seg_real(c, X86_SS, 0x3000);
    c->eip = 0;
    c->regs[X86_ESP] = 0xFFF0;
    for (int k = 0; k < e.n; k++) {
        membus_write8(r->mem, 0x10000 + (uint32_t)k, e.b[k]);
    }
    for (int k = 0; k < l.npre; k++) {
        Tok *t = &l.pre[k];
        if (t->kind == K_FLAGS) {
            x86_set_flags(c, (uint32_t)t->val, t->mask);
        } else if (t->kind == K_NREG) {
            reg_set(c, t->reg, t->size, (uint32_t)t->val);
        }
    }
    for (int k = 0; k < l.nops; k++) {
        Tok *t = &l.ops[k];
        if (t->kind == K_GREG || t->kind == K_NREG) {
            reg_set(c, t->reg, t->size, (uint32_t)t->val);
        } else if (t->kind == K_MEM) {
            for (unsigned b = 0; b < 4; b++) {
                membus_write8(r->mem, 0x20000 + t->addr + b,
                              b < t->size ? (uint8_t)((uint64_t)t->val >> (8 * b)) : 0);
            }
        }
    }
    x86_cpu_step(c);
    if (c->eip != (uint32_t)e.n) {
        snprintf(why, whylen, "faulted or jumped (eip %x)", c->eip);
        return 0;
    }
    for (int k = 0; k < l.nouts; k++) {
        Tok *t = &l.outs[k];
        uint32_t got, want;
        if (t->kind == K_FLAGS) {
            got = x86_get_flags(c) & t->mask;
            want = (uint32_t)t->val & t->mask;
        } else if (t->opnd >= 0) {
            if (t->opnd >= l.nops) {
                return -1;
            }
            Tok *o = &l.ops[t->opnd];
            if (o->kind == K_MEM) {
                got = membus_read32(r->mem, 0x20000 + o->addr) & tok_mask(t->size);
            } else if (o->kind == K_GREG || o->kind == K_NREG) {
                got = reg_get(c, o->reg, t->size);
            } else {
                return -1;
            }
            want = (uint32_t)t->val & tok_mask(t->size);
        } else if (t->kind == K_NREG) {
            got = reg_get(c, t->reg, t->size);
            want = (uint32_t)t->val & tok_mask(t->size);
        } else {
            return -1;
        }
        if (got != want) {
            snprintf(why, whylen, "output %d: want %x got %x", k, want, got);
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    bool verbose = argc > 1 && !strcmp(argv[1], "-v");
    const char *shared = getenv("AMBER_SHARED");
    char path[4096];
    snprintf(path, sizeof(path), "%s/cpu-tests/valgrind-vectors/x86/insn_basic.def.gz",
             shared && *shared ? shared : "../shared");
    gzFile f = gzopen(path, "rb");
    if (!f) {
        printf("SKIP: %s not found (set AMBER_SHARED)\n", path);
        return 77;
    }
    Log log;
    amber_log_init(&log);
    AmberError err = { 0 };
    Run r;
    r.mem = membus_new(32, &log, &err);
    IoBus *io = iobus_new(&log, &err);
    if (!r.mem || !io || !membus_map_ram(r.mem, "ram", 0, 1u << 20, &err)) {
        printf("valgrind_x86: setup failed: %s\n", err.msg);
        return 1;
    }
    r.cpu = calloc(1, sizeof(X86Cpu));
    static const char *const model_names[] = { "80386dx", "80486dx2" };
    bool any_fail = false;
    for (unsigned mi = 0; mi < 2; mi++) {
        x86_cpu_init(r.cpu, x86_model_find(model_names[mi]), NULL);
        r.cpu->mem = r.mem;
        r.cpu->io = io;
        r.i486 = mi == 1;
        gzrewind(f);

        char line[1024];
        unsigned pass = 0, fail = 0, unsup = 0, disabled = 0, lineno = 0;
        while (gzgets(f, line, sizeof(line))) {
            lineno++;
            if (line[0] == '#') {
                disabled++;
                continue;
            }
            if (!line[0] || line[0] == '\n') {
                continue;
            }
            char copy[1024], why[128] = "";
            snprintf(copy, sizeof(copy), "%s", line);
            int res = run_line(&r, copy, why, sizeof(why));
            if (res > 0) {
                pass++;
            } else if (res == 0) {
                fail++;
                printf("FAIL line %u: %s: %s", lineno, why, line);
            } else {
                unsup++;
                if (verbose) {
                    printf("unsupported line %u: %s", lineno, line);
                }
            }
        }
        printf("valgrind x86 insn_basic (%s): %u passed, %u failed, %u unsupported, %u disabled "
               "upstream\n", model_names[mi], pass, fail, unsup, disabled);
        any_fail = any_fail || fail || pass == 0;
    }
    gzclose(f);
    free(r.cpu);
    membus_free(r.mem);
    iobus_free(io);
    return any_fail ? 1 : 0;
}
