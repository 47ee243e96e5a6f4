# SPDX-License-Identifier: GPL-2.0-or-later
# x86core: the interpreter backend
libamber_a_SOURCES += src/accel/interp.h src/accel/interp.c
