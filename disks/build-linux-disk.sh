#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds disks/amber-linux.img: a 32 MiB hard-disk image (MBR from SYSLINUX's mbr.bin, one FAT16
# partition with SYSLINUX) that boots Debian's i386 `linux-image-686` kernel with an initramfs made
# of `busybox-static:i386`. The initramfs /init mounts /proc, /sys and /dev, prints a banner and
# runs a shell on the serial port (ttyS0) and on the VGA console (tty1). See disks/README.md.
#
# Usage: build-linux-disk.sh [--force] [SRCDIR]
#   SRCDIR   the Amber source tree (default: the folder above this script). The image is written
#            to SRCDIR/disks/amber-linux.img; downloads and scratch files go to
#            SRCDIR/disks/.cache/.
#   --force  rebuild even if the image exists (otherwise an existing image is left alone).
#
# Everything comes from Debian's archive with `apt-get download`. Nothing is mounted: the image is
# laid out with dd/printf (MBR), mtools (FAT) and the mtools-based `syslinux` installer, so no loop
# device or root-only mount is needed. Root is only needed once, to add the i386 architecture to
# dpkg (`dpkg --add-architecture i386 && apt-get update`) when it is not configured yet.
# The tools come from scripts/install-deps.sh; this script installs nothing else.
set -eu

force=0
srcdir=
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-linux-disk.sh: unknown option $arg" >&2; exit 2 ;;
        *) srcdir=$arg ;;
    esac
done
if [ -z "$srcdir" ]; then
    srcdir=$(cd "$(dirname "$0")/.." && pwd)
fi
srcdir=$(cd "$srcdir" && pwd)
out="$srcdir/disks/amber-linux.img"
cache="$srcdir/disks/.cache"

# The layout version: bumped whenever what this script puts on the disk changes, so an image
# made by an older version of the script is rebuilt instead of silently kept. It is written into
# VERSIONS.TXT on the disk.
layout="amber-linux-disk layout 2"
part_offset=$((63 * 512))
if [ -f "$out" ] && [ "$force" = 0 ]; then
    if command -v mtype >/dev/null 2>&1 &&
       MTOOLS_SKIP_CHECK=1 mtype -i "$out@@$part_offset" ::VERSIONS.TXT 2>/dev/null |
           tr -d '\r' | grep -qx "$layout"; then
        echo "build-linux-disk.sh: $out exists ($layout); not rebuilding (use --force to rebuild)"
        exit 0
    fi
    echo "build-linux-disk.sh: $out was made by another version of this script; rebuilding"
fi

die() {
    echo "build-linux-disk.sh: $*" >&2
    exit 1
}

# --- Tools (all from scripts/install-deps.sh) -----------------------------------------------------
missing=
for pair in mformat:mtools mcopy:mtools mdir:mtools syslinux:syslinux cpio:cpio gzip:gzip \
            sfdisk:fdisk fsck.fat:dosfstools dpkg-deb:dpkg apt-get:apt apt-cache:apt; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
mbr_bin=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr_bin" ] || missing="$missing syslinux-common"
if [ -n "$missing" ]; then
    die "missing Debian packages:$missing (run scripts/install-deps.sh)"
fi

# --- i386 packages must be visible to apt --------------------------------------------------------
# linux-image-686 and busybox-static:i386 live in the i386 part of the archive, which an amd64
# system only sees after `dpkg --add-architecture i386` and an `apt-get update`.
i386_visible() {
    apt-cache show --no-all-versions linux-image-686:i386 >/dev/null 2>&1 &&
        apt-cache show --no-all-versions busybox-static:i386 >/dev/null 2>&1
}
if ! i386_visible; then
    if [ "$(id -u)" != 0 ]; then
        die "apt does not know the i386 packages; as root run:" \
            "dpkg --add-architecture i386 && apt-get update"
    fi
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        echo "build-linux-disk.sh: adding the i386 architecture to dpkg" \
             "(for linux-image-686 and busybox-static:i386)"
        dpkg --add-architecture i386
    fi
    # A partly failed update (say, one mirror index mid-sync) is fine as long as the two packages
    # are known afterwards.
    apt-get update -q || echo "build-linux-disk.sh: apt-get update reported errors; going on" >&2
    i386_visible || die "apt still does not know linux-image-686:i386 after apt-get update"
fi

# --- Download ------------------------------------------------------------------------------------
field() { # field PACKAGE:ARCH FIELD -> the candidate version's field
    apt-cache show --no-all-versions "$1" | sed -n "s/^$2: //p" | head -n 1
}
# linux-image-686 is a metapackage; its first dependency is the real kernel package.
kpkg=$(field linux-image-686:i386 Depends | sed 's/[ ,(|].*//')
case "$kpkg" in
    linux-image-*-686) ;;
    *) die "cannot tell the kernel package from linux-image-686:i386 (got '$kpkg')" ;;
