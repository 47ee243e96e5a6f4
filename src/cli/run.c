/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `amber run PROFILE|FILE.ini [options] [steps]`: builds the machine a profile describes, applies
 * the media options, and runs it while carrying out the ordered steps:
 *   --wait-text TEXT      until TEXT is on the text screen or has come out of COM1
 *   --type TEXT           typed on the keyboard (escapes in cli/keymap.h)
 *   --send TEXT           sent to COM1's receiver, as a terminal on the serial line would
 *   --screenshot FILE     the picture as PNG
 *   --screen-text FILE|-  the text screen as UTF-8
 *   --sleep SECONDS       let guest time pass
 * Guest time never depends on host speed: headless runs go as fast as they can; --window paces
 * to real time. --timeout bounds each wait in guest seconds.
 */
#include "config.h"

#include "cli/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cli/host_io.h"
#include "cli/keymap.h"
#include "cli/png_write.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/profile.h"
#ifdef HAVE_SDL
#include "gui/sdl_window.h"
#endif

enum { RUN_OK = 0, RUN_BAD_INPUT = 1, RUN_TIMEOUT = 2 };

/* Guest time per slice between checks of the wait condition: short enough that a wait ends
 * promptly after the text appears, long enough that checking costs nothing. */
#define RUN_SLICE_NS (10 * 1000 * 1000)
/* Typing: how long a key is held and the gap before the next one, in guest time. Long enough for
 * a BIOS polling at the 18.2 Hz timer tick to see every key. */
#define KEY_HOLD_NS (40 * 1000 * 1000)
#define KEY_GAP_NS (40 * 1000 * 1000)
#define MAX_TYPED_KEYS 4096

typedef enum StepKind {
    STEP_WAIT_TEXT,
    STEP_TYPE,
    STEP_SEND,
    STEP_SCREENSHOT,
    STEP_SCREEN_TEXT,
    STEP_SLEEP
} StepKind;

typedef struct Step {
    StepKind kind;
    const char *arg;
    double seconds;
} Step;

typedef struct RunOptions {
    const char *profile;
    const char *media[4]; /* fda fdb hda hdb */
    const char *boot;
    bool window;
    double timeout;
    bool timeout_given;
    const char *serial;
    const char *debug;
    bool stats;
    Step *steps;
    int nsteps;
} RunOptions;

typedef struct RunCtx {
    Machine *m;
    const RunOptions *opt;
    GString *serial_seen; /* COM1 output since the last wait ended */
    FILE *serial_file;
#ifdef HAVE_SDL
    SdlWindow *win;
#endif
    bool window_closed;
} RunCtx;

static const char *const media_keys[4] = {"fda", "fdb", "hda", "hdb"};

static void serial_out(void *opaque, uint8_t byte)
{
    RunCtx *ctx = opaque;
    g_string_append_c(ctx->serial_seen, (char)byte);
    if (ctx->serial_seen->len > (1u << 20)) {
        /* Keep what a wait can still match; a megabyte of unmatched output is history. */
        g_string_erase(ctx->serial_seen, 0, ctx->serial_seen->len - (1u << 16));
    }
    if (ctx->serial_file) {
        fputc(byte, ctx->serial_file);
        if (byte == '\n') {
            fflush(ctx->serial_file);
        }
    }
}

static bool parse_seconds(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || v < 0 || v > 1e6) {
        return false;
    }
    *out = v;
    return true;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "amber run: %s%s\n", msg, arg);
    return RUN_BAD_INPUT;
}

