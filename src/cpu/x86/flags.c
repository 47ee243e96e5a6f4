/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lazy arithmetic flags. The common flag-setting instructions (ADD ADC SUB SBB CMP NEG, the logic
 * operations, INC DEC) only record their operation, operands and result (X86Cpu.lf_*); CF PF AF
 * ZF SF OF are computed when something reads them. lf_valid says which arithmetic flags are held
 * in eflags instead (INC/DEC keep CF there; instructions that compute flags eagerly set all).
 * Everything else reads and writes flags through x86_get_flags()/x86_set_flags().
 *
 * Flag definitions: Intel 80386 Programmer's Reference Manual, appendix C; the undefined flags of
 * the logic operations (AF) are computed as 0, as the 286 and 386 do.
 */
#include "cpu/x86/exec.h"

/* The arithmetic flags of the recorded lazy operation. */
static uint32_t lazy_flags(const X86Cpu *cpu)
{
    unsigned kind = cpu->lf_op >> 2;
    unsigned sz = 1u << (cpu->lf_op & 3);
    uint32_t mask = x86_size_mask(sz), sign = x86_sign_bit(sz);
    uint32_t r = cpu->lf_res & mask, a = cpu->lf_src1 & mask, b = cpu->lf_src2 & mask;
    uint32_t f = x86_szp(r, sz);
    uint32_t c;

    switch (kind) {
    case X86_LF_ADD:
        f |= (r < a ? X86_CF : 0) | ((a ^ b ^ r) & X86_AF) | (((a ^ r) & (b ^ r) & sign) ? X86_OF : 0);
        break;
    case X86_LF_ADC:
        c = (r - a - b) & mask; /* the carry that went in */
        f |= ((c ? r <= a : r < a) ? X86_CF : 0) | ((a ^ b ^ r) & X86_AF) |
             (((a ^ r) & (b ^ r) & sign) ? X86_OF : 0);
        break;
    case X86_LF_SUB:
        f |= (a < b ? X86_CF : 0) | ((a ^ b ^ r) & X86_AF) | (((a ^ b) & (a ^ r) & sign) ? X86_OF : 0);
        break;
    case X86_LF_SBB:
        c = (a - b - r) & mask; /* the borrow that went in */
        f |= ((c ? a <= b : a < b) ? X86_CF : 0) | ((a ^ b ^ r) & X86_AF) |
             (((a ^ b) & (a ^ r) & sign) ? X86_OF : 0);
        break;
    case X86_LF_LOGIC:
        break;
    case X86_LF_INC:
        f |= ((r & 0xFu) == 0 ? X86_AF : 0) | (r == sign ? X86_OF : 0);
        break;
    case X86_LF_DEC:
        f |= ((r & 0xFu) == 0xFu ? X86_AF : 0) | (r == sign - 1 ? X86_OF : 0);
        break;
    default:
        f = cpu->eflags & X86_ARITH_FLAGS;
        break;
    }
    return f;
}

/* Single flags of the recorded operation, for the readers that need only one or two (Jcc, ADC,
 * INC/DEC, shifts): the same definitions as lazy_flags() - keep them in sync. */
static inline uint32_t lazy_mask(const X86Cpu *cpu)
{
    return x86_size_mask(1u << (cpu->lf_op & 3));
}

static bool lazy_cf(const X86Cpu *cpu)
{
    uint32_t mask = lazy_mask(cpu);
    uint32_t r = cpu->lf_res & mask, a = cpu->lf_src1 & mask, b = cpu->lf_src2 & mask;
    switch (cpu->lf_op >> 2) {
    case X86_LF_ADD:
        return r < a;
    case X86_LF_ADC:
        return ((r - a - b) & mask) ? r <= a : r < a;
    case X86_LF_SUB:
        return a < b;
    case X86_LF_SBB:
        return ((a - b - r) & mask) ? a <= b : a < b;
    case X86_LF_LOGIC:
    case X86_LF_INC:
    case X86_LF_DEC:
        return false;
    default:
        return cpu->eflags & X86_CF;
    }
}

