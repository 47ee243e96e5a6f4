#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs every Debian package that building, testing and benchmarking Amber need.
# Used by the README's quick start and by .ci/run; safe to run again.
set -e
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
# A mirror mid-sync can fail one index of many ("File has unexpected size"): retry, and if it
# still fails go on with the lists apt has; the install below fails loudly if anything is missing.
if ! $SUDO apt-get update -q; then
    sleep 10
    $SUDO apt-get update -q || echo "install-deps: apt-get update reported errors; using the package lists apt has" >&2
fi
$SUDO apt-get install -y -q --no-install-recommends \
    build-essential autoconf automake libtool pkg-config nasm \
    libglib2.0-dev zlib1g-dev libarchive-dev libpng-dev libsndfile1-dev \
    libsdl2-dev libgtk-3-dev \
    seabios bochsbios vgabios \
    xvfb xauth xdotool x11-utils python3-xlib gzip zip p7zip-full tar binutils \
    libclang-rt-14-dev clang \
    mtools syslinux syslinux-common cpio fdisk dosfstools
