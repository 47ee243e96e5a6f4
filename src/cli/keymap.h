/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AMBER_CLI_KEYMAP_H
#define AMBER_CLI_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

/* A key on the PC keyboard, by its scan code set 1 make code (ext: E0-prefixed). */
typedef struct PcKey {
    uint8_t code;
    bool ext;
    bool shift; /* the character needs Shift held on a US layout */
} PcKey;

/* Scan code set 1 make codes (IBM PC AT Technical Reference, keyboard scan code set 1). */
#define PCKEY_ESC 0x01
#define PCKEY_BACKSPACE 0x0E
#define PCKEY_TAB 0x0F
#define PCKEY_ENTER 0x1C
#define PCKEY_LCTRL 0x1D
#define PCKEY_LSHIFT 0x2A
#define PCKEY_LALT 0x38

/* Maps a printable ASCII character (or \n, \t, \b, ESC) to a key of the US layout. */
bool keymap_ascii(unsigned char c, PcKey *out);

/*
 * Parses the --type text escapes into a sequence of keys: \n Enter, \t Tab, \b Backspace,
 * \e Escape, \\ backslash, \xHH the character HH. Returns the count, or -1 with the offending
 * position in *bad when a character has no key on the layout.
 */
int keymap_parse(const char *text, PcKey *keys, int max, int *bad);

/* Decodes the character at text[*i] with those escapes (and \r, carriage return) and moves *i
 * past it; false for an unknown escape or a bad \xHH. A backslash at the end stands for itself. */
bool keymap_unescape(const char *text, int *i, unsigned char *c);

#endif