static bool lazy_sf(const X86Cpu *cpu)
{
    unsigned kind = cpu->lf_op >> 2;
    if (kind < X86_LF_ADD || kind > X86_LF_DEC) {
        return cpu->eflags & X86_SF;
    }
    return cpu->lf_res & x86_sign_bit(1u << (cpu->lf_op & 3));
}

static bool lazy_of(const X86Cpu *cpu)
{
    unsigned sz = 1u << (cpu->lf_op & 3);
    uint32_t mask = x86_size_mask(sz), sign = x86_sign_bit(sz);
    uint32_t r = cpu->lf_res & mask, a = cpu->lf_src1 & mask, b = cpu->lf_src2 & mask;
    switch (cpu->lf_op >> 2) {
    case X86_LF_ADD:
    case X86_LF_ADC:
        return (a ^ r) & (b ^ r) & sign;
    case X86_LF_SUB:
    case X86_LF_SBB:
        return (a ^ b) & (a ^ r) & sign;
    case X86_LF_LOGIC:
        return false;
    case X86_LF_INC:
        return r == sign;
    case X86_LF_DEC:
        return r == sign - 1;
    default:
        return cpu->eflags & X86_OF;
    }
}

static inline bool flag_sf(const X86Cpu *cpu)
{
    return (cpu->lf_valid & X86_SF) ? (cpu->eflags & X86_SF) != 0 : lazy_sf(cpu);
}

static inline bool flag_of(const X86Cpu *cpu)
{
    return (cpu->lf_valid & X86_OF) ? (cpu->eflags & X86_OF) != 0 : lazy_of(cpu);
}

uint32_t x86_get_flags(X86Cpu *cpu)
{
    uint32_t f = cpu->eflags;
    uint32_t lazy = X86_ARITH_FLAGS & ~cpu->lf_valid;
    if (lazy) {
        f = (f & ~lazy) | (lazy_flags(cpu) & lazy);
    }
    return (f | 0x2u) & ~0x8028u;
}

/* Folds the lazy flags into eflags. */
static void resolve(X86Cpu *cpu)
{
    if ((cpu->lf_valid & X86_ARITH_FLAGS) != X86_ARITH_FLAGS) {
        cpu->eflags = x86_get_flags(cpu);
        cpu->lf_valid = X86_ARITH_FLAGS;
        cpu->lf_op = X86_LF_NONE;
    }
}

void x86_set_flags(X86Cpu *cpu, uint32_t value, uint32_t mask)
{
    resolve(cpu);
    cpu->eflags = ((cpu->eflags & ~mask) | (value & mask) | 0x2u) & ~0x8028u;
}

void x86_lazy_keep_cf(X86Cpu *cpu, unsigned kind, unsigned sz, uint32_t res, uint32_t a)
{
    if (!(cpu->lf_valid & X86_CF)) {
        cpu->eflags = (cpu->eflags & ~X86_CF) | (lazy_cf(cpu) ? X86_CF : 0);
    }
    cpu->lf_op = kind << 2 | x86_szidx(sz);
    cpu->lf_res = res;
    cpu->lf_src1 = a;
    cpu->lf_src2 = 1;
    cpu->lf_valid = X86_CF;
}

void x86_set_arith(X86Cpu *cpu, uint32_t v, uint32_t mask)
{
    if ((cpu->lf_valid & X86_ARITH_FLAGS) != X86_ARITH_FLAGS &&
        !(X86_ARITH_FLAGS & ~cpu->lf_valid & ~mask)) {
        /* Every lazy flag is overwritten: resolve's result without computing them. */
        cpu->eflags = (((cpu->eflags & ~mask) | (v & mask)) | 0x2u) & ~0x8028u;
        cpu->lf_valid = X86_ARITH_FLAGS;
        cpu->lf_op = X86_LF_NONE;
        return;
    }
    resolve(cpu);
    cpu->eflags = (cpu->eflags & ~mask) | (v & mask);
}

