#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The FreeDOS boot test on the Bochs BIOS and the LGPL VGA BIOS from Debian (profile dos-bochs).
# The single-sided 160K and 180K images are left out: with them the Bochs BIOS recalibrates the
# drive before every one-sector read (see `-d fdc`), so FreeDOS takes minutes of guest time to load.
IMAGES="${IMAGES:-320K 360K 640K 720K 1200K 1.4MB}" PROFILE=dos-bochs \
    exec "$(dirname "$0")/test_freedos.sh"
