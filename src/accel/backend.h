/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one interface every CPU backend (interp, tcache, kvm) offers the machine. The machine's
 * memory and port maps are the single truth; a backend dispatches I/O and MMIO through them.
 */
#ifndef AMBER_ACCEL_BACKEND_H
#define AMBER_ACCEL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "core/error.h"

typedef struct CpuBackendOps {
    const char *name; /* "interp", "tcache", "kvm" */
    /*
     * Runs guest code until guest time reaches `deadline` (ns), or earlier when the CPU halts with
     * nothing pending (it then reports the deadline as reached: HLT sleeps until the next event),
     * or when cpu_interrupt() was called. Returns the guest time actually reached, >= now.
     */
    int64_t (*run)(void *cpu, int64_t now, int64_t deadline);
    /* Asks a running backend to return at the next instruction boundary. */
    void (*interrupt)(void *cpu);
    void (*reset)(void *cpu, ResetKind kind);
    /* A translator or KVM drops what it cached for this physical range. */
    void (*invalidate)(void *cpu, uint64_t paddr, uint64_t len);
    /* Backends that hold registers outside the canonical state (KVM) sync them here. */
    void (*sync_to_canonical)(void *cpu);
    void (*sync_from_canonical)(void *cpu);
} CpuBackendOps;

#endif