bool x86_cf(X86Cpu *cpu)
{
    if (cpu->lf_valid & X86_CF) {
        return cpu->eflags & X86_CF;
    }
    return lazy_cf(cpu);
}

bool x86_zf(X86Cpu *cpu)
{
    if (cpu->lf_valid & X86_ZF) {
        return cpu->eflags & X86_ZF;
    }
    return (cpu->lf_res & x86_size_mask(1u << (cpu->lf_op & 3))) == 0;
}

bool x86_cond(X86Cpu *cpu, unsigned cc)
{
    bool r;
    uint32_t f;
    switch (cc >> 1) {
    case 1:
        r = x86_cf(cpu);
        break;
    case 2:
        r = x86_zf(cpu);
        break;
    case 3:
        r = x86_cf(cpu) || x86_zf(cpu);
        break;
    case 0:
        r = flag_of(cpu);
        break;
    case 4:
        r = flag_sf(cpu);
        break;
    case 6:
        r = flag_sf(cpu) != flag_of(cpu);
        break;
    case 7:
        r = x86_zf(cpu) || flag_sf(cpu) != flag_of(cpu);
        break;
    default:
        f = x86_get_flags(cpu);
        switch (cc >> 1) {
        case 0: r = f & X86_OF; break;
        case 4: r = f & X86_SF; break;
        case 5: r = f & X86_PF; break;
        case 6: r = !(f & X86_SF) != !(f & X86_OF); break;
        default: r = (f & X86_ZF) || (!(f & X86_SF) != !(f & X86_OF)); break;
        }
        break;
    }
    return (cc & 1) ? !r : r;
}

uint32_t x86_flags_image(X86Cpu *cpu)
{
    uint32_t f = x86_get_flags(cpu);
    if (x86_has(cpu->model, X86_F_FLAGS_HI_ONES)) {
        f |= 0xF000u;
    }
    return f;
}

/*
 * POPF/IRET-style writes (80386 PRM, POPF): IOPL changes only at CPL 0, IF only when CPL <= IOPL;
 * VM, VIP, VIF and RF are never changed by POPF; AC (486+) and ID (CPUID models) are. In real
 * mode the 286 keeps IOPL and NT at 0 (80286 PRM, POPF; the SingleStepTests 286 vectors show
 * it); the 386 lets real mode set them.
 */
void x86_write_flags_checked(X86Cpu *cpu, uint32_t v, unsigned sz)
{
    uint32_t mask = 0x0FD5u; /* OF DF IF TF SF ZF AF PF CF */
    const X86Model *m = cpu->model;
    if (x86_has(m, X86_F_386)) {
        mask |= X86_IOPL | X86_NT;
        /* AC from the 486 on, ID on CPUID-capable chips (the ID-toggle test is how software
         * finds CPUID; a 386 cannot change either bit). */
        if (m->family >= X86_FAMILY_486) {
            mask |= X86_AC;
        }
        if (x86_has(m, X86_F_CPUID)) {
            mask |= X86_ID;
        }
    } else if (x86_has(m, X86_F_PMODE) && x86_protected(cpu)) {
        mask |= X86_IOPL | X86_NT;
    }
    if (x86_protected(cpu)) {
        unsigned iopl = (cpu->eflags >> 12) & 3;
        if (cpu->cpl > 0) {
            mask &= ~X86_IOPL;
        }
        if (cpu->cpl > iopl) {
            mask &= ~X86_IF;
        }
    }
    if (x86_v86(cpu)) {
        mask &= ~X86_IOPL;
    }
    if (sz == 2) {
        mask &= 0xFFFFu;
    }
    x86_set_flags(cpu, v, mask);
}
