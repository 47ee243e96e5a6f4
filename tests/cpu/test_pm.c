/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protected-mode, paging and V86 test programs on a bare 80386 machine. Each program
 * (tests/cpu/pm/NAME.asm, assembled by the build into the build tree) is loaded at 0000:8000 in
 * 4 MiB of RAM; a 64 KiB ROM at FFFF0000h (and FF0000h for the 286) holds only the reset
 * vector's far jump to it. A program chooses its CPU model with a first source line
 * `; model: NAME` (a name from models.c); `; models: A B C` runs it once per model and the
 * report is the concatenation of "== NAME" sections. Without that line, programs named p286*
 * run on the 80286 model, the others on the 80386.
 * The program reports through three ports (characters, 32-bit values, done), and the report must
 * equal tests/cpu/pm/NAME.ref, whose values were worked out from the Intel manuals.
 * A triple fault shows up as a "RESET" line: the harness resets the CPU as a PC board would and
 * the program continues from the reset vector (it keeps a marker in RAM).
 *
 * Usage: test_pm [NAME...]   (default: every program)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/iobus.h"
#include "core/machine.h"
#include "core/membus.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/models.h"
#include "../testlib.h"

#define PORT_CHAR 0xE9
#define PORT_HEX 0xEC
#define PORT_DONE 0xF0
#define LOAD_ADDR 0x8000u
#define RAM_SIZE (4u << 20)
#define CYCLE_CAP 50000000u
#define OUT_MAX 65536

static const char *const programs[] = {"basic", "faults", "gates", "tasks", "paging", "v86",
                                       "triple", "taskfault", "p286", "i486", "pentium", "p6",
                                       "features", "vme", "mmx"};

typedef struct Report {
    char text[OUT_MAX];
    size_t len;
    bool done;
} Report;

static void report_add(Report *r, const char *s)
{
    size_t n = strlen(s);
    if (r->len + n < OUT_MAX) {
        memcpy(r->text + r->len, s, n + 1);
        r->len += n;
    }
}

static uint32_t port_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
}

static void port_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    Report *r = opaque;
    char buf[16];
    if (port == PORT_CHAR) {
        buf[0] = (char)value;
        buf[1] = 0;
        report_add(r, buf);
    } else if (port == PORT_HEX && size == 4) {
        snprintf(buf, sizeof buf, " %08x", value);
        report_add(r, buf);
    } else if (port == PORT_DONE) {
        r->done = true;
    }
}

static const IoOps test_port_ops = {port_read, port_write, 1u | 4u};

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = malloc(1u << 20);
    size_t n = buf ? fread(buf, 1, (1u << 20) - 1, f) : 0;
    fclose(f);
    if (!buf) {
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Prints the first differing line of the report and the reference. */
static void show_diff(const char *name, const char *got, const char *want)
{
    unsigned line = 1;
    while (*got || *want) {
        const char *ge = strchr(got, '\n'), *we = strchr(want, '\n');
        size_t gl = ge ? (size_t)(ge - got) : strlen(got);
        size_t wl = we ? (size_t)(we - want) : strlen(want);
        if (gl != wl || memcmp(got, want, gl) != 0) {
            fprintf(stderr, "%s: line %u differs\n  got:  %.*s\n  want: %.*s\n", name, line,
                    (int)gl, got, (int)wl, want);
            return;
        }
        got += gl + (ge ? 1 : 0);
        want += wl + (we ? 1 : 0);
        line++;
    }
}

/* Runs one program image on one model and appends its report to rep. */
static void run_on_model(TestCtx *t, const char *name, const X86Model *model, const char *bin,
                         size_t bin_len, Report *rep);

/* The models a program asks for on its first line ("; model: X" or "; models: X Y"), into
 * names (space-separated, NUL-terminated); false when the line is absent. */
static bool program_models(const char *src, char *names, size_t cap, bool *multi)
{
    const char *tags[2] = {"; model:", "; models:"};
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(tags[k]);
        if (strncmp(src, tags[k], n) == 0) {
            const char *e = strchr(src, '\n');
            size_t len = e ? (size_t)(e - src) - n : strlen(src) - n;
            if (len >= cap) {
                len = cap - 1;
            }
            memcpy(names, src + n, len);
            names[len] = 0;
            *multi = k == 1;
            return true;
        }
    }
    return false;
}

