/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 CPU models as data: which quirks and instruction groups a chip has, its clock rate, the
 * width of its address bus and its cycle table. Code asks for a feature bit, never for a model
 * name, so a new chip is one table entry (models.c).
 *
 * Sources: Intel iAPX 86/88 User's Manual (1981) ch. 2; Intel 80186 data sheet; Intel 80286
 * Programmer's Reference Manual (1987) app. B/C "compatibility"; Intel 80386 Programmer's Reference
 * Manual (1986) ch. 14-15; SingleStepTests 8086/80286 READMEs (hardware-captured quirks);
 * Intel486 Microprocessor Family Programmer's Reference Manual (1992); Pentium Processor Family
 * Developer's Manual vol. 3 (1995) ch. 25 (CPUID), app. A/B (feature flags, MSRs); Intel
 * Application Note AP-485 "Processor Identification and the CPUID Instruction" (signatures and
 * feature flags per processor); Intel SDM vol. 2 (CPUID leaf 1 EDX bit layout).
 */
#ifndef AMBER_CPU_X86_MODELS_H
#define AMBER_CPU_X86_MODELS_H

#include <stdint.h>

#include "cpu/x86/timing.h"

typedef enum X86Family {
    X86_FAMILY_8086 = 0, /* 8086, 8088 */
    X86_FAMILY_186 = 1,  /* 80186, 80188 */
    X86_FAMILY_286 = 2,
    X86_FAMILY_386 = 3,
    X86_FAMILY_486 = 4, /* BSWAP CMPXCHG XADD INVD WBINVD INVLPG, CR0.WP/AM/NE, EFLAGS.AC */
    X86_FAMILY_586 = 5, /* Pentium, Pentium MMX */
    X86_FAMILY_686 = 6, /* Pentium Pro, Pentium II */
} X86Family;

/* Feature and quirk bits (X86Model.features). */
#define X86_F_BUS8 (1u << 0)         /* 8-bit external data bus (8088/80188): timing only */
#define X86_F_186 (1u << 1)          /* 80186 instructions: PUSHA/POPA, BOUND, ENTER/LEAVE,
                                        INS/OUTS, PUSH imm, IMUL imm, shift/rotate by imm8 */
#define X86_F_UD (1u << 2)           /* undefined opcodes raise #UD (int 6); 8086 executes them */
#define X86_F_SHIFT_MASK (1u << 3)   /* shift/rotate counts are masked to 5 bits */
#define X86_F_PUSH_SP_OLD (1u << 4)  /* PUSH SP pushes SP as it was before the push */
#define X86_F_DIV_FAULT (1u << 5)    /* #DE is a fault (returns to the DIV); 8086: to the next insn */
#define X86_F_IDIV_MIN (1u << 6)     /* IDIV may return the most negative quotient (-128/-32768) */
#define X86_F_PMODE (1u << 7)        /* 286 protected mode, MSW, descriptor tables; real-mode
                                        segment limit checks (#GP/#SS at offset 0FFFFh + 1) */
#define X86_F_386 (1u << 8)          /* 32-bit operand/address sizes, FS/GS, paging, CR/DR, 0F 386
                                        opcodes, V86 mode */
#define X86_F_FLAGS_HI_ONES (1u << 9) /* FLAGS bits 12-15 read as 1 (8086/186) */
#define X86_F_POP_CS (1u << 10)      /* 0F is POP CS (8086/8088 only) */
#define X86_F_REP_NEG (1u << 11)     /* a REP prefix negates the IDIV quotient / IMUL product (808x
                                        microcode quirk, SingleStepTests 8086 README) */
#define X86_F_SETMO (1u << 12)       /* D0-D3 /6 is SETMO/SETMOC (808x); later chips: SHL alias */
#define X86_F_ALIAS_6X (1u << 13)    /* 60-6F alias 70-7F, C0/C1 alias C2/C3, C8/C9 alias CA/CB (808x) */
#define X86_F_FPU (1u << 14)         /* an x87 is present (ESC opcodes do work) */
/* From the 486 on. Each of these that has a CPUID leaf 1 EDX bit is reported there exactly when
 * the model has it (x86_cpuid_features), so CPUID never claims what the emulator lacks. */
#define X86_F_CPUID (1u << 15)       /* CPUID instruction; EFLAGS.ID is writable */
#define X86_F_VME (1u << 16)         /* CR4.VME/PVI: virtual-8086 mode extensions (EDX bit 1) */
#define X86_F_DE (1u << 17)          /* CR4.DE: DR4/DR5 #UD when set (EDX bit 2) */
#define X86_F_PSE (1u << 18)         /* CR4.PSE: 4 MiB pages (EDX bit 3) */
#define X86_F_TSC (1u << 19)         /* RDTSC, CR4.TSD (EDX bit 4) */
#define X86_F_MSR (1u << 20)         /* RDMSR/WRMSR (EDX bit 5) */
#define X86_F_CX8 (1u << 21)         /* CMPXCHG8B (EDX bit 8) */
#define X86_F_APIC (1u << 22)        /* the chip can have an on-chip local APIC (EDX bit 9, only
                                        reported when the board says one exists: X86Cpu.lapic) */
#define X86_F_SEP (1u << 23)         /* SYSENTER/SYSEXIT and their MSRs (EDX bit 11) */
#define X86_F_MTRR (1u << 24)        /* MTRR MSRs (EDX bit 12) */
#define X86_F_PGE (1u << 25)         /* CR4.PGE: global pages (EDX bit 13) */
#define X86_F_CMOV (1u << 26)        /* CMOVcc, and FCMOVcc/FCOMI with an FPU (EDX bit 15) */
#define X86_F_MMX (1u << 27)         /* MMX instructions (EDX bit 23) */
#define X86_F_FXSR (1u << 28)        /* FXSAVE/FXRSTOR, CR4.OSFXSR (EDX bit 24) */
#define X86_F_RDPMC (1u << 29)       /* RDPMC, CR4.PCE (P6; no CPUID bit) */

typedef struct X86Model {
    const char *name;         /* "8088", "8086", "80186", "80286", "80386dx" */
    X86Family family;
    uint32_t features;
    uint64_t hz;              /* clock rate: cycles_to_ns() of the cycle count gives guest time */
    unsigned addr_bits;       /* physical address lines: 20, 24 or 32 */
    unsigned max_insn_len;    /* longer instructions raise #GP (286: 10, 386: 15); 0 = no limit */
    const X86Timing *timing;  /* cycle table (timing.c) */
    /* CPUID (X86_F_CPUID models) and the reset value of EDX (386 and later). */
    uint32_t signature;       /* type/family/model/stepping as in CPUID.1 EAX and reset EDX */
    uint32_t cpuid_max;       /* highest standard CPUID leaf */
    uint32_t cache_desc[4];   /* CPUID leaf 2 (EAX EBX ECX EDX) when cpuid_max >= 2 */
} X86Model;

static inline int x86_has(const X86Model *m, uint32_t f) { return (m->features & f) != 0; }

/* Looks up a model by name ("8086", "80286", "80386dx", ...); NULL if unknown. */
const X86Model *x86_model_find(const char *name);
/* The i-th model (NULL past the end), for listings. */
const X86Model *x86_model_at(unsigned i);

#endif
