#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The FreeDOS boot test on the Bochs BIOS and the LGPL VGA BIOS from Debian (profile dos-bochs).
PROFILE=dos-bochs exec "$(dirname "$0")/test_freedos.sh"