static int parse_args(int argc, char **argv, RunOptions *o)
{
    *o = (RunOptions){.timeout = 120.0};
    o->steps = calloc((size_t)argc + 1, sizeof *o->steps);
    if (!o->steps) {
        return RUN_BAD_INPUT;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (a[0] != '-') {
            if (o->profile) {
                return usage_error("unexpected argument (one profile per run): ", a);
            }
            o->profile = a;
            continue;
        }
        if (!strcmp(a, "--headless")) {
            o->window = false;
            takes = false;
        } else if (!strcmp(a, "--stats")) {
            o->stats = true;
            takes = false;
        } else if (!strcmp(a, "--window")) {
            o->window = true;
            takes = false;
        }
        if (!takes) {
            continue;
        }
        if (!v) {
            return usage_error("this option needs a value: ", a);
        }
        i++;
        Step *s = &o->steps[o->nsteps];
        int m;
        for (m = 0; m < 4; m++) {
            if (!strncmp(a, "--", 2) && !strcmp(a + 2, media_keys[m])) {
                o->media[m] = v;
                break;
            }
        }
        if (m < 4) {
            continue;
        }
        if (!strcmp(a, "--boot")) {
            if (strcmp(v, "a") && strcmp(v, "c")) {
                return usage_error("--boot takes a or c, not ", v);
            }
            o->boot = v;
        } else if (!strcmp(a, "--timeout")) {
            if (!parse_seconds(v, &o->timeout) || o->timeout == 0) {
                return usage_error("--timeout takes guest seconds, not ", v);
            }
            o->timeout_given = true;
        } else if (!strcmp(a, "--serial")) {
            o->serial = v;
        } else if (!strcmp(a, "-d")) {
            o->debug = v;
        } else if (!strcmp(a, "--wait-text")) {
            *s = (Step){STEP_WAIT_TEXT, v, 0};
            o->nsteps++;
        } else if (!strcmp(a, "--type")) {
            *s = (Step){STEP_TYPE, v, 0};
            o->nsteps++;
        } else if (!strcmp(a, "--send")) {
            /* The escapes are checked here, before the machine starts. */
            for (int k = 0; v[k];) {
                unsigned char c;
                int at = k;
                if (!keymap_unescape(v, &k, &c)) {
                    fprintf(stderr, "amber run: --send: unknown escape in '%s' at position %d\n",
                            v, at + 1);
                    return RUN_BAD_INPUT;
                }
            }
            *s = (Step){STEP_SEND, v, 0};
            o->nsteps++;
        } else if (!strcmp(a, "--screenshot")) {
            *s = (Step){STEP_SCREENSHOT, v, 0};
            o->nsteps++;
        } else if (!strcmp(a, "--screen-text")) {
            *s = (Step){STEP_SCREEN_TEXT, v, 0};
            o->nsteps++;
        } else if (!strcmp(a, "--sleep")) {
            *s = (Step){STEP_SLEEP, v, 0};
            if (!parse_seconds(v, &s->seconds)) {
                return usage_error("--sleep takes guest seconds, not ", v);
            }
            o->nsteps++;
        } else {
            return usage_error("unknown option (see `amber --help`): ", a);
        }
    }
    if (!o->profile) {
        return usage_error("which machine? usage: amber run PROFILE|FILE.ini [options] [steps]", "");
    }
    return RUN_OK;
}

/* Runs guest time forward by up to ns, paced and displayed when there is a window. Returns false
 * when the run must end (window closed, machine powered off). */
static bool advance(RunCtx *ctx, int64_t ns)
{
    Machine *m = ctx->m;
    int64_t target = clock_now(m->clock) + ns;
    while (clock_now(m->clock) < target) {
        int64_t slice = target - clock_now(m->clock);
        if (slice > RUN_SLICE_NS) {
            slice = RUN_SLICE_NS;
        }
        machine_run_for(m, slice);
        if (m->powered_off) {
            return false;
        }
#ifdef HAVE_SDL
        if (ctx->win && !sdl_window_frame(ctx->win, m, clock_now(m->clock))) {
            ctx->window_closed = true;
            return false;
        }
#endif
    }
    return true;
}

static bool text_visible(RunCtx *ctx, const char *text)
{
    if (strstr(ctx->serial_seen->str, text)) {
        return true;
    }
    char *screen = host_screen_text(ctx->m);
    bool found = false;
    if (screen) {
        /* Text may wrap at the screen edge; look in the rows as shown and joined. */
        found = strstr(screen, text) != NULL;
        if (!found) {
            char *joined = g_strdup(screen);
            char *w = joined;
            for (const char *r = screen; *r; r++) {
                if (*r != '\n') {
                    *w++ = *r;
                }
            }
            *w = '\0';
            found = strstr(joined, text) != NULL;
            g_free(joined);
        }
        g_free(screen);
    }
    return found;
}

static int step_wait_text(RunCtx *ctx, const char *text)
{
    int64_t limit = (int64_t)(ctx->opt->timeout * 1e9);
    int64_t start = clock_now(ctx->m->clock);
    while (!text_visible(ctx, text)) {
        if (clock_now(ctx->m->clock) - start >= limit) {
            fprintf(stderr, "amber run: timed out after %.1f guest seconds waiting for '%s'\n",
                    ctx->opt->timeout, text);
            return RUN_TIMEOUT;
        }
        if (!advance(ctx, RUN_SLICE_NS)) {
            fprintf(stderr, "amber run: the machine %s while waiting for '%s'\n",
                    ctx->window_closed ? "window was closed" : "powered off", text);
            return RUN_TIMEOUT;
        }
    }
    g_string_truncate(ctx->serial_seen, 0);
    return RUN_OK;
}

