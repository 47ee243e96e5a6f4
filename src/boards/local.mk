# SPDX-License-Identifier: GPL-2.0-or-later
libamber_a_SOURCES += src/boards/pc_i440fx.c
