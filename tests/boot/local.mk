# SPDX-License-Identifier: GPL-2.0-or-later
# Real guests on real firmware: FreeDOS floppies from the test material.
TESTS += tests/boot/test_freedos.sh tests/boot/test_freedos_bochs.sh
EXTRA_DIST += tests/boot/test_freedos.sh tests/boot/test_freedos_bochs.sh
TESTS += tests/boot/test_floppybird.sh
EXTRA_DIST += tests/boot/test_floppybird.sh tests/boot/golden/floppybird-6s.png
check_PROGRAMS += tests/boot/png_compare
tests_boot_png_compare_SOURCES = tests/boot/png_compare.c
tests_boot_png_compare_LDADD = $(PNG_LIBS)
# Debian's 686 Linux from the disk `make disks` builds (skips, saying so, when it is not built).
TESTS += tests/boot/test_linux.sh
EXTRA_DIST += tests/boot/test_linux.sh
# The whole unix-i386 machine saved mid-boot and loaded into another (skips without the disk).
check_PROGRAMS += tests/boot/test_linux_state
TESTS += tests/boot/test_linux_state
tests_boot_test_linux_state_SOURCES = tests/boot/test_linux_state.c
tests_boot_test_linux_state_LDADD = $(AMBER_LIBS)
tests_boot_test_linux_state_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
