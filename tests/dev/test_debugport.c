/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debug console: 0xE9/0x402 read back 0xE9, text collected for the host and the log. */
#include <stdlib.h>
#include <string.h>

#include "chipset/debugport.h"
#include "devtest.h"

static void test_debugport(TestCtx *t)
{
    Machine *m = dt_machine(t);
    Device *d = dt_add(t, m, &debugport_class, "debugcon");
    dt_realize(t, m);
    char *logbuf = NULL;
    size_t loglen = 0;
    FILE *logf = open_memstream(&logbuf, &loglen);
    m->log.out = logf;
    uint64_t mask = 0;
    T_CHECK(t, amber_log_parse_mask("debugcon", &mask, NULL));
    m->log.mask = mask;
    T_EQ(t, inb(m, 0x402), 0xE9);
    T_EQ(t, inb(m, 0xE9), 0xE9);
    const char *msg = "SeaBIOS (version 1.16.2)\n";
    for (const char *p = msg; *p; p++) {
        outb(m, 0x402, (uint8_t)*p);
    }
    outb(m, 0xE9, 'h');
    outb(m, 0xE9, 'i');
    T_STREQ(t, debugport_text(d), "SeaBIOS (version 1.16.2)\nhi");
    T_EQ(t, debugport_text_len(d), strlen(msg) + 2);
    fflush(logf);
    T_CONTAINS(t, logbuf, "SeaBIOS (version 1.16.2)");
    T_CHECK(t, !strstr(logbuf, "hi")); /* not a full line yet */
    debugport_clear(d);
    T_STREQ(t, debugport_text(d), "");
    /* Lots of output keeps the newest text. */
    for (int i = 0; i < 1500000; i++) {
        outb(m, 0xE9, (uint8_t)('a' + i % 26));
    }
    outb(m, 0xE9, '!');
    size_t n = debugport_text_len(d);
    T_CHECK(t, n <= (1u << 20) && n > 1000);
    T_EQ(t, debugport_text(d)[n - 1], '!');
    m->log.out = NULL;
    fclose(logf);
    free(logbuf);
    machine_free(m);
}

int main(void)
{
    TestCtx t = {0};
    T_RUN(&t, test_debugport);
    return t_finish(&t);
}
