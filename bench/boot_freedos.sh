#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How long a FreeDOS floppy boot takes: `amber run dos` from power-on to the A:\> prompt, in host
# and guest seconds, for each floppy of the test material (best of RUNS runs). Not part of
# `make check`: timings belong here, never in tests.
#   bench/boot_freedos.sh [BUILD_DIR]      (RUNS=3 by default; AMBER_SHARED as for the tests)
build="${1:-.}"
amber="$build/amber"
runs="${RUNS:-3}"
dir="${AMBER_SHARED:-$(dirname "$0")/../../shared}/guests/freedos-bootdisks"
[ -x "$amber" ] || { echo "no amber at $amber (give the build folder)"; exit 1; }
[ -d "$dir" ] || { echo "no FreeDOS test material at $dir (set AMBER_SHARED)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-8s %12s %12s\n' image "host s (best)" "guest s"
for size in 160K 360K 720K 1200K 1.4MB; do
    gzip -dc "$dir/freedos.boot.disk.$size.img.gz" > "$tmp/fd.img"
    best=""
    guest=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        line=$("$amber" run dos --fda "$tmp/fd.img" --stats --wait-text 'A:\>' 2>&1 >/dev/null | grep 'guest .* host')
        g=$(echo "$line" | sed 's/.*guest \([0-9.]*\) s.*/\1/')
        h=$(echo "$line" | sed 's/.*host \([0-9.]*\) s.*/\1/')
        if [ -z "$best" ] || awk "BEGIN { exit !($h < $best) }"; then best=$h; fi
        guest=$g
        i=$((i + 1))
    done
    printf '%-8s %12s %12s\n' "$size" "$best" "$guest"
done
