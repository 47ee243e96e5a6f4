/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 segmentation: segment register loads with their descriptor caches, descriptor reads from
 * the GDT/LDT, and the per-access segment checks (presence, type, limit).
 *
 * Sources: Intel 80386 Programmer's Reference Manual (1986) 5.1 (descriptors), 6.3.1-6.3.2
 * (type and limit checking), 14.7 and table 14-1 (real-address mode exceptions: #SS for a stack
 * operand crossing 0FFFFH, #GP otherwise), instruction pages MOV/POP/LDS (protected-mode checks
 * and their error codes), 15.1 (V86 segments); 80286 PRM (real mode segment overrun is
 * interrupt 13 for every segment; descriptor bytes 6-7 are reserved and ignored).
 *
 * Real mode keeps the cached limit and attributes of the last protected-mode load (the 386's
 * "unreal" mode falls out of that); V86 loads set a 64 KiB, DPL-3 read/write segment.
 * The 8086/80186 have no segment limits: offsets wrap within 64 KiB and addresses at 1 MiB.
 */
#include "cpu/x86/prot.h"

static uint32_t table_entry_addr(X86Cpu *cpu, uint16_t sel)
{
    uint32_t base = (sel & 4) ? cpu->seg[X86_LDTR].base : cpu->gdtr.base;
    return base + (sel & 0xFFF8u);
}

uint64_t x86_read_descriptor(X86Cpu *cpu, uint16_t sel, int exc_vector)
{
    uint32_t limit;
    if (sel & 4) {
        const X86Seg *ldt = &cpu->seg[X86_LDTR];
        if (!(ldt->attr & X86_ATTR_P) || sel_null(ldt->sel)) {
            x86_raise(cpu, exc_vector, true, sel_err(sel));
        }
        limit = ldt->limit;
    } else {
        limit = cpu->gdtr.limit;
    }
    if ((uint32_t)(sel | 7u) > limit) {
        x86_raise(cpu, exc_vector, true, sel_err(sel));
    }
    uint32_t addr = table_entry_addr(cpu, sel);
    uint64_t d = sys_read32(cpu, addr) | ((uint64_t)sys_read32(cpu, addr + 4) << 32);
    if (!cpu_is_386(cpu)) {
        d &= UINT64_C(0x0000FFFFFFFFFFFF); /* 286: bytes 6-7 reserved, base is 24 bits */
    }
    return d;
}

void x86_seg_from_descriptor(X86Seg *seg, uint16_t sel, uint64_t desc)
{
    seg->sel = sel;
    seg->base = desc_base(desc);
    seg->limit = desc_limit(desc);
    seg->attr = desc_attr(desc);
}

void x86_desc_set_bits(X86Cpu *cpu, uint16_t sel, uint8_t bits)
{
    uint32_t a = table_entry_addr(cpu, sel) + 5;
    uint8_t v = x86_lin_read8(cpu, a, false);
    if ((v & bits) != bits) {
        x86_lin_write8(cpu, a, v | bits, false);
    }
}

void x86_desc_clear_bits(X86Cpu *cpu, uint16_t sel, uint8_t bits)
{
    uint32_t a = table_entry_addr(cpu, sel) + 5;
    uint8_t v = x86_lin_read8(cpu, a, false);
    if (v & bits) {
        x86_lin_write8(cpu, a, v & (uint8_t)~bits, false);
    }
}

uint64_t x86_desc_mark_accessed(X86Cpu *cpu, uint16_t sel, uint64_t desc)
{
    if (!(desc & X86_DESC_ACCESSED)) {
        x86_desc_set_bits(cpu, sel, 1);
        desc |= X86_DESC_ACCESSED;
    }
    return desc;
}