esac
kver=${kpkg#linux-image-}

mkdir -p "$cache/debs"
apt_opts=
if [ "$(id -u)" = 0 ]; then
    # apt drops root to _apt for downloads; the cache folder is ours, so download as root.
    apt_opts="-o APT::Sandbox::User=root"
fi
fetch() { # fetch PACKAGE -> prints the path of its i386 .deb in the cache
    ver=$(field "$1:i386" Version)
    [ -n "$ver" ] || die "no candidate version of $1:i386"
    deb="$cache/debs/${1}_$(echo "$ver" | sed 's/:/%3a/')_i386.deb"
    if [ ! -s "$deb" ]; then
        echo "build-linux-disk.sh: downloading $1:i386 $ver" >&2
        # shellcheck disable=SC2086 # apt_opts is empty or one option pair
        (cd "$cache/debs" && apt-get download -q $apt_opts "$1:i386=$ver" >&2) ||
            die "apt-get download $1:i386=$ver failed"
    fi
    [ -s "$deb" ] || die "apt-get download did not leave $deb"
    echo "$deb"
}
kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)
kdebver=$(dpkg-deb -f "$kdeb" Version)
bdebver=$(dpkg-deb -f "$bdeb" Version)

# --- Work area -----------------------------------------------------------------------------------
work="$cache/scratch"
rm -rf "$work"
mkdir -p "$work/kernel" "$work/busybox" "$work/root"
dpkg-deb --fsys-tarfile "$kdeb" |
    tar -x -C "$work/kernel" "./boot/vmlinuz-$kver" "./boot/config-$kver"
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$work/busybox" ./bin/busybox
vmlinuz="$work/kernel/boot/vmlinuz-$kver"

# Every timestamp in the image is the kernel's build time, so the same packages give the same
# image byte for byte (mtools and cpio honour SOURCE_DATE_EPOCH / fixed mtimes).
SOURCE_DATE_EPOCH=$(stat -c %Y "$vmlinuz")
export SOURCE_DATE_EPOCH

# The kernel must have, built in, what the shell needs before any module could load.
for opt in CONFIG_BLK_DEV_INITRD CONFIG_RD_GZIP CONFIG_DEVTMPFS CONFIG_SERIAL_8250_CONSOLE \
           CONFIG_VGA_CONSOLE CONFIG_VT_CONSOLE CONFIG_BINFMT_ELF CONFIG_PROC_FS CONFIG_SYSFS; do
    grep -qx "$opt=y" "$work/kernel/boot/config-$kver" || die "$kpkg lacks $opt=y"
done

# --- Initramfs -----------------------------------------------------------------------------------
root="$work/root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/dev" "$root/proc" \
         "$root/sys" "$root/tmp" "$root/root" "$root/etc"
cp "$work/busybox/bin/busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cat > "$root/init" <<'EOF'
#!/bin/sh
# /init of the Amber Linux test disk (made by disks/build-linux-disk.sh in the Amber tree).
# The root file system is this initramfs itself: no disk driver and no kernel module is needed.
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root TERM=linux PS1='# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
hostname amber
# The serial port at 115200 baud 8N1, as SYSLINUX had it (the kernel console is not on it, so
# nothing else sets its speed; a tty starts at 9600).
stty -F /dev/ttyS0 115200 cs8 -parenb -cstopb 2>/dev/null
banner="Amber Linux test disk ready (Linux $(uname -r) $(uname -m))"
for tty in ttyS0 tty1; do
    echo "$banner" > /dev/$tty
done
# From here on only warnings and worse reach the consoles, so that late informational kernel
# messages do not fall into the shells' output; `dmesg` shows everything.
dmesg -n 5
# One shell per console, each in its own session with the console as its controlling terminal
# (so Ctrl-C and job control work), started again if it exits.
shell() {
    while :; do
        setsid -c sh -i < /dev/$1 > /dev/$1 2>&1
        sleep 1
    done
}
shell ttyS0 &
shell tty1 &
# PID 1 must never exit; it also reaps orphans. `poweroff -f` switches the machine off.
while :; do
    wait
    sleep 1
