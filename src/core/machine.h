/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Machine owns everything: buses, clock, devices, the CPU and the board. Nothing in src/ keeps
 * writable global state, so one process can hold many machines (tests do).
 *
 * Life cycle: machine_new() -> board or test adds devices (machine_add_device) -> the profile sets
 * props -> machine_realize() realizes devices in creation order and cold-resets them ->
 * machine_run_for()/machine_run_until() -> machine_free().
 */
#ifndef AMBER_CORE_MACHINE_H
#define AMBER_CORE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/backend.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/error.h"
#include "core/iobus.h"
#include "core/isadma.h"
#include "core/log.h"
#include "core/membus.h"

typedef struct BoardClass BoardClass;

struct Machine {
    Log log;
    MemBus *mem;
    IoBus *io;
    Clock *clock;
    Device *devices;       /* in creation order */
    Device *devices_tail;

    /* The CPU, when there is one: its backend and the state pointer the backend takes. */
    const CpuBackendOps *cpu_ops;
    void *cpu;

    /* The ISA DMA controller, once the board has one (devices use it through isadma.h). */
    IsaDma isa_dma;

    const BoardClass *board;
    void *board_state;

    char *profile_name;    /* for save-state headers */
    char *profile_text;
    char *profile_path;

    bool realized;
    bool stop_requested;   /* a device or front end asks machine_run_* to return */
    bool reset_requested;  /* triple fault, 8042 pulse, port 92h: handled between runs */
    ResetKind reset_kind;
    bool powered_off;      /* ACPI/APM power off: the run ends */
};

/* addr_bits: physical address width of the memory bus. */
Machine *machine_new(unsigned addr_bits, AmberError *err);
void machine_free(Machine *m);

/* Creates an unrealized device with its prop defaults applied. id must be unique. */
Device *machine_add_device(Machine *m, const DeviceClass *cls, const char *id, AmberError *err);
Device *machine_find_device(Machine *m, const char *id);
bool machine_realize(Machine *m, AmberError *err);
void machine_reset(Machine *m, ResetKind kind);

void machine_set_cpu(Machine *m, const CpuBackendOps *ops, void *cpu);
/* Sets the board: allocates its zeroed state (board_state) and applies its prop defaults. The
 * caller then applies profile props to m->board_state and calls board->create. */
bool machine_set_board(Machine *m, const BoardClass *board, AmberError *err);

/*
 * Runs the machine until guest time t (or until stop/reset/power-off is requested). With no CPU,
 * it only advances the clock (device tests). Requested resets are carried out here. Returns the
 * guest time reached.
 */
int64_t machine_run_until(Machine *m, int64_t t);
int64_t machine_run_for(Machine *m, int64_t ns);
void machine_request_stop(Machine *m);
void machine_request_reset(Machine *m, ResetKind kind);
/* Soft-off (ACPI S5, APM power off): sets powered_off and stops the CPU's run; machine_run_*
 * returns and runs nothing more. */
void machine_request_power_off(Machine *m);

/* Every state section of the machine, for save-states, --dump-state and hashing: the clock, the
 * board (if it has state), every device with a state table, and extra sections registered by the
 * CPU or board. */
bool machine_add_state_section(Machine *m, const char *name, uint32_t version,
                               const StateField *fields, void *base,
                               bool (*post_load)(void *base, AmberError *err), AmberError *err);
unsigned machine_state_section_count(Machine *m);
bool machine_state_section(Machine *m, unsigned i, StateSection *out,
                           bool (**post_load)(void *base, AmberError *err));
uint64_t machine_state_hash(Machine *m);

#endif
