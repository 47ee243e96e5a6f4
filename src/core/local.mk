# SPDX-License-Identifier: GPL-2.0-or-later
libamber_a_SOURCES += \
	src/core/error.h src/core/error.c \
	src/core/endian.h src/core/log.h src/core/membus.h src/core/iobus.h src/core/clock.h \
	src/core/irq.h src/core/state.h src/core/device.h src/core/machine.h src/core/board.h \
	src/core/profile.h src/core/savestate.h src/core/isadma.h \
	src/accel/backend.h
libamber_a_SOURCES += src/core/state.c
libamber_a_SOURCES += \
	src/core/log.c src/core/membus.c src/core/iobus.c src/core/clock.c src/core/device.c \
	src/core/machine.c src/core/board.c src/core/board_registry.c src/core/board_bare.c
libamber_a_SOURCES += src/core/savestate.c src/core/profile.c
