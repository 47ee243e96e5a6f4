/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SDL2 window of `amber run --window`: shows the machine's display at its aspect ratio,
 * sends the host keyboard to the guest keyboard, and paces guest time to real time.
 */
#ifndef AMBER_GUI_SDL_WINDOW_H
#define AMBER_GUI_SDL_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/machine.h"

typedef struct SdlWindow SdlWindow;

SdlWindow *sdl_window_open(Machine *m, const char *title, AmberError *err);
/* Called after each slice of guest time: waits until host time catches up with guest_now
 * (pacing), handles input, and shows a new picture when the display changed. Returns false once
 * the window was closed. */
bool sdl_window_frame(SdlWindow *w, Machine *m, int64_t guest_now);
void sdl_window_close(SdlWindow *w);

#endif
