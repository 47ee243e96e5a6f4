# SPDX-License-Identifier: GPL-2.0-or-later
dist_profiles_DATA += profiles/bare.ini
dist_profiles_DATA += profiles/dos.ini profiles/dos-bochs.ini profiles/unix-i386.ini
