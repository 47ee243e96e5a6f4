# SPDX-License-Identifier: GPL-2.0-or-later
bin_PROGRAMS += amber
amber_SOURCES = src/cli/amber.c src/cli/run.c src/cli/run.h src/cli/host_io.c src/cli/host_io.h \
	src/cli/keymap.c src/cli/keymap.h src/cli/png_write.c src/cli/png_write.h
amber_LDADD = $(AMBER_LIBS)
