# SPDX-License-Identifier: GPL-2.0-or-later
libamber_a_SOURCES += \
	src/video/vga.h src/video/vga_state.h src/video/vga.c src/video/vbe_dispi.c \
	src/video/render.h src/video/render.c src/video/cp437.h src/video/cp437.c \
	src/video/vga_pci.c
