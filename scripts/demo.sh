#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Amber's main job, as the README's first command runs it: boot a preserved disk and show what it
# says. Uses the FreeDOS floppy from the test material ($AMBER_SHARED, default ../shared) when it
# is there; otherwise explains how to give Amber a disk image.
top=$(cd "$(dirname "$0")/.." && pwd)
amber="${AMBER:-$top/amber}"
shared="${AMBER_SHARED:-$top/../shared}"
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
