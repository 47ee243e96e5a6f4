#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the Linux test disk (`make disks` builds disks/amber-linux.img from Debian packages) on the
# unix-i386 profile: SeaBIOS, SYSLINUX, Debian's 686 kernel, a busybox shell on ttyS0 and tty1.
# Checks that the banner comes, that a command line sent on the serial console runs (dmesg, the
# kernel's log, is checked from there) and shows the modelled CPU, that `poweroff -f` switches the
# machine off, and that the image is not written.
# LINUX_SERIAL_LOG=FILE keeps the serial console's log.
amber="${AMBER_BUILDDIR:-.}/amber"
img="${AMBER_SRCDIR:-.}/disks/amber-linux.img"
if [ ! -f "$img" ]; then
    echo "SKIP: no Linux test disk at $img (run \`make disks\`; it downloads Debian packages)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sum_before=$(sha256sum "$img" | cut -d' ' -f1)
pass=0
fail=0
check() { # check DESCRIPTION COMMAND...
    desc=$1
    shift
    if "$@"; then
        echo "ok   $desc"
        pass=$((pass + 1))
    else
        echo "FAIL $desc"
        fail=$((fail + 1))
    fi
}
# The shell prints its prompt and then asks the terminal where the cursor is (ESC [6n); nobody
# answers, which busybox tolerates. The marker is computed by the shell, so the typed command
# line echoed back cannot match it.
"$amber" run unix-i386 --hda "$img" --serial "$tmp/serial.txt" --timeout 150 --stats \
    --wait-text 'Amber Linux test disk ready' --wait-text '# ' \
    --send 'dmesg; cat /proc/interrupts; uname -m; grep -c ^processor /proc/cpuinfo; grep "^model name" /proc/cpuinfo; echo MARK-$((6*7))\n' \
    --wait-text 'MARK-42' --send 'poweroff -f\n' --sleep 30 > "$tmp/out.txt" 2>&1
rc=$?
tr -d '\r' < "$tmp/serial.txt" > "$tmp/serial.log"
check "amber exits 0 (exit $rc)" [ "$rc" = 0 ]
check "the kernel starts (Linux version ...)" grep -q '^\[ *0\.000000\] Linux version 6\.' "$tmp/serial.log"
check "the banner names the kernel and i686" \
    grep -q '^Amber Linux test disk ready (Linux [^ ]* i686)' "$tmp/serial.log"
check "uname -m on the serial console says i686" grep -qx 'i686' "$tmp/serial.log"
check "/proc/cpuinfo has one processor" grep -qx '1' "$tmp/serial.log"
check "/proc/cpuinfo shows the modelled Pentium II" \
    grep -q '^model name[[:space:]]*: Pentium II' "$tmp/serial.log"
check "the shell ran the command line (MARK-42)" grep -qx 'MARK-42' "$tmp/serial.log"
check "poweroff -f switches the machine off (ACPI soft-off)" \
    grep -q 'the machine switched itself off' "$tmp/out.txt"
check "ACPI found SeaBIOS's tables and the PM timer" \
    sh -c "grep -q 'ACPI: FACP' '$tmp/serial.log' && grep -q 'clocksource: acpi_pm' '$tmp/serial.log'"
check "interrupts go through the I/O APIC (IO-APIC lines in /proc/interrupts)" \
    grep -Eq '^ *(1|4): +[0-9]+ +IO-APIC' "$tmp/serial.log"
check "the local APIC timer ticks (LOC in /proc/interrupts above 0)" \
    grep -Eq '^ *LOC: +[1-9][0-9]* ' "$tmp/serial.log"
check "the kernel keeps the TSC as its clock (Switched to clocksource tsc)" \
    grep -q 'clocksource: Switched to clocksource tsc$' "$tmp/serial.log"
# The kernel's crypto self-tests (RSA, DH, SHA, AES... against known answers) run at boot: a
# wrong result from the CPU shows up here.
check "no crypto self-test failed" sh -c "! grep -E 'alg: .*(fail|error)' '$tmp/serial.log'"
check "no kernel BUG, Oops, WARNING or panic" \
    sh -c "! grep -E 'BUG:|Oops|WARNING:|Kernel panic|invalid opcode|general protection' '$tmp/serial.log'"
check "the disk image is unchanged" [ "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum_before" ]
grep -E 'guest .* host|switched itself off' "$tmp/out.txt"
if [ "$fail" != 0 ]; then
    sed 's/^/  out| /' "$tmp/out.txt" | tail -5
    sed 's/^/  serial| /' "$tmp/serial.log" | tail -40
fi
if [ -n "${LINUX_SERIAL_LOG:-}" ]; then
    cp "$tmp/serial.log" "$LINUX_SERIAL_LOG"
fi
echo "linux boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
