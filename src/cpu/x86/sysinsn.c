/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 system instructions: the descriptor-table registers (LGDT, LIDT, SGDT, SIDT, LLDT, SLDT,
 * LTR, STR), the machine status word and control/debug registers (LMSW, SMSW, CLTS, MOV CRn/DRn),
 * the protection probes (LAR, LSL, VERR, VERW, ARPL) and the I/O permission check.
 *
 * Sources: Intel 80386 Programmer's Reference Manual (1986), the instruction pages of each
 * (privilege checks and exceptions), 4.1.3 and 10.3 (CR0 bits), 8.3 (I/O permission bitmap:
 * offset at TSS+66h, checked for every byte of the access, the map's end is the TSS limit),
 * 12.2 (debug registers); 80286 PRM (SGDT stores 0FFh in the sixth byte, 24-bit bases).
 *
 * Pentium and later: CR4 (Pentium Developer's Manual vol. 3, 10.1.3: a write that sets a
 * reserved bit is #GP(0)), CR4.DE (DR4/DR5 are #UD instead of aliasing DR6/DR7), INVLPG (i486
 * PRM). 486 and later: CR0.ET is hard-wired to 1, CD=0 with NW=1 is #GP(0) (i486 PRM 4.1.1).
 *
 * Debug registers are stored only: no breakpoints fire.
 */
#include "cpu/x86/exec.h"
#include "cpu/x86/prot.h"

/* LLDT, LTR, LAR, ... are "not recognized in real address mode" (#UD), and in V86 mode too. */
static void require_pm(X86Cpu *cpu)
{
    if (!x86_protected(cpu) || x86_v86(cpu)) {
        x86_raise(cpu, X86_EXC_UD, false, 0);
    }
}

/* Instructions that need CPL 0 in protected mode (#GP(0)); V86 runs at CPL 3. */
static void require_cpl0(X86Cpu *cpu)
{
    if (x86_protected(cpu) && cpu->cpl != 0) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}

static void load_dtr(X86Cpu *cpu, X86DescTable *t, int sreg, uint32_t off, bool op32)
{
    require_cpl0(cpu);
    uint16_t limit = x86_read16(cpu, sreg, off);
    uint32_t base = x86_read32(cpu, sreg, off + 2);
    /* A 16-bit operand (and every 286) loads a 24-bit base. */
    if (!op32 || !cpu_is_386(cpu)) {
        base &= 0xFFFFFFu;
    }
    t->limit = limit;
    t->base = base;
}

static void store_dtr(X86Cpu *cpu, const X86DescTable *t, int sreg, uint32_t off, bool op32)
{
    uint32_t base = t->base;
    if (!cpu_is_386(cpu)) {
        base = (base & 0xFFFFFFu) | 0xFF000000u; /* 286: the unused byte reads 0FFh */
    } else if (!op32) {
        base &= 0xFFFFFFu;
    }
    x86_check_write(cpu, sreg, off, 2);
    x86_check_write(cpu, sreg, off + 2, 4);
    x86_write16(cpu, sreg, off, t->limit);
    x86_write32(cpu, sreg, off + 2, base);
}

void x86_lgdt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32)
{
    load_dtr(cpu, &cpu->gdtr, sreg, offset, op32);
}

void x86_lidt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32)
{
    load_dtr(cpu, &cpu->idtr, sreg, offset, op32);
}

void x86_sgdt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32)
{
    store_dtr(cpu, &cpu->gdtr, sreg, offset, op32);
}

void x86_sidt(X86Cpu *cpu, int sreg, uint32_t offset, bool op32)
{
    store_dtr(cpu, &cpu->idtr, sreg, offset, op32);
}

void x86_lldt(X86Cpu *cpu, uint16_t sel)
{
    require_pm(cpu);
    require_cpl0(cpu);
    X86Seg *l = &cpu->seg[X86_LDTR];
    if (sel_null(sel)) {
        l->sel = sel;
        l->base = 0;
        l->limit = 0;
        l->attr = 0; /* LDT references now #GP */
        return;
    }
    if (sel & 4) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    uint64_t d = x86_read_descriptor(cpu, sel, X86_EXC_GP);
    if (desc_s(d) || desc_type(d) != X86_DT_LDT) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    x86_seg_from_descriptor(l, sel, d);
}

