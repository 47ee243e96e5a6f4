/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save-state of a whole running PC: Debian's Linux on the unix-i386 profile (disks/amber-linux.img,
 * `make disks`) is saved in the middle of its boot — kernel running in APIC mode, local APIC timer
 * and I/O APIC live, the PIIX4 PM timer in use — loaded into a second machine built from the same
 * profile, and both run on. The second machine must say exactly what the first says on the serial
 * port (the banner and the shell prompt come after the save point) and end in the same state.
 * Guest time is deterministic, so any difference is state the save missed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "chipset/uart16550.h"
#include "core/machine.h"
#include "core/profile.h"
#include "core/savestate.h"
#include "testlib.h"

#define SEC INT64_C(1000000000)
#define SAVE_AT (30 * SEC) /* kernel running, before /init */
#define END_AT (39 * SEC)  /* past the banner and the first prompt */

typedef struct Serial {
    char buf[1 << 16];
    size_t n;
} Serial;

static void serial_tx(void *opaque, uint8_t byte)
{
    Serial *s = opaque;
    if (s->n < sizeof s->buf - 1) {
        s->buf[s->n++] = (char)byte;
        s->buf[s->n] = '\0';
    }
}

static Machine *build(TestCtx *t, Serial *serial)
{
    AmberError err = {0};
    char *path = profile_resolve("unix-i386", &err);
    Profile *p = path ? profile_load_file(path, &err) : NULL;
    Machine *m = p ? profile_build_machine(p, &err) : NULL;
    if (!m) {
        fprintf(stderr, "unix-i386: %s\n", err.msg);
    }
    T_CHECK(t, m != NULL);
    profile_free(p);
    g_free(path);
    if (m) {
        Device *com1 = machine_find_device(m, "com1");
        T_CHECK(t, com1 != NULL);
        if (com1) {
            uart16550_set_backend(com1, serial_tx, serial);
        }
    }
    return m;
}

int main(void)
{
    const char *src = getenv("AMBER_SRCDIR");
    char img[4096];
    snprintf(img, sizeof img, "%s/disks/amber-linux.img", src ? src : ".");
    if (access(img, R_OK) != 0) {
        char why[4200];
        snprintf(why, sizeof why, "no Linux test disk at %s (run `make disks`)", img);
        return t_skip(why);
    }
    TestCtx t = {0};
    static Serial sa, sb;
    Machine *a = build(&t, &sa);
    Machine *b = build(&t, &sb);
    if (!a || !b) {
        return t_finish(&t);
    }
    char path[] = "/tmp/amber-linux-state-XXXXXX";
    int fd = mkstemp(path);
    T_CHECK(&t, fd >= 0);
    close(fd);

    machine_run_until(a, SAVE_AT);
    T_CONTAINS(&t, sa.buf, "Loading /VMLINUZ");
    T_CHECK(&t, strstr(sa.buf, "Amber Linux test disk ready") == NULL); /* still to come */
    AmberError err = {0};
    bool saved = savestate_save(a, path, &err);
    if (!saved) {
        fprintf(stderr, "save: %s\n", err.msg);
    }
    T_CHECK(&t, saved);
    size_t mark = sa.n;
    bool loaded = savestate_load(b, path, &err);
    if (!loaded) {
        fprintf(stderr, "load: %s\n", err.msg);
    }
    T_CHECK(&t, loaded);
    unlink(path);
    T_EQ(&t, machine_state_hash(b), machine_state_hash(a));

    machine_run_until(a, END_AT);
    machine_run_until(b, END_AT);
    const char *after = sa.buf + mark;
    T_CONTAINS(&t, after, "Amber Linux test disk ready (Linux ");
    T_CONTAINS(&t, after, "# ");
    T_STREQ(&t, sb.buf, after);
    T_EQ(&t, machine_state_hash(b), machine_state_hash(a));
    printf("saved at guest %.1f s, compared at %.1f s: %zu serial bytes after the save point\n",
           (double)SAVE_AT / SEC, (double)END_AT / SEC, sa.n - mark);
    machine_free(a);
    machine_free(b);
    return t_finish(&t);
}
