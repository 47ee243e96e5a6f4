/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 models Amber offers, as data (see models.h for what each feature bit means).
 * Clock rates: the IBM PC's 8088 at 4.77 MHz (14.31818 MHz / 3), the 8086 and 80186 at 8 MHz,
 * the AT's 80286 at 8 MHz (IBM 5170 model 339), the 80386DX at 33 MHz.
 * Sources for the quirks: see models.h.
 */
#include "cpu/x86/models.h"

#include <string.h>

#define F_808X (X86_F_FLAGS_HI_ONES | X86_F_POP_CS | X86_F_REP_NEG | X86_F_SETMO | X86_F_ALIAS_6X)
#define F_186 (X86_F_186 | X86_F_UD | X86_F_SHIFT_MASK | X86_F_FLAGS_HI_ONES | X86_F_DIV_FAULT | \
               X86_F_IDIV_MIN)
#define F_286 (X86_F_186 | X86_F_UD | X86_F_SHIFT_MASK | X86_F_PUSH_SP_OLD | X86_F_DIV_FAULT | \
               X86_F_IDIV_MIN | X86_F_PMODE)
#define F_386 (F_286 | X86_F_386)

static const X86Model models[] = {
    { "8088", X86_FAMILY_8086, F_808X | X86_F_BUS8, 4772727, 20, 0, &x86_timing_8086 },
    { "8086", X86_FAMILY_8086, F_808X, 8000000, 20, 0, &x86_timing_8086 },
    { "80188", X86_FAMILY_186, F_186 | X86_F_BUS8, 8000000, 20, 0, &x86_timing_8086 },
    { "80186", X86_FAMILY_186, F_186, 8000000, 20, 0, &x86_timing_8086 },
    { "80286", X86_FAMILY_286, F_286, 8000000, 24, 10, &x86_timing_286 },
    { "80386dx", X86_FAMILY_386, F_386, 33000000, 32, 15, &x86_timing_386 },
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
