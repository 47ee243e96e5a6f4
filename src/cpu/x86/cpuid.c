/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPUID (Pentium and later; some late 486s, not the modelled DX2). The answer is computed from
 * the model's feature bits (models.h), never from a separate table, so a feature is reported
 * exactly when the instruction or register behind it is implemented.
 *
 * Sources: Intel Application Note AP-485 "Intel Processor Identification and the CPUID
 * Instruction" (1999), tables 3-5 (feature flags) and 3-7 (cache descriptors); Pentium Pro
 * Family Developer's Manual vol. 3, 11.3; Intel SDM vol. 2A, CPUID (leaf 0: maximum leaf and
 * "GenuineIntel" in EBX EDX ECX; leaves above the maximum return the highest basic leaf's data
 * on these processors: modelled as the maximum leaf's answer).
 *
 * Not reported because not implemented: MCE (bit 7), MCA (bit 14), PAE (bit 6), PAT, PSE-36.
 */
#include "cpu/x86/exec.h"

/* Feature bits of X86Model.features -> CPUID.1 EDX bit (AP-485 table 3-5). */
static const struct {
    uint32_t feature;
    uint8_t bit;
} edx_bits[] = {
    {X86_F_FPU, 0},  {X86_F_VME, 1},  {X86_F_DE, 2},    {X86_F_PSE, 3},  {X86_F_TSC, 4},
    {X86_F_MSR, 5},  {X86_F_CX8, 8},  {X86_F_SEP, 11},  {X86_F_MTRR, 12}, {X86_F_PGE, 13},
    {X86_F_CMOV, 15}, {X86_F_MMX, 23}, {X86_F_FXSR, 24},
};

uint32_t x86_cpuid_features(const X86Cpu *cpu)
{
    uint32_t edx = 0;
    for (unsigned k = 0; k < sizeof edx_bits / sizeof edx_bits[0]; k++) {
        if (x86_has(cpu->model, edx_bits[k].feature)) {
            edx |= 1u << edx_bits[k].bit;
        }
    }
    /* The local APIC is a board matter: a P54C's APIC is enabled by a strap pin, and Amber's
     * boards may have no LAPIC device at all (SeaBIOS and Linux use the bit to set one up).
     * A hardware-disabled APIC (IA32_APIC_BASE bit 11 clear) reads as absent (Intel SDM vol. 3A
     * 10.4.3). */
    if (x86_has(cpu->model, X86_F_APIC) && cpu->lapic && (cpu->apic_base & 0x800u)) {
        edx |= 1u << 9;
    }
    return edx;
}

void x86_cpuid(const X86Cpu *cpu, uint32_t leaf, uint32_t out[4])
{
    const X86Model *m = cpu->model;
    if (leaf > m->cpuid_max) {
        leaf = m->cpuid_max;
    }
    switch (leaf) {
    case 0:
        out[0] = m->cpuid_max;
        out[1] = 0x756E6547u; /* "Genu" */
        out[3] = 0x49656E69u; /* "ineI" */
        out[2] = 0x6C65746Eu; /* "ntel" */
        break;
    case 1:
        out[0] = m->signature;
        out[1] = 0;
        out[2] = 0;
        out[3] = x86_cpuid_features(cpu);
        break;
    default: /* 2: cache and TLB descriptors */
        for (unsigned r = 0; r < 4; r++) {
            out[r] = m->cache_desc[r];
        }
        break;
    }
}
