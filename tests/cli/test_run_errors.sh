#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `amber run` on bad input: each case must exit 1 with one error line that names the file and
# the problem, and must leave the user's files untouched.
amber="${AMBER_BUILDDIR:-.}/amber"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

expect_bad() { # DESCRIPTION PATTERN -- args...
    desc=$1 pat=$2
    shift 3
    checks=$((checks + 1))
    "$amber" run "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    lines=$(wc -l < "$tmp/err")
    if [ "$rc" != 1 ] || ! grep -q -- "$pat" "$tmp/err" || [ "$lines" != 1 ]; then
        echo "FAIL $desc: exit $rc, $lines error lines:"
        cat "$tmp/err"
        fails=$((fails + 1))
    else
        echo "ok   $desc: $(cat "$tmp/err")"
    fi
}

expect_bad "missing floppy image" "$tmp/none.img" -- dos --fda "$tmp/none.img" --sleep 1
head -c 100352 /dev/zero > "$tmp/odd.img"
expect_bad "floppy image of an unknown size" "odd.img.*100352" -- dos --fda "$tmp/odd.img" --sleep 1
head -c 1000000 /dev/zero > "$tmp/trunc.img"
expect_bad "truncated floppy image" "trunc.img" -- dos --fda "$tmp/trunc.img" --sleep 1
head -c 1000 /dev/zero > "$tmp/rom.bin"
sum_trunc=$(sha256sum < "$tmp/trunc.img")
sum_rom=$(sha256sum < "$tmp/rom.bin")
printf '[machine]\nboard=pc-i440fx\nbios=%s\n' "$tmp/rom.bin" > "$tmp/badrom.ini"
expect_bad "BIOS ROM of the wrong size" "rom.bin.*1000 bytes" -- "$tmp/badrom.ini" --sleep 1
printf '[machine]\nboard=pc-i440fx\nmemroy=4M\n' > "$tmp/typo.ini"
expect_bad "profile with an unknown key" "typo.ini.*memroy" -- "$tmp/typo.ini" --sleep 1
printf '[machine]\nboard=pc-i440fx\n[fdc]\ndrive0=1.3M\n' > "$tmp/drive.ini"
expect_bad "bad device value" "drive.ini.*drive0" -- "$tmp/drive.ini" --sleep 1
expect_bad "missing hard-disk image" "$tmp/nohd.img" -- dos --hda "$tmp/nohd.img" --sleep 1
expect_bad "unknown option" "--frobnicate" -- dos --frobnicate x
expect_bad "unknown escape in --type" "type" -- bare --type 'a\q'
expect_bad "unknown escape in --send" "send.*position 2" -- dos --send 'a\q'
expect_bad "--send to a machine without COM1" "send: this machine has no COM1" -- bare --send 'x'

# Nothing the user owns was modified.
checks=$((checks + 1))
if [ "$(sha256sum < "$tmp/trunc.img")" = "$sum_trunc" ] && [ "$(sha256sum < "$tmp/rom.bin")" = "$sum_rom" ]; then
    echo "ok   input files untouched"
else
    echo "FAIL input files changed"; fails=$((fails + 1))
fi
echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
