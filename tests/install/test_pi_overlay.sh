#!/bin/sh
# test_pi_overlay.sh - hw/pi/lantern-overlay, the initramfs script that makes a kiosk's root
# read-only: with lantern.overlay=1 on the kernel command line the card's root is mounted
# read-only under a RAM layer that takes every write, fstab's line for / is left out (in RAM),
# and the card's own files are untouched; without it, or on Raspberry Pi OS's first boot,
# nothing happens. Run as the initramfs would, on a tmpfs standing in for the card's root,
# in a private mount namespace. Needs root (unshare, mount).
set -eu
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || fail "needs root for unshare and mount"
src=$(cd "$(dirname "$0")/../.." && pwd)
ov=$(mktemp -d "${TMPDIR:-/tmp}/lantern-overlay.XXXXXX")
trap 'rm -rf --one-file-system "$ov"' EXIT
mkdir -p "$ov/root"
out=$(unshare --mount --propagation private sh -c '
    set -eu
    ov=$1 script=$2
    mount -t tmpfs tmpfs "$ov/root"
    mkdir -p "$ov/root/etc" "$ov/root/media"
    printf "PARTUUID=1-02 / ext4 defaults 0 1\nLABEL=lantern-data /data ext4 defaults 0 2\n" >"$ov/root/etc/fstab"
    echo card >"$ov/root/etc/hostname"
    # Without the switch on the command line, nothing happens.
    rootmnt=$ov/root LANTERN_OVERLAY_CMDLINE="root=x quiet" sh "$script" >/dev/null
    [ ! -d "$ov/root/media/root-ro" ] || { echo "an overlay without lantern.overlay=1"; exit 1; }
    # Raspberry Pi OS first boot writes to the card (partition IDs), then reboots.
    rootmnt=$ov/root LANTERN_OVERLAY_CMDLINE="root=x lantern.overlay=1 init=/usr/lib/raspberrypi-sys-mods/firstboot" \
        sh "$script" >/dev/null
    [ ! -d "$ov/root/media/root-ro" ] || { echo "an overlay on the first boot"; exit 1; }
    rootmnt=$ov/root LANTERN_OVERLAY_CMDLINE="root=x lantern.overlay=1 quiet" sh "$script" >"$ov/log" 2>&1
    grep -q "the root is read-only" "$ov/log" || { cat "$ov/log"; exit 1; }
    echo kiosk >"$ov/root/etc/hostname"
    touch "$ov/root/new-file"
    [ "$(cat "$ov/root/media/root-ro/etc/hostname")" = card ] || { echo "a write reached the card"; exit 1; }
    [ ! -e "$ov/root/media/root-ro/new-file" ] || { echo "a new file reached the card"; exit 1; }
    [ -e "$ov/root/media/root-rw/upper/new-file" ] || { echo "the write is not in RAM"; exit 1; }
    ! touch "$ov/root/media/root-ro/x" 2>/dev/null || { echo "the card is writable"; exit 1; }
    grep -q "^#lantern-overlay: PARTUUID=1-02 / " "$ov/root/etc/fstab" || { echo "fstab keeps /"; exit 1; }
    grep -q "^LABEL=lantern-data /data" "$ov/root/etc/fstab" || { echo "fstab lost /data"; exit 1; }
    grep -q "^PARTUUID=1-02 / " "$ov/root/media/root-ro/etc/fstab" || { echo "the card fstab changed"; exit 1; }
'  sh "$ov" "$src/hw/pi/lantern-overlay" 2>&1) || fail "overlay: $out"

echo "overlay: the card stays read-only, writes go to RAM, fstab leaves / alone"
