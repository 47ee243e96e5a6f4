# SPDX-License-Identifier: GPL-2.0-or-later
bin_PROGRAMS += amber
amber_SOURCES = src/cli/amber.c
amber_LDADD = $(AMBER_LIBS)
