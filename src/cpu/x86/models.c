/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 models Amber offers, as data (see models.h for what each feature bit means).
 * Clock rates: the IBM PC's 8088 at 4.77 MHz (14.31818 MHz / 3), the 8086 and 80186 at 8 MHz,
 * the AT's 80286 at 8 MHz (IBM 5170 model 339), the 80386DX at 33 MHz, the i486DX2 at 66 MHz,
 * the Pentium (P54C) at 100 MHz, the Pentium MMX (P55C) at 200 MHz, the Pentium II (Deschutes)
 * at 300 MHz. Sources for the quirks: see models.h.
 *
 * Signatures (reset EDX and CPUID.1 EAX: type 0, family, model, stepping) from AP-485 table
 * "Intel processor signatures": i486DX2 family 4 model 3 (no CPUID instruction: most DX2s
 * predate it), Pentium 75-200 family 5 model 2, Pentium MMX family 5 model 4, Pentium II
 * 0.25 micron (Deschutes, 300-450 MHz) family 6 model 5. Steppings are typical shipping ones.
 * Feature sets follow the same table minus what Amber does not implement: no MCE/MCA (machine
 * checks), no PAE, no PAT/PSE-36 (not on these chips anyway). The local APIC bit is reported
 * only when the board wires a LAPIC (X86Cpu.lapic). Leaf 2 of the Pentium II: descriptors 01h
 * 02h 03h (TLBs), 04h (4 MiB data TLB), 08h/0Ch (16 KiB L1 I/D), 43h (512 KiB L2).
 */
#include "cpu/x86/models.h"

#include <string.h>

#define F_808X (X86_F_FLAGS_HI_ONES | X86_F_POP_CS | X86_F_REP_NEG | X86_F_SETMO | X86_F_ALIAS_6X)
#define F_186 (X86_F_186 | X86_F_UD | X86_F_SHIFT_MASK | X86_F_FLAGS_HI_ONES | X86_F_DIV_FAULT | \
               X86_F_IDIV_MIN)
#define F_286 (X86_F_186 | X86_F_UD | X86_F_SHIFT_MASK | X86_F_PUSH_SP_OLD | X86_F_DIV_FAULT | \
               X86_F_IDIV_MIN | X86_F_PMODE)
#define F_386 (F_286 | X86_F_386)
#define F_486 (F_386 | X86_F_FPU)
#define F_P5 (F_486 | X86_F_CPUID | X86_F_VME | X86_F_DE | X86_F_PSE | X86_F_TSC | X86_F_MSR | \
              X86_F_CX8 | X86_F_APIC)
#define F_P6 (F_P5 | X86_F_MMX | X86_F_SEP | X86_F_MTRR | X86_F_PGE | X86_F_CMOV | X86_F_FXSR | \
              X86_F_RDPMC)

static const X86Model models[] = {
    { "8088", X86_FAMILY_8086, F_808X | X86_F_BUS8, 4772727, 20, 0, &x86_timing_8086, 0, 0, {0} },
    { "8086", X86_FAMILY_8086, F_808X, 8000000, 20, 0, &x86_timing_8086, 0, 0, {0} },
    { "80188", X86_FAMILY_186, F_186 | X86_F_BUS8, 8000000, 20, 0, &x86_timing_8086, 0, 0, {0} },
    { "80186", X86_FAMILY_186, F_186, 8000000, 20, 0, &x86_timing_8086, 0, 0, {0} },
    { "80286", X86_FAMILY_286, F_286, 8000000, 24, 10, &x86_timing_286, 0, 0, {0} },
    { "80386dx", X86_FAMILY_386, F_386, 33000000, 32, 15, &x86_timing_386, 0x0308, 0, {0} },
    { "80486dx2", X86_FAMILY_486, F_486, 66666666, 32, 15, &x86_timing_486, 0x0435, 0, {0} },
    { "pentium", X86_FAMILY_586, F_P5, 100000000, 32, 15, &x86_timing_p5, 0x0525, 1, {0} },
    { "pentium-mmx", X86_FAMILY_586, F_P5 | X86_F_MMX | X86_F_RDPMC, 200000000, 32, 15, &x86_timing_p5,
      0x0543, 1, {0} },
    { "pentium2", X86_FAMILY_686, F_P6, 300000000, 32, 15, &x86_timing_p6, 0x0652, 2,
      {0x03020101u, 0, 0, 0x0C040843u} },
};

const X86Model *x86_model_find(const char *name)
{
    for (unsigned i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(models[i].name, name) == 0) {
            return &models[i];
        }
    }
    return NULL;
}

const X86Model *x86_model_at(unsigned i)
{
    return i < sizeof(models) / sizeof(models[0]) ? &models[i] : NULL;
}
