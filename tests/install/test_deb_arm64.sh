#!/bin/sh
# test_deb_arm64.sh DEB_DIR - the arm64 packages scripts/build-deb cross-built into DEB_DIR
# are what a Raspberry Pi can install: each says Architecture: arm64, holds its programs,
# configuration and unit where the amd64 package does, every program inside is an AArch64
# executable, and each starts (under qemu-aarch64-static), prints its help and accepts the
# configuration file shipped with it. The packages are read with dpkg-deb; nothing is
# installed (the arm64 root filesystem is another test's).
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }

debs=$(cd "$1" && pwd)
version=$(dpkg-parsechangelog -l "$(dirname "$0")/../../debian/changelog" -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/lantern-deb-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT

# check PACKAGE PROGRAM... -- FILE...: PACKAGE's arm64 .deb holds the PROGRAMs (aarch64,
# each answering --help) and the FILEs; it is unpacked in $work/PACKAGE.
check() {
    pkg=$1
    shift
    deb=$debs/${pkg}_${version}_arm64.deb
    [ -f "$deb" ] || fail "no $deb: run scripts/build-deb $debs arm64"
    [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] ||
        fail "$pkg: Architecture is $(dpkg-deb -f "$deb" Architecture), not arm64"
    [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$pkg: not version $version"
    dpkg-deb --info "$deb" >/dev/null || fail "$pkg: dpkg-deb --info cannot read it"
    contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
    dir=$work/$pkg
    mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    programs=1
    for f in "$@"; do
        if [ "$f" = -- ]; then
            programs=0
            continue
        fi
        printf '%s\n' "$contents" | grep -qxF ".$f" || fail "$pkg does not hold $f"
        [ "$programs" = 1 ] || continue
        machine=$(readelf -h "$dir$f" | sed -n 's/^ *Machine: *//p')
        [ "$machine" = AArch64 ] || fail "$pkg: $f is built for '$machine', not AArch64"
        name=${f##*/}
        out=$(qemu-aarch64-static "$dir$f" --help 2>&1) || fail "$pkg: $f --help: $out"
        case $out in
        *"$name"*) ;;
        *) fail "$pkg: $f --help does not name $name: $out" ;;
        esac
    done
    # Nothing in usr/bin is built for another machine either.
    for f in "$dir"/usr/bin/*; do
        machine=$(readelf -h "$f" | sed -n 's/^ *Machine: *//p')
        [ "$machine" = AArch64 ] || fail "$pkg: $f is built for '$machine', not AArch64"
    done
    # Its libraries are the arm64 ones Debian ships for the Pi, found by dpkg-shlibdeps.
    depends=$(dpkg-deb -f "$deb" Depends)
    case $depends in
    *libc6*) ;;
    *) fail "$pkg: Depends lacks libc6 (dpkg-shlibdeps found nothing?): $depends" ;;
    esac
    echo "$pkg: arm64, $(printf '%s\n' "$contents" | grep -c '/usr/bin/.') aarch64 programs"
}

check lantern-kiosk /usr/bin/lantern-kiosk -- /etc/lantern/kiosk.conf \
    /lib/systemd/system/lantern-kiosk.service
check lantern-server /usr/bin/lanternd /usr/bin/lanternctl /usr/bin/lantern-sim -- \
    /etc/lantern/lanternd.conf /lib/systemd/system/lanternd.service \
    /usr/share/lantern/bbn/

# The arm64 programs read the files shipped beside them (a mistake stops them with its line).
k=$work/lantern-kiosk
out=$(qemu-aarch64-static "$k/usr/bin/lantern-kiosk" --config "$k/etc/lantern/kiosk.conf" \
    --help 2>&1) || fail "the arm64 lantern-kiosk refuses its shipped kiosk.conf: $out"
s=$work/lantern-server
out=$(qemu-aarch64-static "$s/usr/bin/lanternd" --config "$s/etc/lantern/lanternd.conf" \
    --help 2>&1) || fail "the arm64 lanternd refuses its shipped lanternd.conf: $out"
echo "arm64 packages: lantern-kiosk and lantern-server hold aarch64 programs that run"