static void run_program(TestCtx *t, const char *name)
{
    const char *bdir = getenv("AMBER_BUILDDIR");
    const char *sdir = getenv("AMBER_SRCDIR");
    char path[1024];
    size_t bin_len = 0, ref_len = 0;
    snprintf(path, sizeof path, "%s/tests/cpu/pm/%s.bin", bdir ? bdir : ".", name);
    char *bin = read_file(path, &bin_len);
    snprintf(path, sizeof path, "%s/tests/cpu/pm/%s.ref", sdir ? sdir : AMBER_SRCDIR, name);
    char *ref = read_file(path, &ref_len);
    T_CHECK(t, bin != NULL);
    T_CHECK(t, ref != NULL);
    if (!bin || !ref) {
        fprintf(stderr, "%s: cannot read the program or its reference (%s)\n", name, path);
        free(bin);
        free(ref);
        return;
    }

    char names[256];
    bool multi = false;
    size_t src_len = 0;
    snprintf(path, sizeof path, "%s/tests/cpu/pm/%s.asm", sdir ? sdir : AMBER_SRCDIR, name);
    char *src = read_file(path, &src_len);
    if (!src || !program_models(src, names, sizeof names, &multi)) {
        /* Programs named p286* run on the 80286 model, the rest on the 80386. */
        snprintf(names, sizeof names, "%s", strncmp(name, "p286", 4) == 0 ? "80286" : "80386dx");
    }
    free(src);
    Report *rep = calloc(1, sizeof *rep);
    T_CHECK(t, rep != NULL);
    if (rep) {
        char *save = NULL;
        for (char *mn = strtok_r(names, " \t\r", &save); mn; mn = strtok_r(NULL, " \t\r", &save)) {
            const X86Model *model = x86_model_find(mn);
            T_CHECK(t, model != NULL);
            if (!model) {
                fprintf(stderr, "%s: unknown model '%s'\n", name, mn);
                continue;
            }
            if (multi) {
                report_add(rep, "== ");
                report_add(rep, mn);
                report_add(rep, "\n");
            }
            rep->done = false;
            run_on_model(t, name, model, bin, bin_len, rep);
        }
        /* A program's own verdicts fail the test whatever its .ref says (features.asm: a
         * reported CPUID feature without a check). */
        T_CHECK(t, strstr(rep->text, "NO TEST") == NULL);
        T_CHECK(t, strstr(rep->text, "NO FAULT") == NULL);
        T_CHECK(t, strstr(rep->text, "FAIL") == NULL);
        T_CHECK(t, strcmp(rep->text, ref) == 0);
        if (strcmp(rep->text, ref) != 0) {
            show_diff(name, rep->text, ref);
            if (getenv("PM_SHOW")) {
                fputs(rep->text, stderr);
            }
        }
    }
    free(rep);
    free(bin);
    free(ref);
}

static void run_on_model(TestCtx *t, const char *name, const X86Model *model, const char *bin,
                         size_t bin_len, Report *rep)
{
    AmberError err = {0};
    Machine *m = machine_new(32, &err);
    T_CHECK(t, m != NULL);
    X86Cpu *cpu = calloc(1, sizeof *cpu);
    uint8_t *rom = malloc(0x10000);
    if (!m || !cpu || !rom) {
        goto out;
    }
    uint8_t *ram = membus_map_ram(m->mem, "ram", 0, RAM_SIZE, &err);
    T_CHECK(t, ram != NULL);
    memset(rom, 0xF4, 0x10000);
    /* FFFF:FFF0 -> JMP FAR 0000:8000 */
    static const uint8_t jmp[5] = {0xEA, LOAD_ADDR & 0xFF, LOAD_ADDR >> 8, 0, 0};
    memcpy(rom + 0xFFF0, jmp, sizeof jmp);
    T_CHECK(t, membus_map_rom(m->mem, "rom", 0xFFFF0000u, rom, 0x10000, &err));
    /* The 286 starts at FF0000h + FFF0h (24 address lines). */
    T_CHECK(t, membus_map_rom(m->mem, "rom286", 0xFF0000u, rom, 0x10000, &err));
    T_CHECK(t, iobus_register(m->io, "pmtest", PORT_CHAR, PORT_DONE - PORT_CHAR + 1,
                              &test_port_ops, rep, &err));
    if (!ram || bin_len > RAM_SIZE - LOAD_ADDR) {
        goto out;
    }
    memcpy(ram + LOAD_ADDR, bin, bin_len);

    x86_cpu_init(cpu, model, m);
    x86_cpu_reset(cpu);
    unsigned resets = 0;
    const char *why = NULL;
    while (!rep->done) {
        x86_cpu_run(cpu, cpu->cycles + 200000);
        cpu->stop = false;
        if (m->reset_requested) {
            m->reset_requested = false;
            report_add(rep, "RESET\n");
            if (++resets > 2) {
                why = "reset loop";
                break;
            }
            x86_cpu_reset(cpu);
            continue;
        }
        if (rep->done) {
            break;
        }
        if (cpu->halted && !cpu->intr_line && !cpu->nmi_pending) {
            why = "halted before the done port";
            break;
        }
        if (cpu->cycles > CYCLE_CAP) {
            why = "cycle cap reached (hung?)";
            break;
        }
    }
    if (why) {
        fprintf(stderr, "%s: %s at %04x:%08x; report so far:\n%s\n", name, why,
                cpu->seg[X86_CS].sel, cpu->eip, rep->text);
    }
    T_CHECK(t, why == NULL);
out:
    free(rom);
    free(cpu);
    if (m) {
        machine_free(m);
    }
}

int main(int argc, char **argv)
{
    TestCtx t = {0};
    int n = argc > 1 ? argc - 1 : (int)(sizeof programs / sizeof programs[0]);
    for (int i = 0; i < n; i++) {
        const char *name = argc > 1 ? argv[i + 1] : programs[i];
        int before = t.failures;
        run_program(&t, name);
        printf("%s %s\n", t.failures == before ? "ok  " : "FAIL", name);
    }
    return t_finish(&t);
}
