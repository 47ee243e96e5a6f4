/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boards: small C files that build a machine (MAME-style): they create the devices, choose their
 * ports, IRQs and DMA channels, map RAM and firmware, and create the CPU. A board declares its own
 * props (the profile's [machine] section: memory, cpu, firmware paths, ...).
 *
 * The list of boards is a const table (board_registry.c); there is no run-time registration.
 */
#ifndef AMBER_CORE_BOARD_H
#define AMBER_CORE_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/device.h"
#include "core/error.h"

typedef struct Machine Machine;
typedef struct BoardClass BoardClass;

struct BoardClass {
    const char *name;
    const char *desc;
    unsigned addr_bits;
    size_t state_size;          /* the board's config (props) and state */
    const PropDef *props;       /* keys of the profile's [machine] section, besides the common ones */
    const StateField *state;    /* may be NULL */
    uint32_t state_version;
    /* Creates the board's devices (unrealized) after its props are set. */
    bool (*create)(Machine *m, void *s, AmberError *err);
    /* After every device is realized: wiring that needs realized devices, firmware loading. */
    bool (*realize)(Machine *m, void *s, AmberError *err);
    void (*reset)(Machine *m, void *s, ResetKind kind);
    void (*destroy)(Machine *m, void *s);
};

const BoardClass *board_find(const char *name);
size_t board_count(void);
const BoardClass *board_at(size_t i);

/* The table behind board_find (board_registry.c): one line per board, NULL-terminated. */
extern const BoardClass *const board_registry[];

/* The boards (one file each). */
extern const BoardClass board_pc_i440fx; /* src/boards/pc_i440fx.c */
extern const BoardClass board_bare; /* RAM at 0 and nothing else: tests, bring-up */

#endif
