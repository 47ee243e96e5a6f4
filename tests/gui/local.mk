# SPDX-License-Identifier: GPL-2.0-or-later
# The SDL2 window under a real X server (Xvfb); skipped with the reason when a piece is missing.
TESTS += tests/gui/test_window.sh
EXTRA_DIST += tests/gui/test_window.sh tests/gui/wm_close.py
