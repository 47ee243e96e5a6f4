/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Model-specific registers and the time-stamp counter: RDMSR/WRMSR (Pentium on), RDTSC, RDPMC.
 *
 * Sources: Pentium Processor Family Developer's Manual vol. 3 (1995), appendix A "model specific
 * registers" (00h P5_MC_ADDR, 01h P5_MC_TYPE, 10h TSC, 11h CESR, 12h/13h CTR0/CTR1) and RDMSR,
 * WRMSR, RDTSC pages; Pentium Pro Family Developer's Manual vol. 3 (1996), appendix C (MSR list),
 * 11.11 (MTRRs: MTRRcap FEh with VCNT = 8, FIX and WC set; 8 variable pairs 200h-20Fh; fixed
 * 250h 258h 259h 268h-26Fh; MTRRdefType 2FFh), 14.4 (TSC: "WRMSR writes only the low 32 bits,
 * the high 32 bits are cleared" on P6) and the SYSENTER MSRs 174h-176h of the Pentium II.
 *
 * Modelled: every MSR of the models' lists with its reset value and reserved-bit #GP where the
 * manuals give one (MTRR types and address bits beyond 36); the TSC as cycles + offset.
 * Not modelled: machine-check banks (MCE/MCA are not claimed), performance-monitoring events
 * (the counters keep what software wrote; nothing counts), the microcode update trigger (79h,
 * accepted and ignored; 8Bh reads update revision 0), test registers TR1-TR12.
 */
#include "cpu/x86/exec.h"

#define MSR_P5_MC_ADDR 0x000u
#define MSR_P5_MC_TYPE 0x001u
#define MSR_TSC 0x010u
#define MSR_P5_CESR 0x011u
#define MSR_P5_CTR0 0x012u
#define MSR_P5_CTR1 0x013u
#define MSR_PLATFORM_ID 0x017u
#define MSR_APIC_BASE 0x01Bu
#define MSR_EBL_CR_POWERON 0x02Au
#define MSR_BIOS_UPDT_TRIG 0x079u
#define MSR_BIOS_SIGN_ID 0x08Bu
#define MSR_PERFCTR0 0x0C1u
#define MSR_PERFCTR1 0x0C2u
#define MSR_MTRRCAP 0x0FEu
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_EVNTSEL0 0x186u
#define MSR_EVNTSEL1 0x187u
#define MSR_DEBUGCTL 0x1D9u
#define MSR_MTRR_VAR 0x200u
#define MSR_MTRR_FIX64K 0x250u
#define MSR_MTRR_FIX16K 0x258u
#define MSR_MTRR_FIX4K 0x268u
#define MSR_MTRR_DEF 0x2FFu

/* MTRRcap: 8 variable ranges, fixed ranges, write-combining (PPro DM vol. 3, figure 11-5). */
#define MTRRCAP_VALUE 0x508u
/* 36 physical address bits (Pentium Pro / II). */
#define PHYS_HI 0x0000000FFFFFF000u

uint64_t x86_tsc(const X86Cpu *cpu)
{
    return cpu->cycles + cpu->tsc_offset;
}

void x86_msr_reset(X86Cpu *cpu)
{
    cpu->tsc_offset = (uint64_t)0 - cpu->cycles; /* the TSC is 0 after RESET */
    cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
    /* Bootstrap processor (bit 8); enabled (bit 11) when a LAPIC is wired; base FEE00000h. */
    cpu->apic_base = 0xFEE00000u | 0x100u | (cpu->lapic ? 0x800u : 0);
    cpu->mtrr_def_type = 0;
    for (unsigned k = 0; k < 11; k++) {
        cpu->mtrr_fixed[k] = 0;
    }
    for (unsigned k = 0; k < 16; k++) {
        cpu->mtrr_var[k] = 0;
    }
    cpu->perf_ctr[0] = cpu->perf_ctr[1] = 0;
    cpu->perf_sel[0] = cpu->perf_sel[1] = 0;
}

static bool is_p6(const X86Cpu *cpu) { return cpu->model->family >= X86_FAMILY_686; }

_Noreturn static void gp0(X86Cpu *cpu)
{
    x86_raise(cpu, X86_EXC_GP, true, 0);
}

static void require_msr(X86Cpu *cpu)
{
    if (!x86_has(cpu->model, X86_F_MSR)) {
        x86_ud(cpu);
    }
    if ((x86_protected(cpu) && cpu->cpl != 0) || x86_v86(cpu)) {
        gp0(cpu);
    }
}

/* Memory types valid in MTRRs: UC 0, WC 1, WT 4, WP 5, WB 6 (PPro DM vol. 3, table 11-6). */
static bool mtrr_type_ok(unsigned t) { return t == 0 || t == 1 || (t >= 4 && t <= 6); }

/* Index into mtrr_fixed[] of a fixed-range MTRR, or -1. */
static int fixed_index(uint32_t index)
{
    if (index == MSR_MTRR_FIX64K) {
        return 0;
    }
    if (index == MSR_MTRR_FIX16K || index == MSR_MTRR_FIX16K + 1) {
        return 1 + (int)(index - MSR_MTRR_FIX16K);
    }
    if (index >= MSR_MTRR_FIX4K && index <= MSR_MTRR_FIX4K + 7) {
        return 3 + (int)(index - MSR_MTRR_FIX4K);
    }
    return -1;
}

uint64_t x86_rdmsr(X86Cpu *cpu, uint32_t index)
{
    require_msr(cpu);
    switch (index) {
    case MSR_P5_MC_ADDR:
    case MSR_P5_MC_TYPE:
        return 0; /* no machine check has happened */
    case MSR_TSC:
        return x86_tsc(cpu);
    default:
        break;
    }
    if (!is_p6(cpu)) {
        switch (index) {
        case MSR_P5_CESR:
            return cpu->perf_sel[0];
        case MSR_P5_CTR0:
        case MSR_P5_CTR1:
            return cpu->perf_ctr[index - MSR_P5_CTR0];
        default:
            gp0(cpu);
        }
    }
    bool mtrr = x86_has(cpu->model, X86_F_MTRR);
    int fx = fixed_index(index);
    if (mtrr && fx >= 0) {
        return cpu->mtrr_fixed[fx];
    }
    if (mtrr && index >= MSR_MTRR_VAR && index < MSR_MTRR_VAR + 16) {
        return cpu->mtrr_var[index - MSR_MTRR_VAR];
    }
    switch (index) {
    case MSR_PLATFORM_ID:
        return 0; /* platform 0 (bits 52-50) */
    case MSR_APIC_BASE:
        return cpu->apic_base;
    case MSR_EBL_CR_POWERON:
        return 0;
    case MSR_BIOS_SIGN_ID:
        return 0; /* no microcode update loaded */
    case MSR_PERFCTR0:
    case MSR_PERFCTR1:
        return cpu->perf_ctr[index - MSR_PERFCTR0];
    case MSR_EVNTSEL0:
    case MSR_EVNTSEL1:
        return cpu->perf_sel[index - MSR_EVNTSEL0];
    case MSR_DEBUGCTL:
        return 0;
    case MSR_MTRRCAP:
        if (mtrr) {
            return MTRRCAP_VALUE;
        }
        break;
    case MSR_MTRR_DEF:
        if (mtrr) {
            return cpu->mtrr_def_type;
        }
        break;
    case MSR_SYSENTER_CS:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if (x86_has(cpu->model, X86_F_SEP)) {
            return index == MSR_SYSENTER_CS ? cpu->sysenter_cs
                   : index == MSR_SYSENTER_ESP ? cpu->sysenter_esp : cpu->sysenter_eip;
        }
        break;
    default:
        break;
    }
    gp0(cpu);
}

void x86_wrmsr(X86Cpu *cpu, uint32_t index, uint64_t v)
{
    require_msr(cpu);
    switch (index) {
    case MSR_P5_MC_ADDR:
    case MSR_P5_MC_TYPE:
        return; /* read-only status: writes are ignored */
    case MSR_TSC:
        if (is_p6(cpu)) {
            v &= 0xFFFFFFFFu; /* P6: only the low 32 bits are written, the high ones cleared */
        }
        cpu->tsc_offset = v - cpu->cycles;
        return;
    default:
        break;
    }
    if (!is_p6(cpu)) {
        switch (index) {
        case MSR_P5_CESR:
            cpu->perf_sel[0] = v & 0x03FF03FFu; /* two 10-bit control fields */
            return;
        case MSR_P5_CTR0:
        case MSR_P5_CTR1:
            cpu->perf_ctr[index - MSR_P5_CTR0] = v & 0xFFFFFFFFFFu; /* 40-bit counters */
            return;
        default:
            gp0(cpu);
        }
    }
    bool mtrr = x86_has(cpu->model, X86_F_MTRR);
    int fx = fixed_index(index);
    if (mtrr && fx >= 0) {
        for (unsigned b = 0; b < 8; b++) {
            if (!mtrr_type_ok((unsigned)(v >> (8 * b)) & 0xFFu)) {
                gp0(cpu);
            }
        }
        cpu->mtrr_fixed[fx] = v;
        return;
    }
    if (mtrr && index >= MSR_MTRR_VAR && index < MSR_MTRR_VAR + 16) {
        unsigned n = index - MSR_MTRR_VAR;
        if (n % 2 == 0) {
            if ((v & ~(PHYS_HI | 0xFFu)) || !mtrr_type_ok(v & 0xFFu)) {
                gp0(cpu); /* PhysBase: type, base bits 35-12 */
            }
        } else if (v & ~(PHYS_HI | 0x800u)) {
            gp0(cpu); /* PhysMask: valid bit 11, mask bits 35-12 */
        }
        cpu->mtrr_var[n] = v;
        return;
    }
    switch (index) {
    case MSR_APIC_BASE:
        /* Base bits 35-12, enable (11), BSP (8, read-only). */
        cpu->apic_base = (v & (PHYS_HI | 0x800u)) | (cpu->apic_base & 0x100u);
        if (cpu->apic_base_write) {
            cpu->apic_base_write(cpu->apic_base_opaque, cpu->apic_base);
        }
        return;
    case MSR_BIOS_UPDT_TRIG:
        return; /* no microcode to load */
    case MSR_BIOS_SIGN_ID:
    case MSR_EBL_CR_POWERON:
    case MSR_DEBUGCTL:
        return;
    case MSR_PERFCTR0:
    case MSR_PERFCTR1:
        /* P6: writes set the low 32 bits, sign-extended to the 40-bit counter (PPro DM 14.6). */
        cpu->perf_ctr[index - MSR_PERFCTR0] = (uint64_t)(int64_t)(int32_t)v & 0xFFFFFFFFFFu;
        return;
    case MSR_EVNTSEL0:
    case MSR_EVNTSEL1:
        cpu->perf_sel[index - MSR_EVNTSEL0] = v & 0xFFFFFFFFu;
        return;
    case MSR_MTRR_DEF:
        if (mtrr) {
            if ((v & ~0xCFFu) || !mtrr_type_ok(v & 0xFFu)) {
                gp0(cpu);
            }
            cpu->mtrr_def_type = v;
            return;
        }
        break;
    case MSR_SYSENTER_CS:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if (x86_has(cpu->model, X86_F_SEP)) {
            uint32_t lo = (uint32_t)v;
            if (index == MSR_SYSENTER_CS) {
                cpu->sysenter_cs = lo & 0xFFFFu;
            } else if (index == MSR_SYSENTER_ESP) {
                cpu->sysenter_esp = lo;
            } else {
                cpu->sysenter_eip = lo;
            }
            return;
        }
        break;
    default:
        break;
    }
    gp0(cpu);
}
