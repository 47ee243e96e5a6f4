# SPDX-License-Identifier: GPL-2.0-or-later
# The SDL2 window lives in the amber program, not in libamber: the library stays display-free.
if HAVE_SDL
amber_SOURCES += src/gui/sdl_window.c src/gui/sdl_window.h
amber_CFLAGS = $(AM_CFLAGS) $(SDL_CFLAGS)
amber_LDADD += $(SDL_LIBS)
endif