void x86_load_seg_real(X86Cpu *cpu, int sreg, uint16_t sel)
{
    X86Seg *s = &cpu->seg[sreg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (x86_v86(cpu)) {
        /* 80386 PRM 15.1: V86 segments are 64 KiB, DPL 3, read/write (accessed). */
        s->limit = 0xFFFF;
        s->attr = X86_ATTR_P | X86_ATTR_S | (3u << 5) | (sreg == X86_CS ? 0x0Bu : 0x03u);
    }
}

void x86_load_cs_checked(X86Cpu *cpu, uint16_t sel, uint64_t desc, unsigned cpl)
{
    desc = x86_desc_mark_accessed(cpu, sel, desc);
    x86_seg_from_descriptor(&cpu->seg[X86_CS], (uint16_t)((sel & 0xFFFCu) | cpl), desc);
    cpu->cpl = (uint8_t)cpl;
}

void x86_load_ss_checked(X86Cpu *cpu, uint16_t sel, uint64_t desc)
{
    desc = x86_desc_mark_accessed(cpu, sel, desc);
    x86_seg_from_descriptor(&cpu->seg[X86_SS], sel, desc);
}

uint64_t x86_check_stack_seg(X86Cpu *cpu, uint16_t sel, unsigned dpl, int vector)
{
    if (sel_null(sel)) {
        x86_raise(cpu, vector, true, 0);
    }
    uint64_t d = x86_read_descriptor(cpu, sel, vector);
    if ((sel & 3u) != dpl || !desc_writable_data(d) || desc_dpl(d) != dpl) {
        x86_raise(cpu, vector, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_SS, true, sel_err(sel));
    }
    return d;
}

void x86_load_seg(X86Cpu *cpu, int sreg, uint16_t sel)
{
    if (!x86_protected(cpu) || x86_v86(cpu)) {
        x86_load_seg_real(cpu, sreg, sel);
        return;
    }
    if (sreg == X86_SS) {
        /* 80386 PRM MOV/POP: SS must be a present writable data segment with RPL = DPL = CPL. */
        uint64_t d = x86_check_stack_seg(cpu, sel, cpu->cpl, X86_EXC_GP);
        x86_load_ss_checked(cpu, sel, d);
        return;
    }
    x86_load_data_seg_checked(cpu, sreg, sel, X86_EXC_GP);
}

void x86_load_data_seg_checked(X86Cpu *cpu, int sreg, uint16_t sel, int vector)
{
    X86Seg *s = &cpu->seg[sreg];
    if (sel_null(sel)) {
        /* A null selector loads; the register faults (#GP(0)) when used. */
        s->sel = sel;
        s->base = 0;
        s->limit = 0;
        s->attr = 0;
        return;
    }
    uint64_t d = x86_read_descriptor(cpu, sel, vector);
    if (!desc_s(d) || (desc_is_code(d) && !desc_readable(d))) {
        x86_raise(cpu, vector, true, sel_err(sel));
    }
    if (!desc_conforming(d)) {
        /* Data and non-conforming code: both RPL and CPL must be numerically <= DPL. */
        if ((sel & 3u) > desc_dpl(d) || cpu->cpl > desc_dpl(d)) {
            x86_raise(cpu, vector, true, sel_err(sel));
        }
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    d = x86_desc_mark_accessed(cpu, sel, d);
    x86_seg_from_descriptor(s, sel, d);
}

void x86_null_inaccessible_segs(X86Cpu *cpu)
{
    static const int regs[] = {X86_ES, X86_DS, X86_FS, X86_GS};
    for (unsigned i = 0; i < 4; i++) {
        X86Seg *s = &cpu->seg[regs[i]];
        uint16_t a = s->attr;
        bool conforming_code = (a & X86_ATTR_S) && (a & 0x0Cu) == 0x0Cu;
        if (!(a & X86_ATTR_P) || (!conforming_code && X86_ATTR_DPL(a) < cpu->cpl)) {
            s->sel = 0;
            s->base = 0;
            s->limit = 0;
            s->attr = 0;
        }
    }
}

bool x86_seg_limit_ok(const X86Seg *s, uint32_t offset, unsigned len)
{
    uint32_t last = offset + (len - 1);
    if ((s->attr & 0x1Cu) == 0x14u) {
        /* Expand-down data: valid offsets are limit+1 .. 0xFFFF (or 0xFFFFFFFF with B set). */
        uint32_t upper = (s->attr & X86_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        return offset > s->limit && last >= offset && last <= upper;
    }
    return offset <= s->limit && last >= offset && last <= s->limit;
}

_Noreturn static void seg_fault(X86Cpu *cpu, int sreg)
{
    x86_raise(cpu, sreg == X86_SS ? X86_EXC_SS : X86_EXC_GP, true, 0);
}

/* access.c seg_lin() repeats the common case of these checks inline: keep the two in sync. */
uint32_t x86_seg_check(X86Cpu *cpu, int sreg, uint32_t offset, unsigned len, X86Access acc)
{
    const X86Seg *s = &cpu->seg[sreg];
    if (!cpu_has_pm(cpu)) {
        return (s->base + (offset & 0xFFFFu)) & 0xFFFFFu;
    }
    uint16_t a = s->attr;
    bool pm = x86_protected(cpu) && !(cpu->eflags & X86_VM);
    if (pm) {
        if (!(a & X86_ATTR_P)) {
            /* Only a null selector gets here (loads refuse non-present segments). */
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        if (acc == X86_WRITE) {
            if ((a & 0x08u) || !(a & 0x02u)) {
                x86_raise(cpu, X86_EXC_GP, true, 0);
            }
        } else if (acc == X86_READ) {
            if ((a & 0x0Au) == 0x08u) {
                x86_raise(cpu, X86_EXC_GP, true, 0); /* execute-only code */
            }
        }
    }
    if (x86_seg_limit_ok(s, offset, len)) {
        uint32_t lin = s->base + offset;
        /* Alignment check (i486 PRM 9.8.17): CR0.AM and EFLAGS.AC at CPL 3, a word, dword or
         * qword data access not aligned to its size: #AC(0), after the segment checks and
         * before paging. Instruction fetches are never checked. */
        if ((cpu->cr0 & X86_CR0_AM) && (cpu->eflags & X86_AC) && cpu->cpl == 3 &&
            acc != X86_EXEC && (len == 2 || len == 4 || len == 8) && (lin & (len - 1))) {
            x86_raise(cpu, X86_EXC_AC, true, 0);
        }
        return lin;
    }
    if (!pm && !cpu_is_386(cpu)) {
        /* 80286 real mode: every segment overrun is interrupt 13 (SingleStepTests agree). */
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    seg_fault(cpu, sreg);
}

/* ---- stacks built before they are committed ---- */

void x86_stack_current(X86Cpu *cpu, X86Stack *st)
{
    st->seg = cpu->seg[X86_SS];
    st->esp = cpu->regs[X86_ESP];
    st->user = cpu->cpl == 3;
    st->err_sel = 0;
}

/* Linear address of n bytes at stack offset off, with the limit check (#SS(err_sel)). */
static uint32_t stack_lin(X86Cpu *cpu, X86Stack *st, uint32_t off, unsigned n)
{
    if (!cpu_has_pm(cpu)) {
        return (st->seg.base + (off & 0xFFFFu)) & 0xFFFFFu;
    }
    if (!x86_seg_limit_ok(&st->seg, off, n)) {
        if (!x86_protected(cpu) && !cpu_is_386(cpu)) {
            x86_raise(cpu, X86_EXC_GP, true, 0); /* 286 real mode: interrupt 13 */
        }
        x86_raise(cpu, X86_EXC_SS, true, st->err_sel);
    }
    return st->seg.base + off;
}

static inline bool stack_big(const X86Stack *st) { return (st->seg.attr & X86_ATTR_DB) != 0; }

static void stack_write(X86Cpu *cpu, X86Stack *st, uint32_t off, uint32_t v, bool op32)
{
    if (!cpu_has_pm(cpu) && (off & 0xFFFFu) == 0xFFFFu) {
        /* 8086: the high byte wraps to offset 0 of the segment. */
        x86_lin_write8(cpu, stack_lin(cpu, st, off, 1), (uint8_t)v, false);
        x86_lin_write8(cpu, stack_lin(cpu, st, 0, 1), (uint8_t)(v >> 8), false);
        return;
    }
    uint32_t lin = stack_lin(cpu, st, off, op32 ? 4 : 2);
    if (op32) {
        x86_lin_write32(cpu, lin, v, st->user);
    } else {
        x86_lin_write16(cpu, lin, (uint16_t)v, st->user);
    }
}

static uint32_t stack_read(X86Cpu *cpu, X86Stack *st, uint32_t off, bool op32)
{
    if (!cpu_has_pm(cpu) && (off & 0xFFFFu) == 0xFFFFu) {
        uint32_t lo = x86_lin_read8(cpu, stack_lin(cpu, st, off, 1), false);
        return lo | (uint32_t)x86_lin_read8(cpu, stack_lin(cpu, st, 0, 1), false) << 8;
    }
    uint32_t lin = stack_lin(cpu, st, off, op32 ? 4 : 2);
    return op32 ? x86_lin_read32(cpu, lin, st->user) : x86_lin_read16(cpu, lin, st->user);
}

void x86_stack_push(X86Cpu *cpu, X86Stack *st, uint32_t v, bool op32)
{
    unsigned n = op32 ? 4 : 2;
    uint32_t esp;
    if (stack_big(st)) {
        esp = st->esp - n;
    } else {
        esp = (st->esp & 0xFFFF0000u) | ((st->esp - n) & 0xFFFFu);
    }
    stack_write(cpu, st, stack_big(st) ? esp : esp & 0xFFFFu, v, op32);
    st->esp = esp;
}

uint32_t x86_stack_peek(X86Cpu *cpu, X86Stack *st, uint32_t at, bool op32)
{
    uint32_t off = stack_big(st) ? st->esp + at : (st->esp + at) & 0xFFFFu;
    return stack_read(cpu, st, off, op32);
}

uint32_t x86_stack_pop(X86Cpu *cpu, X86Stack *st, bool op32)
{
    uint32_t v = x86_stack_peek(cpu, st, 0, op32);
    unsigned n = op32 ? 4 : 2;
    if (stack_big(st)) {
        st->esp += n;
    } else {
        st->esp = (st->esp & 0xFFFF0000u) | ((st->esp + n) & 0xFFFFu);
    }
    return v;
}

void x86_stack_commit_esp(X86Cpu *cpu, const X86Stack *st)
{
    cpu->regs[X86_ESP] = st->esp;
}
