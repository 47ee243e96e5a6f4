/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interp backend for x86: runs the reference interpreter (src/cpu/x86) until a guest-time
 * deadline. Guest time is the CPU's absolute cycle count converted at the model's clock rate
 * (cycles_to_ns of the count since the machine's time origin), never a sum of converted deltas,
 * so it does not drift. HLT with nothing pending sleeps: the run reports the deadline as reached
 * and the cycle count jumps there.
 */
#include "accel/interp.h"

#include <stdlib.h>

#include "core/clock.h"
#include "core/machine.h"
#include "cpu/x86/exec.h"

static int64_t interp_run(void *opaque, int64_t now, int64_t deadline)
{
    X86Cpu *cpu = opaque;
    uint64_t hz = cpu->model->hz;
    /* Time moved without the CPU (device-only stretches, a state load): catch the count up. */
    if (cycles_to_ns(cpu->cycles, hz) < now) {
        cpu->cycles = ns_to_cycles_ceil(now, hz);
    }
    uint64_t limit = deadline >= CLOCK_NEVER ? UINT64_MAX : ns_to_cycles_ceil(deadline, hz);
    cpu->stop = false;
    x86_cpu_run(cpu, limit);
    if (cpu->cycle_deadline < limit) {
        /* A device access armed an event sooner than the deadline we were given (see
         * x86_port_out): a sleeping CPU wakes for it, not for the old deadline. */
        limit = cpu->cycle_deadline;
        deadline = cycles_to_ns(limit, hz);
    }
    if (cpu->halted && !cpu->stop) {
        /* Asleep in HLT until the next event or interrupt. */
        if (limit != UINT64_MAX && cpu->cycles < limit) {
            cpu->cycles = limit;
        }
        return deadline;
    }
    return cycles_to_ns(cpu->cycles, hz);
}

static void interp_interrupt(void *opaque)
{
    X86Cpu *cpu = opaque;
    cpu->stop = true;
}

static void interp_reset(void *opaque, ResetKind kind)
{
    (void)kind; /* the x86 reset pin does the same cold or warm; RAM is the board's business */
    x86_cpu_reset(opaque);
}

static void interp_invalidate(void *opaque, uint64_t paddr, uint64_t len)
{
    /* The interpreter caches no code. */
    (void)opaque;
    (void)paddr;
    (void)len;
}

static void interp_sync(void *opaque)
{
    (void)opaque; /* the interpreter's registers are the canonical state */
}

const CpuBackendOps x86_interp_ops = {
    .name = "interp",
    .run = interp_run,
    .interrupt = interp_interrupt,
    .reset = interp_reset,
    .invalidate = interp_invalidate,
    .sync_to_canonical = interp_sync,
    .sync_from_canonical = interp_sync,
};

X86Cpu *x86_interp_new(Machine *m, const X86Model *model, AmberError *err)
{
    X86Cpu *cpu = calloc(1, sizeof(*cpu));
    if (!cpu) {
        amber_error(err, "x86 %s: out of memory", model->name);
        return NULL;
    }
    x86_cpu_init(cpu, model, m);
    if (m) {
        if (!machine_add_state_section(m, "cpu0", X86_CPU_STATE_VERSION, x86_cpu_state_fields(), cpu,
                                       x86_cpu_post_load, err)) {
            free(cpu);
            return NULL;
        }
        machine_set_cpu(m, &x86_interp_ops, cpu);
    }
    return cpu;
}

void x86_interp_free(X86Cpu *cpu)
{
    free(cpu);
}

void x86_interp_intr(void *opaque, int n, bool level)
{
    (void)n;
    X86Cpu *cpu = opaque;
    cpu->intr_line = level;
}

void x86_interp_nmi(void *opaque, int n, bool level)
{
    (void)n;
    X86Cpu *cpu = opaque;
    if (level) {
        cpu->nmi_pending = true;
    }
}
