#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots every FreeDOS floppy of the test material on the `dos` profile (SeaBIOS by default; set
# PROFILE=dos-bochs for the Bochs BIOS, IMAGES to choose sizes), types `ver /r` and checks the
# three lines the material's README gives. Each image is a case; the program fails if any fails.
# The 640K (80x2x8) image boots too: QEMU cannot boot it because QEMU's floppy model has no such
# format, not because of SeaBIOS, which reads it here through the same INT 13h path as the rest.
amber="${AMBER_BUILDDIR:-.}/amber"
profile="${PROFILE:-dos}"
dir="${AMBER_SHARED:-../shared}/guests/freedos-bootdisks"
if [ ! -d "$dir" ]; then
    echo "SKIP: no FreeDOS test material at $dir (set AMBER_SHARED)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for size in ${IMAGES:-160K 180K 320K 360K 640K 720K 1200K 1.4MB}; do
    gz="$dir/freedos.boot.disk.$size.img.gz"
    if [ ! -f "$gz" ]; then
        echo "FAIL $size: $gz is missing"
        fail=$((fail + 1))
        continue
    fi
    img="$tmp/freedos-$size.img"
    gzip -dc "$gz" > "$img"
    sum_before=$(sha256sum "$img" | cut -d' ' -f1)
    "$amber" run "$profile" --fda "$img" --timeout 60 \
        --wait-text 'A:\>' --type 'ver /r\n' --wait-text 'FreeDOS kernel' \
        --screen-text "$tmp/screen-$size.txt" > "$tmp/out-$size.txt" 2>&1
    rc=$?
    ok=1
    [ "$rc" = 0 ] || ok=0
    for line in 'FreeCom version 0.82 pl 3 XMS_Swap [Dec 10 2003 06:49:21]' \
                'DOS version 7.10' 'FreeDOS kernel version 0.0.40'; do
        grep -qF "$line" "$tmp/screen-$size.txt" 2>/dev/null || ok=0
    done
    # The original image is never written.
    [ "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum_before" ] || { echo "  $size: image modified!"; ok=0; }
    if [ "$ok" = 1 ]; then
        echo "ok   $size boots to A:\\> and ver /r shows the three lines"
        pass=$((pass + 1))
    else
        echo "FAIL $size (exit $rc)"
        sed 's/^/  | /' "$tmp/out-$size.txt" | tail -5
        [ -f "$tmp/screen-$size.txt" ] && sed 's/^/  screen| /' "$tmp/screen-$size.txt"
        fail=$((fail + 1))
    fi
done
echo "freedos boot ($profile): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
