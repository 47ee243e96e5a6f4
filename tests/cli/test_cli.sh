#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The amber command's contract: exit codes and one-line errors that name the file and the problem.
amber="${AMBER_BUILDDIR:-.}/amber"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

expect() { # expect DESCRIPTION EXPECTED_STATUS GREP_PATTERN -- command...
    desc=$1 want=$2 pat=$3
    shift 4
    checks=$((checks + 1))
    "$@" > "$tmp/out" 2>&1
    got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL $desc: exit $got, wanted $want"; cat "$tmp/out"; fails=$((fails + 1)); return
    fi
    if ! grep -q -- "$pat" "$tmp/out"; then
        echo "FAIL $desc: output lacks '$pat'"; cat "$tmp/out"; fails=$((fails + 1)); return
    fi
    echo "ok   $desc"
}

expect "no arguments prints what it can do" 0 "amber run" -- "$amber"
expect "--version" 0 "amber [0-9]" -- "$amber" --version
expect "boards lists the bare board" 0 "^bare" -- "$amber" boards
expect "unknown command" 1 "unknown command 'frobnicate'" -- "$amber" frobnicate
expect "missing profile file" 1 "$tmp/nope.ini" -- "$amber" check "$tmp/nope.ini"

printf '[machine]\nboard=bare\nmemory=2M\nname=Test\n' > "$tmp/good.ini"
expect "valid profile" 0 "OK" -- "$amber" check "$tmp/good.ini"

printf '[machine]\nboard=bare\nmemroy=2M\n' > "$tmp/typo.ini"
expect "unknown key names file, section and key" 1 "typo.ini.*machine.*memroy" -- "$amber" check "$tmp/typo.ini"

printf '[machine]\nboard=bare\nmemory=4Q\n' > "$tmp/badval.ini"
expect "bad value names the key" 1 "badval.ini.*memory" -- "$amber" check "$tmp/badval.ini"

printf '[machine]\nboard=bare\n[sound]\nirq=5\n' > "$tmp/sect.ini"
expect "unknown section" 1 "sect.ini.*sound" -- "$amber" check "$tmp/sect.ini"

# One line only: the error is a single line on stderr.
checks=$((checks + 1))
lines=$("$amber" check "$tmp/typo.ini" 2>&1 >/dev/null | wc -l)
if [ "$lines" != 1 ]; then echo "FAIL error is $lines lines, wanted 1"; fails=$((fails + 1)); else echo "ok   error is one line"; fi

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
