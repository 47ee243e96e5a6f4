/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory accesses of the x86 executor: segment:offset -> linear (seg.c's checks) -> physical
 * (mmu.c), the ModRM operand, and the stack.
 *
 * The 8086/80186 have no segment limits: a word at offset 0FFFFh takes its high byte from offset 0
 * of the same segment (iAPX 86/88 User's Manual 2-8, confirmed by the SingleStepTests vectors), so
 * such accesses are split into bytes here. From the 286 on seg.c raises #GP/#SS instead
 * (80286 PRM, appendix C: "segment wraparound").
 *
 * Speed: the common case - an expand-up segment whose type allows the access, an offset inside
 * the limit, a page with a host TLB slot (tlb.h) - is decided inline here with the same tests
 * seg.c and mmu.c make; anything else goes to them unchanged.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/tlb.h"

/* Whether the type of a segment with attributes a allows acc, as x86_seg_check decides it for an
 * expand-up segment: in protected mode present, and for writes writable data, for reads anything
 * but execute-only code; in real and V86 mode any type. */
static inline bool seg_type_allows(const X86Cpu *cpu, unsigned a, X86Access acc)
{
    if (!(cpu->cr0 & X86_CR0_PE) || (cpu->eflags & X86_VM)) {
        return true;
    }
    return acc == X86_WRITE ? (a & 0x8Au) == 0x82u : (a & 0x80u) && (a & 0x0Au) != 0x08u;
}

/* Linear address of a checked access of len bytes on a 286+: the common case of seg.c
 * x86_seg_check (keep in sync), which does the rest - expand-down segments, alignment checks
 * (EFLAGS.AC set), every fault. */
static inline uint32_t seg_lin(X86Cpu *cpu, int sreg, uint32_t off, unsigned len, X86Access acc)
{
    const X86Seg *s = &cpu->seg[sreg];
    unsigned a = s->attr;
    if ((a & 0x1Cu) != 0x14u && !(len > 1 && (cpu->eflags & X86_AC))) {
        if (__builtin_expect(seg_type_allows(cpu, a, acc) &&
                                 (uint64_t)off + (len - 1) <= s->limit,
                             1)) {
            return s->base + off;
        }
    }
    return x86_seg_check(cpu, sreg, off, len, acc);
}

/* Linear address of a checked access of len bytes. */
static inline uint32_t lin_of(X86Cpu *cpu, int sreg, uint32_t off, unsigned len, X86Access acc)
{
    if (!x86_has(cpu->model, X86_F_PMODE)) {
        return cpu->seg[sreg].base + (off & 0xFFFFu);
    }
    return seg_lin(cpu, sreg, off, len, acc);
}

/* 8086: a multi-byte access that crosses offset 0FFFFh wraps inside the segment. */
static inline bool wraps16(const X86Cpu *cpu, uint32_t off, unsigned len)
{
    return !x86_has(cpu->model, X86_F_PMODE) && (off & 0xFFFFu) + len > 0x10000u;
}

/* 8086: a word at an odd address takes two bus cycles (+4 clocks); the 8088 always takes two
 * (iAPX 86/88 User's Manual, table 2-21 notes). */
static inline void word_cycles(X86Cpu *cpu, uint32_t lin)
{
    if (!x86_has(cpu->model, X86_F_PMODE) && (x86_has(cpu->model, X86_F_BUS8) || (lin & 1))) {
        cpu->cycles += cpu->model->timing->word_mem_penalty;
    }
}

static __attribute__((noinline)) uint8_t full_read8(X86Cpu *cpu, int sreg, uint32_t off)
{
    return x86_lin_rd8(cpu, lin_of(cpu, sreg, off, 1, X86_READ), x86_user(cpu));
}

static __attribute__((noinline)) uint16_t full_read16(X86Cpu *cpu, int sreg, uint32_t off)
{
    if (wraps16(cpu, off, 2)) {
        uint8_t lo = x86_read8(cpu, sreg, off);
        return (uint16_t)(lo | x86_read8(cpu, sreg, off + 1) << 8);
    }
    uint32_t lin = lin_of(cpu, sreg, off, 2, X86_READ);
    word_cycles(cpu, lin);
    return x86_lin_rd16(cpu, lin, x86_user(cpu));
}

static __attribute__((noinline)) uint32_t full_read32(X86Cpu *cpu, int sreg, uint32_t off)
{
    if (wraps16(cpu, off, 4)) {
        uint32_t lo = x86_read16(cpu, sreg, off);
        return lo | (uint32_t)x86_read16(cpu, sreg, off + 2) << 16;
    }
    return x86_lin_rd32(cpu, lin_of(cpu, sreg, off, 4, X86_READ), x86_user(cpu));
}

static __attribute__((noinline)) void full_write8(X86Cpu *cpu, int sreg, uint32_t off, uint8_t v)
{
    x86_lin_wr8(cpu, lin_of(cpu, sreg, off, 1, X86_WRITE), v, x86_user(cpu));
}

static __attribute__((noinline)) void full_write16(X86Cpu *cpu, int sreg, uint32_t off, uint16_t v)
{
    if (wraps16(cpu, off, 2)) {
        x86_write8(cpu, sreg, off, (uint8_t)v);
        x86_write8(cpu, sreg, off + 1, (uint8_t)(v >> 8));
        return;
    }
    uint32_t lin = lin_of(cpu, sreg, off, 2, X86_WRITE);
    word_cycles(cpu, lin);
    x86_lin_wr16(cpu, lin, v, x86_user(cpu));
}

static __attribute__((noinline)) void full_write32(X86Cpu *cpu, int sreg, uint32_t off, uint32_t v)
{
    if (wraps16(cpu, off, 4)) {
        x86_write16(cpu, sreg, off, (uint16_t)v);
        x86_write16(cpu, sreg, off + 2, (uint16_t)(v >> 16));
        return;
    }
    x86_lin_wr32(cpu, lin_of(cpu, sreg, off, 4, X86_WRITE), v, x86_user(cpu));
}

/* The whole hit path without a single call, so that the common case needs no stack frame: a
 * 286+, the segment test of seg_lin(), one page with a host slot. NULL: take the full path.
 * The segment test asks for a present, expand-up, writable data segment (writes) or a present
 * expand-up data or readable code segment (reads) in every mode: stricter than seg_lin(), which
 * ignores the type outside protected mode, so such an access in real or V86 mode merely takes
 * the full path, which decides it exactly; one test instead of a mode test and two type tests. */
static inline uint8_t *fast_ptr(X86Cpu *cpu, int sreg, uint32_t off, unsigned len, X86Access acc)
{
    if (!x86_has(cpu->model, X86_F_PMODE)) {
        return NULL;
    }
    const X86Seg *s = &cpu->seg[sreg];
    unsigned a = s->attr;
    bool type_ok = acc == X86_WRITE ? (a & 0x9Eu) == 0x92u
                                    : (a & 0x9Cu) == 0x90u || (a & 0x9Au) == 0x9Au;
    if (!type_ok || (len > 1 && (cpu->eflags & X86_AC))) {
        return NULL;
    }
    if ((uint64_t)off + (len - 1) > s->limit) {
        return NULL;
    }
    return x86_htlb_ptr(cpu, s->base + off, len, x86_user(cpu), acc == X86_WRITE);
}

uint8_t x86_read8(X86Cpu *cpu, int sreg, uint32_t off)
{
    const uint8_t *p = fast_ptr(cpu, sreg, off, 1, X86_READ);
    return p ? *p : full_read8(cpu, sreg, off);
}

uint16_t x86_read16(X86Cpu *cpu, int sreg, uint32_t off)
{
    const uint8_t *p = fast_ptr(cpu, sreg, off, 2, X86_READ);
    return p ? ld_le16(p) : full_read16(cpu, sreg, off);
}

uint32_t x86_read32(X86Cpu *cpu, int sreg, uint32_t off)
{
    const uint8_t *p = fast_ptr(cpu, sreg, off, 4, X86_READ);
    return p ? ld_le32(p) : full_read32(cpu, sreg, off);
}

void x86_write8(X86Cpu *cpu, int sreg, uint32_t off, uint8_t v)
{
    uint8_t *p = fast_ptr(cpu, sreg, off, 1, X86_WRITE);
    if (p) {
        *p = v;
    } else {
        full_write8(cpu, sreg, off, v);
    }
}

void x86_write16(X86Cpu *cpu, int sreg, uint32_t off, uint16_t v)
{
    uint8_t *p = fast_ptr(cpu, sreg, off, 2, X86_WRITE);
    if (p) {
        st_le16(p, v);
    } else {
        full_write16(cpu, sreg, off, v);
    }
}

void x86_write32(X86Cpu *cpu, int sreg, uint32_t off, uint32_t v)
{
    uint8_t *p = fast_ptr(cpu, sreg, off, 4, X86_WRITE);
    if (p) {
        st_le32(p, v);
    } else {
        full_write32(cpu, sreg, off, v);
    }
}

void x86_check_write(X86Cpu *cpu, int sreg, uint32_t off, unsigned sz)
{
    if (!x86_has(cpu->model, X86_F_PMODE)) {
        return;
    }
    uint32_t lin = x86_seg_check(cpu, sreg, off, sz, X86_WRITE);
    if (cpu->cr0 & X86_CR0_PG) {
        x86_translate(cpu, lin, X86_WRITE, x86_user(cpu));
        if (((lin & 0xFFFu) + sz) > 0x1000u) {
            x86_translate(cpu, lin + sz - 1, X86_WRITE, x86_user(cpu));
        }
    }
}

uint8_t *x86_span(X86Cpu *cpu, int sreg, uint32_t off, uint32_t amask, X86Access acc,
                  uint32_t *n)
{
    const X86Seg *s = &cpu->seg[sreg];
    unsigned a = s->attr;
    if (!x86_has(cpu->model, X86_F_PMODE) || (a & 0x1Cu) == 0x14u || (cpu->eflags & X86_AC) ||
        off > s->limit || off > amask) {
        return NULL;
    }
    if (!seg_type_allows(cpu, a, acc)) {
        return NULL;
    }
    uint32_t lin = s->base + off;
    uint8_t *p = x86_htlb_ptr(cpu, lin, 1, x86_user(cpu), acc == X86_WRITE);
    if (!p) {
        return NULL;
    }
    uint64_t room = MEM_PAGE_SIZE - (lin & 0xFFFu);
    uint64_t in_seg = (uint64_t)(amask < s->limit ? amask : s->limit) - off + 1;
    *n = (uint32_t)(in_seg < room ? in_seg : room);
    return p;
}

/* The stack pointer is written only after the memory access succeeded, so a faulting PUSH or
 * POP leaves SP as it was and the instruction can restart. */
static inline __attribute__((always_inline)) void push_sz(X86Cpu *cpu, unsigned sz, uint32_t v)
{
    bool s32 = x86_stack32(cpu);
    uint32_t sp = (s32 ? cpu->regs[X86_ESP] : (uint16_t)cpu->regs[X86_ESP]) - sz;
    if (s32) {
        x86_write(cpu, X86_SS, sp, sz, v);
        cpu->regs[X86_ESP] = sp;
    } else {
        sp &= 0xFFFFu;
        x86_write(cpu, X86_SS, sp, sz, v);
        x86_set_r16(cpu, X86_ESP, (uint16_t)sp);
    }
}

static inline __attribute__((always_inline)) uint32_t pop_sz(X86Cpu *cpu, unsigned sz)
{
    if (x86_stack32(cpu)) {
        uint32_t sp = cpu->regs[X86_ESP];
        uint32_t v = x86_read(cpu, X86_SS, sp, sz);
        cpu->regs[X86_ESP] = sp + sz;
        return v;
    }
    uint32_t sp = (uint16_t)cpu->regs[X86_ESP];
    uint32_t v = x86_read(cpu, X86_SS, sp, sz);
    x86_set_r16(cpu, X86_ESP, (uint16_t)(sp + sz));
    return v;
}

void x86_push(X86Cpu *cpu, unsigned sz, uint32_t v)
{
    if (sz == 4) {
        push_sz(cpu, 4, v);
    } else if (sz == 2) {
        push_sz(cpu, 2, v);
    } else {
        push_sz(cpu, 1, v);
    }
}

uint32_t x86_pop(X86Cpu *cpu, unsigned sz)
{
    if (sz == 4) {
        return pop_sz(cpu, 4);
    } else if (sz == 2) {
        return pop_sz(cpu, 2);
    }
    return pop_sz(cpu, 1);
}

void x86_push16(X86Cpu *cpu, uint16_t v) { push_sz(cpu, 2, v); }
void x86_push32(X86Cpu *cpu, uint32_t v) { push_sz(cpu, 4, v); }
uint16_t x86_pop16(X86Cpu *cpu) { return (uint16_t)pop_sz(cpu, 2); }
uint32_t x86_pop32(X86Cpu *cpu) { return pop_sz(cpu, 4); }

uint32_t x86_peek(X86Cpu *cpu, unsigned sz, uint32_t off)
{
    uint32_t sp = x86_sp(cpu) + off;
    if (!x86_stack32(cpu)) {
        sp &= 0xFFFFu;
    }
    return x86_read(cpu, X86_SS, sp, sz);
}
