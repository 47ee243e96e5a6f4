/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AMBER_CLI_RUN_H
#define AMBER_CLI_RUN_H

/* `amber run ...`: argv starts after "run". Returns the process exit status (0, 1 or 2). */
int amber_run_command(int argc, char **argv);

#endif