done
EOF
chmod 0755 "$root/init"
cat > "$root/etc/VERSIONS" <<EOF
$layout
$kpkg $kdebver
busybox-static $bdebver
EOF
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# The kernel opens /dev/console before it runs /init, so the archive needs that node. Making it
# with mknod would need root; instead a second newc archive holding only dev/console (character
# device 5,1) is written by hand and appended: the kernel unpacks concatenated archives.
newc_entry() { # newc_entry NAME MODE RDEVMAJOR RDEVMINOR INO
    namesize=$(( ${#1} + 1 ))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$5" "$2" 0 0 1 "$SOURCE_DATE_EPOCH" 0 0 0 "$3" "$4" "$namesize" 0
    printf '%s\0' "$1"
    # header (110 bytes) + name are padded to a multiple of 4
    pad=$(( (4 - (110 + namesize) % 4) % 4 ))
    [ "$pad" = 0 ] || head -c "$pad" /dev/zero
}
(
    cd "$root"
    find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet
    newc_entry dev/console $((0020000 | 0600)) 5 1 1
    newc_entry TRAILER!!! 0 0 0 0
) | gzip -9 -n > "$work/INITRD.GZ"

# --- SYSLINUX configuration ----------------------------------------------------------------------
cat > "$work/SYSLINUX.CFG" <<EOF
SERIAL 0 115200
PROMPT 1
TIMEOUT 10
DEFAULT amber
LABEL amber
    LINUX /VMLINUZ
    INITRD /INITRD.GZ
    APPEND console=tty0
LABEL serial
    LINUX /VMLINUZ
    INITRD /INITRD.GZ
    APPEND console=tty0 console=ttyS0,115200n8
LABEL early
    LINUX /VMLINUZ
    INITRD /INITRD.GZ
    APPEND console=tty0 console=ttyS0,115200n8 earlyprintk=serial,ttyS0,115200 keep_bootcon ignore_loglevel
EOF
cp "$root/etc/VERSIONS" "$work/VERSIONS.TXT"
touch -d "@$SOURCE_DATE_EPOCH" "$work/SYSLINUX.CFG" "$work/VERSIONS.TXT" "$work/INITRD.GZ"
cp -p "$vmlinuz" "$work/VMLINUZ"

# --- Disk image ----------------------------------------------------------------------------------
# Geometry 65 cylinders x 16 heads x 63 sectors (the ATA default translation, 31.99 MiB), one
# primary FAT16 partition from sector 63 (cylinder 0, head 1) to the end of the last cylinder, so
# the CHS values in the partition entry agree with whatever geometry a BIOS or emulator infers.
cyls=65
heads=16
spt=63
total=$((cyls * heads * spt))
pstart=$spt
psize=$((total - pstart))
img="$work/amber-linux.img"
rm -f "$img"
truncate -s $((total * 512)) "$img"
dd if="$mbr_bin" of="$img" bs=440 count=1 conv=notrunc status=none
le32() { # four little-endian bytes as printf escapes
    printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) \
        $(($1 >> 24 & 255))
}
chs() { # chs LBA -> the three CHS bytes of a partition entry
    c=$(($1 / (heads * spt)))
    h=$(($1 / spt % heads))
    s=$(($1 % spt + 1))
    printf '\\%03o\\%03o\\%03o' "$h" $((s | (c >> 2 & 0xC0))) $((c & 255))
}
# Disk signature (fixed, for a reproducible image), then the one partition entry: active, type 06
# (FAT16 > 32 MiB-style, which is what mformat lays out here), then 0x55AA.
# shellcheck disable=SC2059 # the format strings are built from octal escapes on purpose
{
    printf "$(le32 0x414D4245)\\000\\000"
    printf "\\200$(chs $pstart)\\006$(chs $((total - 1)))$(le32 $pstart)$(le32 $psize)"
    head -c 48 /dev/zero
    printf '\125\252'
} | dd of="$img" bs=1 seek=440 conv=notrunc status=none

export MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=1
part="$img@@$((pstart * 512))"
mformat -i "$part" -T "$psize" -h "$heads" -s "$spt" -H "$pstart" -N 414D4245 -v AMBERLINUX ::
syslinux --offset $((pstart * 512)) --install "$img"
mcopy -i "$part" -m "$work/SYSLINUX.CFG" "$work/VMLINUZ" "$work/INITRD.GZ" "$work/VERSIONS.TXT" ::

# --- Checks --------------------------------------------------------------------------------------
sfdisk -d "$img" | grep -q "start= *$pstart, size= *$psize, type=6, bootable" ||
    die "the partition table did not come out as intended: $(sfdisk -d "$img")"
dd if="$img" of="$work/part.img" bs=512 skip="$pstart" status=none
fsck.fat -n "$work/part.img" > "$work/fsck.log" 2>&1 || die "fsck.fat -n: $(cat "$work/fsck.log")"
for f in LDLINUX.SYS LDLINUX.C32 SYSLINUX.CFG VMLINUZ INITRD.GZ; do
    mdir -i "$part" -a -b "::/$f" >/dev/null 2>&1 || die "$f is missing from the image"
done

mv "$img" "$out"
rm -rf "$work"
echo "build-linux-disk.sh: wrote $out"
echo "  kernel:  $kpkg $kdebver"
echo "  busybox: busybox-static $bdebver"
echo "  sha256:  $(sha256sum "$out" | cut -d' ' -f1)"
