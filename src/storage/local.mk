# SPDX-License-Identifier: GPL-2.0-or-later
libamber_a_SOURCES += \
	src/storage/blockdev.h src/storage/blockdev.c \
	src/storage/geometry.h src/storage/geometry.c
