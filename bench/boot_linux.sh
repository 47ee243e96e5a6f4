#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How long Debian's 686 Linux takes from power-on to the shell on the serial console, on the
# unix-i386 profile (Pentium II 300, SeaBIOS), in host and guest seconds (best of RUNS runs), and
# side by side QEMU's TCG (qemu-system-i386 -cpu pentium2 -m 64, same disk and BIOS) when it is
# installed, as a ratio. Not part of `make check`: timings belong here, never in tests.
#   bench/boot_linux.sh [BUILD_DIR]        (RUNS=3 by default; needs `make disks`)
# QEMU's guest clock is the host's, so only host seconds compare; Amber's guest seconds are what
# a real 300 MHz Pentium II would take.
build="${1:-.}"
amber="$build/amber"
runs="${RUNS:-3}"
src=$(cd "$(dirname "$0")/.." && pwd)
img="$src/disks/amber-linux.img"
[ -x "$amber" ] || { echo "no amber at $amber (give the build folder)"; exit 1; }
[ -f "$img" ] || { echo "no $img (run make disks)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
best_amber=""
guest=""
i=0
while [ "$i" -lt "$runs" ]; do
    line=$("$amber" run unix-i386 --hda "$img" --stats --wait-text 'Amber Linux test disk ready' \
        --wait-text '# ' 2>&1 >/dev/null | grep 'guest .* host')
    g=$(echo "$line" | sed 's/.*guest \([0-9.]*\) s.*/\1/')
    h=$(echo "$line" | sed 's/.*host \([0-9.]*\) s.*/\1/')
    if [ -z "$best_amber" ] || awk "BEGIN { exit !($h < $best_amber) }"; then best_amber=$h; fi
    guest=$g
    i=$((i + 1))
done
printf '%-28s %10s %10s\n' "to the shell prompt" "host s" "guest s"
printf '%-28s %10s %10s\n' "amber (interp)" "$best_amber" "$guest"
if command -v qemu-system-i386 >/dev/null 2>&1; then
    best_qemu=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        : > "$tmp/serial"
        t0=$(now)
        qemu-system-i386 -cpu pentium2 -m 64 -bios /usr/share/seabios/bios.bin \
            -drive "file=$img,format=raw,snapshot=on" -display none -monitor none \
            -serial "file:$tmp/serial" -no-reboot 2>/dev/null &
        pid=$!
        t=""
        while kill -0 "$pid" 2>/dev/null; do
            if grep -q 'Amber Linux test disk ready' "$tmp/serial" && grep -q '# ' "$tmp/serial"; then
                t=$(awk "BEGIN { print $(now) - $t0 }")
                break
            fi
            sleep 0.05
        done
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        if [ -n "$t" ] && { [ -z "$best_qemu" ] || awk "BEGIN { exit !($t < $best_qemu) }"; }; then
            best_qemu=$t
        fi
        i=$((i + 1))
    done
    printf '%-28s %10.2f %10s\n' "qemu-system-i386 (TCG)" "$best_qemu" "-"
    awk "BEGIN { printf \"amber / qemu host time: %.2f\\n\", $best_amber / $best_qemu }"
else
    echo "qemu-system-i386 not installed: no comparison"
fi