static int step_type(RunCtx *ctx, const char *text)
{
    PcKey *keys = calloc(MAX_TYPED_KEYS, sizeof *keys);
    if (!keys) {
        return RUN_BAD_INPUT;
    }
    int bad = 0;
    int n = keymap_parse(text, keys, MAX_TYPED_KEYS, &bad);
    if (n < 0) {
        fprintf(stderr, "amber run: --type: cannot type '%s' at position %d (no such key on the US "
                "layout, or an unknown escape)\n", text, bad + 1);
        free(keys);
        return RUN_BAD_INPUT;
    }
    const PcKey shift = {PCKEY_LSHIFT, false, false};
    int rc = RUN_OK;
    for (int i = 0; i < n && rc == RUN_OK; i++) {
        if (keys[i].shift && !host_key(ctx->m, shift, true)) {
            rc = RUN_BAD_INPUT;
            break;
        }
        if (!host_key(ctx->m, keys[i], true)) {
            rc = RUN_BAD_INPUT;
            break;
        }
        if (!advance(ctx, KEY_HOLD_NS)) {
            rc = RUN_TIMEOUT;
        }
        host_key(ctx->m, keys[i], false);
        if (keys[i].shift) {
            host_key(ctx->m, shift, false);
        }
        if (rc == RUN_OK && !advance(ctx, KEY_GAP_NS)) {
            rc = RUN_TIMEOUT;
        }
    }
    if (rc == RUN_BAD_INPUT) {
        fprintf(stderr, "amber run: --type: this machine has no keyboard\n");
    }
    free(keys);
    return rc;
}

/* One character at 115200 baud 8N1 (10 bits): what a terminal's line takes per byte. */
#define SEND_CHAR_NS 86806

static int step_send(RunCtx *ctx, const char *text)
{
    if (!machine_find_device(ctx->m, "com1")) {
        fprintf(stderr, "amber run: --send: this machine has no COM1\n");
        return RUN_BAD_INPUT;
    }
    int rc = RUN_OK;
    int64_t limit = (int64_t)(ctx->opt->timeout * 1e9);
    for (int i = 0; text[i] && rc == RUN_OK;) {
        unsigned char byte;
        keymap_unescape(text, &i, &byte);
        if (byte == '\n') {
            byte = '\r'; /* Enter on a terminal; the guest's tty turns it into a newline */
        }
        /* Like a terminal with hardware flow control: wait while the receiver is full. */
        int64_t start = clock_now(ctx->m->clock);
        while (rc == RUN_OK && host_serial_rx_space(ctx->m) == 0) {
            if (clock_now(ctx->m->clock) - start >= limit) {
                fprintf(stderr, "amber run: --send: COM1's receiver stayed full for %.1f guest "
                        "seconds\n", ctx->opt->timeout);
                rc = RUN_TIMEOUT;
            } else if (!advance(ctx, SEND_CHAR_NS)) {
                rc = RUN_TIMEOUT;
            }
        }
        if (rc == RUN_OK) {
            host_serial_input(ctx->m, byte);
            if (!advance(ctx, SEND_CHAR_NS)) {
                rc = RUN_TIMEOUT;
            }
        }
    }
    return rc;
}

static int step_screenshot(RunCtx *ctx, const char *path)
{
    const uint32_t *px;
    unsigned w, h;
    AmberError err = {0};
    if (!host_screen_pixels(ctx->m, &px, &w, &h)) {
        fprintf(stderr, "amber run: %s: this machine has no display\n", path);
        return RUN_BAD_INPUT;
    }
    if (!png_write_xrgb(path, px, w, h, &err)) {
        fprintf(stderr, "amber run: %s\n", err.msg);
        return RUN_BAD_INPUT;
    }
    return RUN_OK;
}

static int step_screen_text(RunCtx *ctx, const char *path)
{
    char *text = host_screen_text(ctx->m);
    if (!text) {
        fprintf(stderr, "amber run: --screen-text: the display is not in a text mode\n");
        return RUN_BAD_INPUT;
    }
    int rc = RUN_OK;
    if (!strcmp(path, "-")) {
        fputs(text, stdout);
        fflush(stdout);
    } else {
        GError *gerr = NULL;
        if (!g_file_set_contents(path, text, -1, &gerr)) {
            fprintf(stderr, "amber run: %s: cannot write: %s\n", path, gerr->message);
            g_error_free(gerr);
            rc = RUN_BAD_INPUT;
        }
    }
    g_free(text);
    return rc;
}

