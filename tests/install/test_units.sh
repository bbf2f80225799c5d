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

# A unit with a mistake in it is caught: the check itself can fail.
sed 's/^Restart=/Restrat=/' "$dir/lanternd.service" >"$dir/broken.service"
if out=$(systemd-analyze verify "$dir/broken.service" 2>&1) && [ -z "$out" ]; then
    fail "systemd-analyze verify let a misspelt key through"
fi
echo "units: lanternd.service and lantern-kiosk.service verify"
