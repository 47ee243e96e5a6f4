/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every board Amber can build, one line each. To add a board: write src/<area>/board_xxx.c
 * defining `const BoardClass board_xxx`, declare it in core/board.h, and list it here.
 */
#include "core/board.h"

const BoardClass *const board_registry[] = {
    &board_pc_i440fx,
    &board_bare,
    NULL,
};
