/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Board lookup over the const table in board_registry.c; there is no run-time registration. */
#include "core/board.h"

#include <string.h>

const BoardClass *board_find(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (size_t i = 0; board_registry[i]; i++) {
        if (strcmp(board_registry[i]->name, name) == 0) {
            return board_registry[i];
        }
    }
    return NULL;
}

size_t board_count(void)
{
    size_t n = 0;
    while (board_registry[n]) {
        n++;
    }
    return n;
}

const BoardClass *board_at(size_t i)
{
    return i < board_count() ? board_registry[i] : NULL;
}
