/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ASCII to PC keys for scripted typing, on the US layout. Make codes are scan code set 1 as the
 * IBM PC AT Technical Reference lists them (the 8042 translates set 2 to these for DOS).
 */
#include "cli/keymap.h"

#include <stdlib.h>

/* Rows of the US keyboard with the set 1 code of their first key; unshifted, then shifted. */
typedef struct KeyRow {
    uint8_t first;
    const char *plain;
    const char *shifted;
} KeyRow;

static const KeyRow key_rows[] = {
    {0x02, "1234567890-=", "!@#$%^&*()_+"},
    {0x10, "qwertyuiop[]", "QWERTYUIOP{}"},
    {0x1E, "asdfghjkl;'`", "ASDFGHJKL:\"~"},
    {0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?"},
};

bool keymap_ascii(unsigned char c, PcKey *out)
{
    *out = (PcKey){0};
    switch (c) {
    case ' ': out->code = 0x39; return true;
    case '\n': case '\r': out->code = PCKEY_ENTER; return true;
    case '\t': out->code = PCKEY_TAB; return true;
    case '\b': out->code = PCKEY_BACKSPACE; return true;
    case 0x1B: out->code = PCKEY_ESC; return true;
    default: break;
    }
    for (size_t r = 0; r < sizeof key_rows / sizeof key_rows[0]; r++) {
        for (unsigned i = 0; key_rows[r].plain[i]; i++) {
            if (key_rows[r].plain[i] == c || key_rows[r].shifted[i] == c) {
                out->code = (uint8_t)(key_rows[r].first + i);
                out->shift = key_rows[r].shifted[i] == c;
                return true;
            }
        }
    }
    return false;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool keymap_unescape(const char *text, int *i, unsigned char *c)
{
    *c = (unsigned char)text[*i];
    if (*c == '\\' && text[*i + 1]) {
        switch (text[++*i]) {
        case 'n': *c = '\n'; break;
        case 'r': *c = '\r'; break;
        case 't': *c = '\t'; break;
        case 'b': *c = '\b'; break;
        case 'e': *c = 0x1B; break;
        case '\\': *c = '\\'; break;
        case 'x':
            if (hexval(text[*i + 1]) < 0 || hexval(text[*i + 2]) < 0) {
                return false;
            }
            *c = (unsigned char)(hexval(text[*i + 1]) * 16 + hexval(text[*i + 2]));
            *i += 2;
            break;
        default:
            return false;
        }
    }
    ++*i;
    return true;
}

int keymap_parse(const char *text, PcKey *keys, int max, int *bad)
{
    int n = 0;
    for (int i = 0; text[i];) {
        unsigned char c;
        int at = i;
        if (!keymap_unescape(text, &i, &c) || n >= max || !keymap_ascii(c, &keys[n])) {
            *bad = at;
            return -1;
        }
        n++;
    }
    return n;
}
