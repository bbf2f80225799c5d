#!/bin/sh
# test_units.sh BUILD_DIR - both systemd units pass `systemd-analyze verify`, started on the
# programs of this build: the units in the tree start /usr/local/bin/PROGRAM (a source
# install; the packages' copies start /usr/bin/PROGRAM, checked installed by test_deb.sh),
# and verify wants the program to exist. Any warning fails too.
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/lantern-units.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for unit in "$src/server/systemd/lanternd.service" "$src/hw/systemd/lantern-kiosk.service"; do
    name=$(basename "$unit")
    grep -q '^ExecStart=/usr/local/bin/' "$unit" || fail "$name does not start /usr/local/bin/..."
    sed "s#/usr/local/bin/#$build/bin/#" "$unit" >"$dir/$name"
done
out=$(systemd-analyze verify "$dir/lanternd.service" "$dir/lantern-kiosk.service" 2>&1) ||
    fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"

# The kiosk's unit never stops restarting it: systemd's default start limit (5 starts in 10 s)
# would leave the door with a blank screen, for good, after a few quick failures (a display not
# yet plugged in). A missing camera is no failure at all: the kiosk runs and says so
# (test_kiosk_camera__watchdog_fed_while_the_camera_is_down).
kiosk=$src/hw/systemd/lantern-kiosk.service
grep -qx 'StartLimitIntervalSec=0' "$kiosk" || fail "lantern-kiosk.service gives up restarting the kiosk"
grep -qx 'Restart=always' "$kiosk" || fail "lantern-kiosk.service does not restart the kiosk"
grep -q '^WatchdogSec=' "$kiosk" || fail "lantern-kiosk.service has no WatchdogSec"
# Nor does the screen wait for the network at boot: the kiosk works offline.
grep -q '^[^#]*network-online' "$kiosk" && fail "lantern-kiosk.service waits for the network at boot"

# A unit with a mistake in it is caught: the check itself can fail.
sed 's/^Restart=/Restrat=/' "$dir/lanternd.service" >"$dir/broken.service"
if out=$(systemd-analyze verify "$dir/broken.service" 2>&1) && [ -z "$out" ]; then
    fail "systemd-analyze verify let a misspelt key through"
fi
echo "units: lanternd.service and lantern-kiosk.service verify"
