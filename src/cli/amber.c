/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `amber` command. It only talks to libamber's public API, so everything it does a test can do
 * headless. Exit status: 0 success, 1 bad input (one clear line naming the file and the problem),
 * 2 a wait timed out (run steps, once machines boot).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/board.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/profile.h"
#include "cli/run.h"

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 1, EXIT_TIMEOUT = 2 };

static void usage(FILE *out)
{
    fprintf(out,
            "Amber %s - a preservation-grade emulator of old PCs and workstations\n"
            "\n"
            "Usage:\n"
            "  amber run PROFILE|FILE.ini [options] [steps]   boot a machine\n"
            "  amber check PROFILE|FILE.ini                   validate a profile and build its machine\n"
            "  amber profiles                                 list the shipped machine profiles\n"
            "  amber boards                                   list the boards profiles can use\n"
            "  amber --version | --help\n"
            "\n"
            "amber run options:\n"
            "  --fda IMG --fdb IMG      floppy images (drives A: and B:)\n"
            "  --hda IMG --hdb IMG      hard-disk images (primary master and slave)\n"
            "  --boot a|c               boot from floppy or hard disk\n"
            "  --headless | --window    no display (default) or an SDL2 window paced to real time\n"
            "  --timeout SECONDS        bound of each wait, in guest seconds (default 120)\n"
            "  --serial FILE|stdio      capture what COM1 sends\n"
            "  -d MASK                  debug log components, comma-separated\n"
            "  --stats                  print guest and host time at the end (benchmarks)\n"
            "steps, carried out in order while the machine runs:\n"
            "  --wait-text TEXT         until TEXT is on the text screen or came out of COM1\n"
            "  --type TEXT              type on the keyboard (\\n Enter, \\t Tab, \\b Backspace,\n"
            "                           \\e Esc, \\\\ backslash, \\xHH a character)\n"
            "  --send TEXT              send TEXT to COM1 as a terminal would (same escapes;\n"
            "                           \\n sends Enter, CR), paced at 115200 baud\n"
            "  --screenshot FILE.png    save the display as PNG\n"
            "  --screen-text FILE|-     save the text screen as UTF-8 (code page 437 translated)\n"
            "  --sleep SECONDS          let guest time pass\n"
            "exit status: 0 every step done, 1 bad input, 2 a wait timed out\n"
            "\n"
            "Debug logging: amber [-d] run ... -d COMPONENT[,COMPONENT...] (or -d all); components:\n ",
            PACKAGE_VERSION);
    for (int c = 0; c < LOG_COMPONENT_COUNT; c++) {
        fprintf(out, " %s", amber_log_component_name((LogComponent)c));
    }
    fprintf(out, "\n\nWhat this build can do today:\n");
    fprintf(out, "  boards:");
    for (size_t i = 0; i < board_count(); i++) {
        fprintf(out, " %s", board_at(i)->name);
    }
    fprintf(out, "\n  profiles are INI files; see `amber profiles` and README.md\n");
}

static int cmd_boards(void)
{
    for (size_t i = 0; i < board_count(); i++) {
        const BoardClass *b = board_at(i);
        printf("%-14s %s\n", b->name, b->desc ? b->desc : "");
    }
    return EXIT_OK;
}

/* Lists every profile in the folders profile_resolve() searches, in its order. */
static void list_profiles_in(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d) {
        return;
    }
    const char *name;
    while ((name = g_dir_read_name(d))) {
        if (!g_str_has_suffix(name, ".ini")) {
            continue;
        }
        char *path = g_build_filename(dir, name, NULL);
        AmberError err = {0};
        Profile *p = profile_load_file(path, &err);
        char *shortname = g_strndup(name, strlen(name) - 4);
        if (p) {
            printf("  %-16s %-12s %s\n", shortname, profile_board(p), profile_name(p));
            profile_free(p);
        } else {
            printf("  %-16s (broken: %s)\n", shortname, err.msg);
        }
        g_free(shortname);
        g_free(path);
    }
    g_dir_close(d);
}

static int cmd_profiles(void)
{
    const char *env = getenv("AMBER_PROFILES");
    if (env && *env) {
        char **dirs = g_strsplit(env, ":", -1);
        for (char **dir = dirs; *dir; dir++) {
            printf("%s:\n", *dir);
            list_profiles_in(*dir);
        }
        g_strfreev(dirs);
    }
    const char *dirs[] = {AMBER_SRCDIR "/profiles", AMBER_DATADIR "/profiles"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (g_file_test(dirs[i], G_FILE_TEST_IS_DIR)) {
            printf("%s:\n", dirs[i]);
            list_profiles_in(dirs[i]);
        }
    }
    return EXIT_OK;
}

static int cmd_check(const char *what)
{
    AmberError err = {0};
    char *path = profile_resolve(what, &err);
    if (!path) {
        fprintf(stderr, "amber: %s\n", err.msg);
        return EXIT_BAD_INPUT;
    }
    Profile *p = profile_load_file(path, &err);
    if (!p) {
        fprintf(stderr, "amber: %s\n", err.msg);
        free(path);
        return EXIT_BAD_INPUT;
    }
    Machine *m = profile_build_machine(p, &err);
    if (!m) {
        fprintf(stderr, "amber: %s\n", err.msg);
        profile_free(p);
        free(path);
        return EXIT_BAD_INPUT;
    }
    printf("%s: profile '%s', board %s: OK\n", path, profile_name(p), profile_board(p));
    machine_free(m);
    profile_free(p);
    free(path);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return EXIT_OK;
    }
    /* `amber -d MASK run ...`: the debug mask may also come before the command. */
    if (argc >= 4 && !strcmp(argv[1], "-d") && !strcmp(argv[3], "run")) {
        char **rest = calloc((size_t)argc, sizeof *rest);
        if (!rest) {
            return EXIT_BAD_INPUT;
        }
        int n = 0;
        for (int i = 4; i < argc; i++) {
            rest[n++] = argv[i];
        }
        rest[n++] = "-d";
        rest[n++] = argv[2];
        int rc = amber_run_command(n, rest);
        free(rest);
        return rc;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
#ifdef HAVE_SDL
        printf("amber %s (SDL2 window: yes)\n", PACKAGE_VERSION);
#else
        printf("amber %s (SDL2 window: no)\n", PACKAGE_VERSION);
#endif
        return EXIT_OK;
    }
    if (!strcmp(cmd, "boards")) {
        return cmd_boards();
    }
    if (!strcmp(cmd, "profiles")) {
        return cmd_profiles();
    }
    if (!strcmp(cmd, "run")) {
        return amber_run_command(argc - 2, argv + 2);
    }
    if (!strcmp(cmd, "check")) {
        if (argc != 3) {
            fprintf(stderr, "amber: usage: amber check PROFILE|FILE.ini\n");
            return EXIT_BAD_INPUT;
        }
        return cmd_check(argv[2]);
    }
    fprintf(stderr, "amber: unknown command '%s' (try `amber --help`)\n", cmd);
    return EXIT_BAD_INPUT;
}