static int run_steps(RunCtx *ctx)
{
    const RunOptions *o = ctx->opt;
    for (int i = 0; i < o->nsteps; i++) {
        const Step *s = &o->steps[i];
        int rc = RUN_OK;
        switch (s->kind) {
        case STEP_WAIT_TEXT: rc = step_wait_text(ctx, s->arg); break;
        case STEP_TYPE: rc = step_type(ctx, s->arg); break;
        case STEP_SEND: rc = step_send(ctx, s->arg); break;
        case STEP_SCREENSHOT: rc = step_screenshot(ctx, s->arg); break;
        case STEP_SCREEN_TEXT: rc = step_screen_text(ctx, s->arg); break;
        case STEP_SLEEP:
            if (!advance(ctx, (int64_t)(s->seconds * 1e9))) {
                rc = ctx->m->powered_off ? RUN_OK : RUN_TIMEOUT;
            }
            break;
        }
        if (rc != RUN_OK) {
            return rc;
        }
    }
    /* With no steps left: a window runs until it is closed; a headless run without steps runs
     * for --timeout guest seconds when one was given explicitly, else it is done. */
    if (ctx->opt->window) {
        while (advance(ctx, RUN_SLICE_NS)) {
        }
    } else if (o->nsteps == 0 && o->timeout_given) {
        advance(ctx, (int64_t)(o->timeout * 1e9));
    }
    return RUN_OK;
}

static Machine *build_machine(const RunOptions *o, AmberError *err)
{
    char *path = profile_resolve(o->profile, err);
    if (!path) {
        return NULL;
    }
    Profile *p = profile_load_file(path, err);
    g_free(path);
    if (!p) {
        return NULL;
    }
    bool ok = true;
    for (int i = 0; i < 4 && ok; i++) {
        if (o->media[i]) {
            ok = profile_set(p, "machine", media_keys[i], o->media[i], err);
        }
    }
    if (ok && o->boot) {
        ok = profile_set(p, "machine", "boot", o->boot, err);
    }
    Machine *m = ok ? profile_build_machine(p, err) : NULL;
    profile_free(p);
    return m;
}

int amber_run_command(int argc, char **argv)
{
    RunOptions o;
    int rc = parse_args(argc, argv, &o);
    if (rc != RUN_OK) {
        free(o.steps);
        return rc;
    }
    AmberError err = {0};
    uint64_t mask = 0;
    if (o.debug && !amber_log_parse_mask(o.debug, &mask, &err)) {
        fprintf(stderr, "amber run: -d: %s\n", err.msg);
        free(o.steps);
        return RUN_BAD_INPUT;
    }
    Machine *m = build_machine(&o, &err);
    if (!m) {
        fprintf(stderr, "amber: %s\n", err.msg);
        free(o.steps);
        return RUN_BAD_INPUT;
    }
    m->log.mask = mask;
    RunCtx ctx = {.m = m, .opt = &o, .serial_seen = g_string_new(NULL)};
    if (o.serial) {
        if (!strcmp(o.serial, "stdio")) {
            ctx.serial_file = stdout;
        } else if (!(ctx.serial_file = fopen(o.serial, "wb"))) {
            fprintf(stderr, "amber run: %s: cannot write the serial capture: %s\n", o.serial,
                    strerror(errno));
            rc = RUN_BAD_INPUT;
        }
    }
    /* COM1 output is always watched, so --wait-text sees it with or without --serial. */
    host_serial_attach(m, serial_out, &ctx);
#ifdef HAVE_SDL
    if (rc == RUN_OK && o.window) {
        ctx.win = sdl_window_open(m, m->profile_name ? m->profile_name : "Amber", &err);
        if (!ctx.win) {
            fprintf(stderr, "amber run: %s\n", err.msg);
            rc = RUN_BAD_INPUT;
        }
    }
#else
    if (rc == RUN_OK && o.window) {
        fprintf(stderr, "amber run: --window: this Amber was built without SDL2\n");
        rc = RUN_BAD_INPUT;
    }
#endif
    gint64 host_start = g_get_monotonic_time();
    if (rc == RUN_OK) {
        rc = run_steps(&ctx);
    }
    if (m->powered_off) {
        fprintf(stderr, "amber run: the machine switched itself off at guest time %.3f s\n",
                (double)clock_now(m->clock) / 1e9);
    }
    if (o.stats) {
        /* Guest time is the machine's; host time is only measured here, for benchmarks. */
        fprintf(stderr, "amber run: guest %.3f s, host %.3f s\n",
                (double)clock_now(m->clock) / 1e9,
                (double)(g_get_monotonic_time() - host_start) / 1e6);
    }
#ifdef HAVE_SDL
    if (ctx.win) {
        sdl_window_close(ctx.win);
    }
#endif
    if (ctx.serial_file && ctx.serial_file != stdout) {
        fclose(ctx.serial_file);
    } else if (ctx.serial_file) {
        fflush(stdout);
    }
    g_string_free(ctx.serial_seen, TRUE);
    machine_free(m);
    free(o.steps);
    return rc;
}
