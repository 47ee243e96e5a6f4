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
