# SPDX-License-Identifier: GPL-2.0-or-later
# `make disks` builds the free test images in the SOURCE tree's disks/ folder (so every build dir
# and the boot tests share one copy), from Debian packages; see disks/README.md. It downloads, so
# it is never part of `make` or `make check`. An existing image is kept; delete it to rebuild.
EXTRA_DIST += disks/build-linux-disk.sh disks/README.md

.PHONY: disks
disks:
	$(SHELL) $(top_srcdir)/disks/build-linux-disk.sh $(abs_top_srcdir)
