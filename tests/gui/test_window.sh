#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `amber run --window` under a real X server (Xvfb): the SDL2 window opens with the profile's
# name, keys typed into it with XTEST reach the guest keyboard (FreeDOS runs `ver /r`), the
# machine's text screen shows the answer, and closing the window ends the run.
amber="${AMBER_BUILDDIR:-.}/amber"
dir="${AMBER_SHARED:-../shared}/guests/freedos-bootdisks"
/usr/bin/python3 -c "import Xlib" 2>/dev/null || { echo "SKIP: python3-xlib is not installed (scripts/install-deps.sh installs it)"; exit 77; }
for tool in Xvfb xdotool; do
    command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed (scripts/install-deps.sh installs it)"; exit 77; }
done
if ! "$amber" --version | grep -q 'SDL2 window: yes'; then
    echo "SKIP: this Amber was built without SDL2 (configure --without-sdl)"; exit 77
fi
[ -f "$dir/freedos.boot.disk.1.4MB.img.gz" ] || { echo "SKIP: no FreeDOS test material at $dir"; exit 77; }
tmp=$(mktemp -d)
display=":$((50 + $$ % 400))"
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp > "$tmp/xvfb.log" 2>&1 &
xpid=$!
trap 'kill $xpid 2>/dev/null; rm -rf "$tmp"' EXIT
export DISPLAY="$display"
i=0
until xdotool getmouselocation > /dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 50 ] && { echo "FAIL: Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1; }
    sleep 0.1
done
gzip -dc "$dir/freedos.boot.disk.1.4MB.img.gz" > "$tmp/fd.img"
"$amber" run dos --window --fda "$tmp/fd.img" --timeout 90 --wait-text 'A:\>' \
    --wait-text 'FreeDOS kernel version 0.0.40' --screen-text "$tmp/screen.txt" > "$tmp/amber.log" 2>&1 &
apid=$!
# The window appears at once; FreeDOS reaches A:\> about ten seconds later (paced to real time).
win=""
i=0
while [ -z "$win" ] && [ $i -lt 100 ]; do
    win=$(xdotool search --name 'DOS PC' 2>/dev/null | head -1)
    i=$((i + 1)); sleep 0.1
done
fail=0
if [ -z "$win" ]; then
    echo "FAIL: no window named after the profile appeared"
    fail=1
else
    echo "ok   window $win opened: $(xdotool getwindowname "$win")"
    # Type once the prompt is up; typing again later is harmless (a second command line).
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        sleep 5
        [ -s "$tmp/screen.txt" ] && break
        xdotool windowfocus --sync "$win" 2>/dev/null
        xdotool type --delay 120 'ver /r'
        xdotool key --delay 120 Return
    done
    # The steps are done (the screen was saved); a window run goes on until it is closed.
    sleep 1
    kill -0 $apid 2>/dev/null && echo "ok   the run goes on after its steps while the window is open"
    /usr/bin/python3 "${AMBER_SRCDIR:-.}/tests/gui/wm_close.py" "$win"
fi
i=0
while kill -0 $apid 2>/dev/null && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
if kill -0 $apid 2>/dev/null; then
    echo "FAIL: closing the window did not end the run"
    kill $apid
    fail=1
fi
wait $apid
rc=$?
if [ "$rc" = 0 ] && grep -q 'FreeDOS kernel version 0.0.40' "$tmp/screen.txt"; then
    echo "ok   keys typed into the window reached the guest: $(grep 'kernel version' "$tmp/screen.txt")"
else
    echo "FAIL: amber exited $rc"; cat "$tmp/amber.log"; cat "$tmp/screen.txt" 2>/dev/null
    fail=1
fi
exit $fail
