/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter backend ("interp") for x86: the reference, exact and cycle-counted. A board
 * creates the CPU with x86_interp_new(), which also installs the backend in the machine and
 * registers the CPU's state section ("cpu0"); it wires its interrupt controller's output to
 * x86_interp_intr() and the INTA callback (X86Cpu.inta).
 */
#ifndef AMBER_ACCEL_INTERP_H
#define AMBER_ACCEL_INTERP_H

#include <stdbool.h>

#include "accel/backend.h"
#include "core/error.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"

extern const CpuBackendOps x86_interp_ops;

X86Cpu *x86_interp_new(Machine *m, const X86Model *model, AmberError *err);
void x86_interp_free(X86Cpu *cpu);
/* IrqSinkFn for the INTR pin; opaque is the X86Cpu. */
void x86_interp_intr(void *opaque, int n, bool level);
/* IrqSinkFn for the NMI pin (a local APIC's NMI output, or LINT1 in pass-through): NMI is
 * edge-triggered, so each call with level true requests one NMI; false does nothing. */
void x86_interp_nmi(void *opaque, int n, bool level);

#endif
