# SPDX-License-Identifier: GPL-2.0-or-later
# x86core: interpreter speed (run by hand; not part of make check)
noinst_PROGRAMS += bench/interp_speed
bench_interp_speed_SOURCES = bench/interp_speed.c
bench_interp_speed_LDADD = $(AMBER_LIBS)
EXTRA_DIST += bench/boot_freedos.sh bench/boot_linux.sh
# x86speed: interpreter speed in 32-bit protected mode with paging (run by hand)
noinst_PROGRAMS += bench/interp_speed_pm
bench_interp_speed_pm_SOURCES = bench/interp_speed_pm.c
bench_interp_speed_pm_LDADD = $(AMBER_LIBS)
