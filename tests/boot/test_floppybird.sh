#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Floppy Bird (a bare-metal mode 13h game) on the dos profile: the screen 6 guest seconds after
# power-on must equal Amber's golden picture (checked by eye against QEMU's, and deterministic:
# guest time does not depend on the host), and its static bottom 100 rows must equal the
# reference screenshot QEMU took of the same game, within 4 levels per colour channel (QEMU turns
# the DAC's 6-bit levels into 8 bits its own way; Amber uses round(v * 255 / 63)).
amber="${AMBER_BUILDDIR:-.}/amber"
cmp="${AMBER_BUILDDIR:-.}/tests/boot/png_compare"
src="${AMBER_SRCDIR:-.}"
dir="${AMBER_SHARED:-../shared}/guests/floppybird"
if [ ! -f "$dir/floppybird-1440k.img.gz" ]; then
    echo "SKIP: no floppybird test material at $dir (set AMBER_SHARED)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gzip -dc "$dir/floppybird-1440k.img.gz" > "$tmp/fb.img"
fail=0
"$amber" run dos --fda "$tmp/fb.img" --sleep 6 --screenshot "$tmp/shot.png" || { echo "FAIL: amber run exited $?"; exit 1; }
"$cmp" "$src/tests/boot/golden/floppybird-6s.png" "$tmp/shot.png" || { echo "FAIL: differs from the golden picture"; fail=1; }
"$cmp" -t 4 "$dir/qemu-reference-screen.png" "$tmp/shot.png" 300 399 || { echo "FAIL: background differs from QEMU's"; fail=1; }
[ "$fail" = 0 ] && echo "ok   floppybird draws its mode 13h screen"
exit $fail