void x86_ltr(X86Cpu *cpu, uint16_t sel)
{
    require_pm(cpu);
    require_cpl0(cpu);
    if (sel_null(sel)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    if (sel & 4) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    uint64_t d = x86_read_descriptor(cpu, sel, X86_EXC_GP);
    unsigned t = desc_type(d);
    bool ok = !desc_s(d) &&
              (t == X86_DT_TSS16_AVAIL || (t == X86_DT_TSS32_AVAIL && cpu_is_386(cpu)));
    if (!ok) {
        x86_raise(cpu, X86_EXC_GP, true, sel_err(sel));
    }
    if (!desc_present(d)) {
        x86_raise(cpu, X86_EXC_NP, true, sel_err(sel));
    }
    x86_desc_set_bits(cpu, sel, 2); /* busy */
    x86_seg_from_descriptor(&cpu->seg[X86_TR], sel, d | (UINT64_C(2) << 40));
}

uint16_t x86_sldt(X86Cpu *cpu)
{
    require_pm(cpu);
    return cpu->seg[X86_LDTR].sel;
}

uint16_t x86_str(X86Cpu *cpu)
{
    require_pm(cpu);
    return cpu->seg[X86_TR].sel;
}

void x86_lmsw(X86Cpu *cpu, uint16_t value)
{
    require_cpl0(cpu);
    /* Loads PE MP EM TS; PE can be set but not cleared (80286 PRM LMSW). */
    uint32_t v = (cpu->cr0 & ~0xEu) | (value & 0xFu);
    v |= cpu->cr0 & X86_CR0_PE;
    cpu->cr0 = v;
}

uint32_t x86_smsw(X86Cpu *cpu)
{
    uint32_t v = cpu->cr0;
    if (!cpu_is_386(cpu)) {
        v |= 0xFFF0u; /* 286: the reserved MSW bits read as ones */
    }
    return v;
}

void x86_clts(X86Cpu *cpu)
{
    require_cpl0(cpu);
    cpu->cr0 &= ~X86_CR0_TS;
}

/* The probe instructions' common descriptor fetch: false (ZF=0) when sel is null or beyond its
 * table; they never fault on the selector (80386 PRM LAR). */
static bool probe_desc(X86Cpu *cpu, uint16_t sel, uint64_t *d)
{
    require_pm(cpu);
    if (sel_null(sel)) {
        return false;
    }
    uint32_t limit;
    uint32_t base;
    if (sel & 4) {
        const X86Seg *l = &cpu->seg[X86_LDTR];
        if (!(l->attr & X86_ATTR_P)) {
            return false;
        }
        base = l->base;
        limit = l->limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if ((uint32_t)(sel | 7u) > limit) {
        return false;
    }
    uint32_t a = base + (sel & 0xFFF8u);
    *d = sys_read32(cpu, a) | ((uint64_t)sys_read32(cpu, a + 4) << 32);
    if (!cpu_is_386(cpu)) {
        *d &= UINT64_C(0x0000FFFFFFFFFFFF);
    }
    return true;
}

/* DPL >= CPL and >= RPL, except for conforming code. */
static bool probe_priv(const X86Cpu *cpu, uint16_t sel, uint64_t d)
{
    if (desc_conforming(d)) {
        return true;
    }
    return desc_dpl(d) >= cpu->cpl && desc_dpl(d) >= (sel & 3u);
}

/* The descriptor LAR (gates true) or LSL (gates false) may report: a segment, a TSS or an LDT,
 * and for LAR also call and task gates, which have no limit; the 32-bit system types only on a
 * 386+ (80386 PRM LAR, LSL); then the privilege test. */
static bool probe_lar_lsl(X86Cpu *cpu, uint16_t sel, bool gates, uint64_t *d)
{
    if (!probe_desc(cpu, sel, d)) {
        return false;
    }
    if (!desc_s(*d)) {
        switch (desc_type(*d)) {
        case X86_DT_TSS16_AVAIL: case X86_DT_LDT: case X86_DT_TSS16_BUSY:
            break;
        case X86_DT_CALL16: case X86_DT_TASK:
            if (!gates) {
                return false;
            }
            break;
        case X86_DT_TSS32_AVAIL: case X86_DT_TSS32_BUSY:
            if (!cpu_is_386(cpu)) {
                return false;
            }
            break;
        case X86_DT_CALL32:
            if (!gates || !cpu_is_386(cpu)) {
                return false;
            }
            break;
        default:
            return false;
        }
    }
    return probe_priv(cpu, sel, *d);
}

bool x86_lar(X86Cpu *cpu, uint16_t sel, uint32_t *out)
{
    uint64_t d;
    if (!probe_lar_lsl(cpu, sel, true, &d)) {
        return false;
    }
    *out = (uint32_t)(d >> 32) & 0x00FFFF00u;
    return true;
}

bool x86_lsl(X86Cpu *cpu, uint16_t sel, uint32_t *out)
{
    uint64_t d;
    if (!probe_lar_lsl(cpu, sel, false, &d)) {
        return false;
    }
    *out = desc_limit(d);
    return true;
}

bool x86_verr(X86Cpu *cpu, uint16_t sel)
{
    uint64_t d;
    if (!probe_desc(cpu, sel, &d)) {
        return false;
    }
    return desc_s(d) && desc_readable(d) && probe_priv(cpu, sel, d);
}

bool x86_verw(X86Cpu *cpu, uint16_t sel)
{
    uint64_t d;
    if (!probe_desc(cpu, sel, &d)) {
        return false;
    }
    return desc_writable_data(d) && probe_priv(cpu, sel, d);
}

bool x86_arpl(X86Cpu *cpu, uint16_t *dst, uint16_t src)
{
    require_pm(cpu);
    if ((*dst & 3u) < (src & 3u)) {
        *dst = (uint16_t)((*dst & ~3u) | (src & 3u));
        return true;
    }
    return false;
}

/* MOV CRn/DRn are privileged (#GP(0) at CPL > 0 and in V86 mode). */
static void require_cr_access(X86Cpu *cpu)
{
    if (x86_v86(cpu)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    require_cpl0(cpu);
}

uint32_t x86_cr4_mask(const X86Cpu *cpu)
{
    const X86Model *m = cpu->model;
    uint32_t mask = 0;
    if (x86_has(m, X86_F_VME)) {
        mask |= X86_CR4_VME | X86_CR4_PVI;
    }
    if (x86_has(m, X86_F_TSC)) {
        mask |= X86_CR4_TSD;
    }
    if (x86_has(m, X86_F_DE)) {
        mask |= X86_CR4_DE;
    }
    if (x86_has(m, X86_F_PSE)) {
        mask |= X86_CR4_PSE;
    }
    if (x86_has(m, X86_F_PGE)) {
        mask |= X86_CR4_PGE;
    }
    if (x86_has(m, X86_F_RDPMC)) {
        mask |= X86_CR4_PCE;
    }
    if (x86_has(m, X86_F_FXSR)) {
        mask |= X86_CR4_OSFXSR;
    }
    return mask;
}

void x86_invlpg(X86Cpu *cpu, uint32_t lin)
{
    if (x86_v86(cpu)) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    require_cpl0(cpu);
    x86_tlb_flush_page(cpu, lin);
}

uint32_t x86_read_cr(X86Cpu *cpu, int n)
{
    if (!cpu_is_386(cpu)) {
        x86_raise(cpu, X86_EXC_UD, false, 0);
    }
    require_cr_access(cpu);
    switch (n) {
    case 0: return cpu->cr0;
    case 2: return cpu->cr2;
    case 3: return cpu->cr3;
    case 4:
        if (x86_cr4_mask(cpu)) {
            return cpu->cr4;
        }
        x86_raise(cpu, X86_EXC_UD, false, 0);
    default: x86_raise(cpu, X86_EXC_UD, false, 0);
    }
}

void x86_write_cr(X86Cpu *cpu, int n, uint32_t value)
{
    if (!cpu_is_386(cpu)) {
        x86_raise(cpu, X86_EXC_UD, false, 0);
    }
    require_cr_access(cpu);
    switch (n) {
    case 0: {
        /* Paging without protection is invalid (#GP(0), 80386 PRM 10.4 / MOV CRn). */
        if ((value & X86_CR0_PG) && !(value & X86_CR0_PE)) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        uint32_t keep = 0x8000001Fu; /* 386: PG, ET, TS, EM, MP, PE */
        if (cpu->model->family > X86_FAMILY_386) {
            keep = 0xE005003Fu; /* 486: + NE, WP, AM, NW, CD */
            if ((value & X86_CR0_NW) && !(value & X86_CR0_CD)) {
                x86_raise(cpu, X86_EXC_GP, true, 0);
            }
        }
        value &= keep;
        if (cpu->model->family > X86_FAMILY_386) {
            value |= X86_CR0_ET; /* hard-wired: the FPU is on the chip */
        }
        if ((value ^ cpu->cr0) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)) {
            x86_tlb_flush(cpu, true);
        }
        cpu->cr0 = value;
        return;
    }
    case 2:
        cpu->cr2 = value;
        return;
    case 3:
        cpu->cr3 = value & 0xFFFFF018u;
        x86_tlb_flush(cpu, false);
        return;
    case 4: {
        uint32_t mask = x86_cr4_mask(cpu);
        if (!mask) {
            x86_raise(cpu, X86_EXC_UD, false, 0);
        }
        if (value & ~mask) {
            x86_raise(cpu, X86_EXC_GP, true, 0);
        }
        if ((value ^ cpu->cr4) & (X86_CR4_PSE | X86_CR4_PGE | X86_CR4_PAE)) {
            x86_tlb_flush(cpu, true);
        }
        cpu->cr4 = value;
        return;
    }
    default:
        x86_raise(cpu, X86_EXC_UD, false, 0);
    }
}

uint32_t x86_read_dr(X86Cpu *cpu, int n)
{
    if (!cpu_is_386(cpu)) {
        x86_raise(cpu, X86_EXC_UD, false, 0);
    }
    require_cr_access(cpu);
    if (n == 4 || n == 5) {
        if (cpu->cr4 & X86_CR4_DE) {
            x86_raise(cpu, X86_EXC_UD, false, 0);
        }
        n += 2; /* DR4/DR5 alias DR6/DR7 */
    }
    return cpu->dr[n & 7];
}

void x86_write_dr(X86Cpu *cpu, int n, uint32_t value)
{
    if (!cpu_is_386(cpu)) {
        x86_raise(cpu, X86_EXC_UD, false, 0);
    }
    require_cr_access(cpu);
    if (n == 4 || n == 5) {
        if (cpu->cr4 & X86_CR4_DE) {
            x86_raise(cpu, X86_EXC_UD, false, 0);
        }
        n += 2;
    }
    if (cpu->model->family >= X86_FAMILY_486 && n == 6) {
        value = (value & 0xE00Fu) | 0xFFFF0FF0u; /* reserved bits read as 1 (bit 12 as 0) */
    } else if (cpu->model->family >= X86_FAMILY_486 && n == 7) {
        value = (value & ~0xD800u) | 0x400u;     /* bit 10 reads 1, 11 12 14 15 as 0 */
    }
    cpu->dr[n & 7] = value;
}

void x86_io_check(X86Cpu *cpu, uint16_t port, unsigned len)
{
    if (!x86_protected(cpu)) {
        return;
    }
    bool v86 = x86_v86(cpu);
    if (!v86 && cpu->cpl <= ((cpu->eflags & X86_IOPL) >> 12)) {
        return;
    }
    /* 8.3.2: only a 386 TSS has the bitmap; its base is the word at offset 66h, and bits beyond
     * the TSS limit count as set. Two bytes are read since the bits may straddle a byte. */
    const X86Seg *tr = &cpu->seg[X86_TR];
    if (!type_is_32(X86_ATTR_TYPE(tr->attr)) || tr->limit < 0x67u) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint32_t map = sys_read16(cpu, tr->base + 0x66);
    uint32_t at = map + port / 8u;
    if (at + 1 > tr->limit) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
    uint16_t bits = sys_read16(cpu, tr->base + at);
    uint16_t want = (uint16_t)(((1u << len) - 1u) << (port & 7u));
    if (bits & want) {
        x86_raise(cpu, X86_EXC_GP, true, 0);
    }
}
