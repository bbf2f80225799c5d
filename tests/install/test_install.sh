#!/bin/sh
# test_install.sh BUILD_DIR - `cmake --install` lays out the programs, the scoring rules, the
# settings files and the systemd units (started from where the programs went), and the
# installed programs read the installed rules (not the source tree's).
set -eu
build=$1
prefix=$(mktemp -d "${TMPDIR:-/tmp}/lantern-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/lanternd bin/lanternctl bin/lantern-sim bin/lantern-kiosk \
         share/lantern/bbn/criteria.ini share/lantern/risk/weights.ini \
         share/lantern/systemd/lanternd.service share/lantern/systemd/lantern-kiosk.service; do
    [ -s "$prefix/$f" ] || fail "$f was not installed"
done
[ -x "$prefix/bin/lanternd" ] || fail "bin/lanternd is not executable"
# The installed units start the installed programs, and the settings files come along.
grep -qx "ExecStart=$prefix/bin/lanternd --config /etc/lantern/lanternd.conf" \
    "$prefix/share/lantern/systemd/lanternd.service" || fail "lanternd.service does not start $prefix/bin/lanternd"
grep -q "^ExecStart=$prefix/bin/lantern-kiosk " "$prefix/share/lantern/systemd/lantern-kiosk.service" ||
    fail "lantern-kiosk.service does not start $prefix/bin/lantern-kiosk"
for f in lanternd.conf kiosk.conf; do
    [ -s "$prefix/share/lantern/conf/$f" ] || fail "share/lantern/conf/$f was not installed"
done

ctl="$prefix/bin/lanternctl --db $prefix/town.db"
unset LANTERN_ASSETS
$ctl init --scheme TST >/dev/null
# The database and the secret keys beside it are the service user's alone.
[ "$(stat -c %a "$prefix/town.db")" = 600 ] || fail "the database is not 0600"
[ "$(stat -c %a "$prefix/keys/town.keys")" = 600 ] || fail "the key file is not 0600"
[ "$(stat -c %a "$prefix/keys")" = 700 ] || fail "the key directory is not 0700"
$ctl venue add --name "The Crown" --category pub --capacity 200 --area Centre >/dev/null
$ctl score --venue 1 | grep -q "rules bbn-default" || fail "the installed lanternctl cannot score"

# The installed copy is the one read: break it and the error names it.
echo "[not a criterion" > "$prefix/share/lantern/bbn/criteria.ini"
if out=$($ctl score --venue 1 2>&1); then fail "scored with broken installed rules: $out"; fi
case $out in
*"$prefix/bin/../share/lantern/bbn/criteria.ini"*) ;;
*) fail "the error does not name the installed rules: $out" ;;
esac
# LANTERN_ASSETS still overrides it.
LANTERN_ASSETS="$(dirname "$0")/../../assets" $ctl score --venue 1 | grep -q "rules bbn-default" ||
    fail "LANTERN_ASSETS is not honoured"
echo "install: programs, rules and units in place; the installed rules are the ones read"
