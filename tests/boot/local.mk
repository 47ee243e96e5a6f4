# SPDX-License-Identifier: GPL-2.0-or-later
# Real guests on real firmware: FreeDOS floppies from the test material.
TESTS += tests/boot/test_freedos.sh
EXTRA_DIST += tests/boot/test_freedos.sh tests/boot/test_freedos_bochs.sh
