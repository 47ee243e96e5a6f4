# SPDX-License-Identifier: GPL-2.0-or-later
dist_profiles_DATA += profiles/bare.ini
