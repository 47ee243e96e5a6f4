/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "bare" board: RAM at physical address 0 and nothing else - no firmware, no devices, no CPU.
 * Tests and device bring-up add what they need on top of it. Its address space is 32 bits wide.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/board.h"
#include "core/machine.h"

typedef struct BareBoard {
    uint64_t memory;
} BareBoard;

static const PropDef bare_props[] = {
    { "memory", PROP_SIZE, offsetof(BareBoard, memory), 64 * 1024, INT64_C(3) << 30, "1M", NULL,
      "RAM size, mapped at address 0" },
    PROP_END,
};

static bool bare_create(Machine *m, void *s, AmberError *err)
{
    BareBoard *b = s;
    /* The size prop is range-checked, but RAM is mapped in whole pages. */
    uint64_t size = (b->memory + MEM_PAGE_MASK) & ~MEM_PAGE_MASK;
    return membus_map_ram(m->mem, "ram", 0, size, err) != NULL;
}

const BoardClass board_bare = {
    .name = "bare",
    .desc = "RAM at address 0 and nothing else (tests, bring-up)",
    .addr_bits = 32,
    .state_size = sizeof(BareBoard),
    .props = bare_props,
    .state = NULL,
    .state_version = 1,
    .create = bare_create,
};
