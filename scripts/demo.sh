#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Amber's main job, as the README's first command runs it: boot a machine and show what it says.
#   scripts/demo.sh        the default machine, unix-i386: builds disks/amber-linux.img from Debian
#                          packages if it is not there yet (disks/README.md), boots Debian's 686
#                          Linux headless with the serial console on standard output, runs
#                          `uname -a` there and switches the machine off.
#   scripts/demo.sh dos    FreeDOS from the test material ($AMBER_SHARED, default ../shared) on
#                          the dos profile, printing the screen after `ver /r`.
top=$(cd "$(dirname "$0")/.." && pwd)
amber="${AMBER:-$top/amber}"
shared="${AMBER_SHARED:-$top/../shared}"

demo_linux() {
    if ! sh "$top/disks/build-linux-disk.sh" "$top"; then
        echo "demo.sh: could not build the Linux test disk (see above); trying FreeDOS instead" >&2
        demo_dos
        return
    fi
    echo "Booting Debian Linux (disks/amber-linux.img) on the unix-i386 profile (Pentium II 300,"
    echo "SeaBIOS), headless; COM1 follows. About 2 minutes on a 2-core machine."
    # The marker is computed by the guest's shell, so the echoed command line cannot match it.
    "$amber" run unix-i386 --serial stdio --stats --wait-text 'Amber Linux test disk ready' \
        --wait-text '# ' --send 'uname -a; grep -c ^processor /proc/cpuinfo; echo DEMO-$((6*7))\n' \
        --wait-text 'DEMO-42' --send 'poweroff -f\n' --sleep 30
    rc=$?
    [ "$rc" = 0 ] && echo "(amber run unix-i386 --window opens it in a window; see README.md)"
    exit $rc
}

demo_dos() {
    img_gz="$shared/guests/freedos-bootdisks/freedos.boot.disk.1.4MB.img.gz"
    if [ ! -f "$img_gz" ]; then
        "$amber"
        cat <<MSG

No test material at $shared (set AMBER_SHARED to the folder that holds guests/).
To boot a disk image of your own:
    $amber run dos --fda floppy.img --window            (a DOS floppy, in a window)
    $amber run dos --hda disk.img --boot c --window     (a hard-disk image)
Images are never modified: the guest's writes go to an overlay that is discarded at exit.
MSG
        exit 0
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    gzip -dc "$img_gz" > "$tmp/freedos.img"
    echo "Booting FreeDOS ($img_gz) on the dos profile (80386, SeaBIOS), headless:"
    "$amber" run dos --fda "$tmp/freedos.img" --wait-text 'A:\>' --type 'ver /r\n' \
        --wait-text 'FreeDOS kernel' --screen-text -
    rc=$?
    [ "$rc" = 0 ] && echo "(add --window to watch it in a window; see README.md for more)"
    exit $rc
}

case "${1:-linux}" in
    linux) demo_linux ;;
    dos) demo_dos ;;
    *) echo "usage: scripts/demo.sh [linux|dos]" >&2; exit 2 ;;
esac
