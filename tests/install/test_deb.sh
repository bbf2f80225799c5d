#!/bin/sh
# test_deb.sh DEB_DIR - installs, upgrades, removes and purges the lantern-server and
# lantern-kiosk packages (built by scripts/build-deb into DEB_DIR) with dpkg, in a throwaway
# root: this machine's own Debian 12 system as the read-only lower layer of an overlay, with
# every change going to a temporary upper layer, in a private mount namespace. dpkg, adduser
# and the maintainer scripts run for real (no --force, no --root); the host is not touched.
# docs/deploy.md, "How the packages are tested", says why an overlay and not debootstrap.
# Needs root (unshare, mount, chroot), as CI and scripts/install-deps have.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root for unshare, mount and chroot"

# The mounts live in a namespace of their own and vanish with it; only then is the work
# directory removed, from outside, so that nothing mounted is ever deleted through.
if [ -z "${LNT_DEB_WORK:-}" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/lantern-deb.XXXXXX")
    status=0
    LNT_DEB_WORK=$work unshare --mount --propagation private sh "$0" "$@" || status=$?
    rm -rf --one-file-system "$work"
    exit $status
fi

debs=$(cd "$1" && pwd)
server=$(ls "$debs"/lantern-server_*.deb | head -1)
kiosk=$(ls "$debs"/lantern-kiosk_*.deb | head -1)
[ -f "$server" ] && [ -f "$kiosk" ] || fail "no packages in $debs: run scripts/build-deb"
work=$LNT_DEB_WORK
root=$work/root
lanternd_pid=
stop_lanternd() {
    [ -z "$lanternd_pid" ] && return 0
    kill "$lanternd_pid" 2>/dev/null || true
    wait "$lanternd_pid" 2>/dev/null || true
    lanternd_pid=
}
trap stop_lanternd EXIT
mkdir -p "$work/upper" "$work/ovl" "$root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/ovl" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/run" # no running systemd here: units are installed, not started
mount -t tmpfs tmpfs "$root/tmp"
in_root() { chroot "$root" "$@"; }
as_lantern() { chroot --userspec=lantern:lantern "$root" "$@"; }
mode_of() { in_root stat -c '%U:%G %a' "$1"; }

# A root without Lantern in it.
! in_root getent passwd lantern >/dev/null || fail "the lower root already has a lantern user"
[ ! -e "$root/etc/lantern" ] || fail "the lower root already has /etc/lantern"
! in_root dpkg-query -W lantern-server >/dev/null 2>&1 || fail "lantern-server is already installed"

# ---- install ----
cp "$server" "$root/tmp/server.deb"
cp "$kiosk" "$root/tmp/kiosk.deb"
in_root dpkg -i /tmp/server.deb /tmp/kiosk.deb >"$work/install.log" 2>&1 ||
    fail "dpkg -i: $(cat "$work/install.log")"
for p in lantern-server lantern-kiosk; do
    [ "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' $p)" = "ii " ] || fail "$p is not installed"
done

# The user: a system account with no login.
entry=$(in_root getent passwd lantern) || fail "no lantern user"
uid=$(echo "$entry" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail "lantern is not a system user (uid $uid)"
case $entry in *:/usr/sbin/nologin) ;; *) fail "lantern can log in: $entry" ;; esac
in_root getent group lantern >/dev/null || fail "no lantern group"

# Files, owners and modes.
[ "$(mode_of /var/lib/lantern)" = "lantern:lantern 750" ] ||
    fail "/var/lib/lantern is $(mode_of /var/lib/lantern), expected lantern:lantern 750"
[ "$(mode_of /etc/lantern)" = "root:root 755" ] || fail "/etc/lantern is $(mode_of /etc/lantern)"
for f in lanternd.conf kiosk.conf; do
    [ "$(mode_of /etc/lantern/$f)" = "root:root 644" ] ||
        fail "/etc/lantern/$f is $(mode_of /etc/lantern/$f)"
done
for f in lanternd lanternctl lantern-sim lantern-kiosk; do
    [ "$(mode_of /usr/bin/$f)" = "root:root 755" ] || fail "/usr/bin/$f is $(mode_of /usr/bin/$f)"
done
[ -s "$root/usr/share/lantern/bbn/criteria.ini" ] || fail "no scoring rules"
in_root dpkg-query -W -f='${Conffiles}\n' lantern-server | grep -q ' /etc/lantern/lanternd.conf ' ||
    fail "lanternd.conf is not a conffile"
in_root dpkg-query -W -f='${Conffiles}\n' lantern-kiosk | grep -q ' /etc/lantern/kiosk.conf ' ||
    fail "kiosk.conf is not a conffile"
grep -qx 'ExecStart=/usr/bin/lanternd --config /etc/lantern/lanternd.conf' \
    "$root/lib/systemd/system/lanternd.service" ||
    fail "lanternd.service does not start /usr/bin/lanternd"
grep -qx 'ExecStart=/usr/bin/lantern-kiosk --config /etc/lantern/kiosk.conf' \
    "$root/lib/systemd/system/lantern-kiosk.service" ||
    fail "lantern-kiosk.service does not start /usr/bin/lantern-kiosk"

# The kiosk's log stays in RAM with a cap: journald as configured there reads the drop-in.
jconf=$(in_root systemd-analyze cat-config systemd/journald.conf 2>&1) ||
    fail "systemd-analyze cat-config journald.conf: $jconf"
printf '%s\n' "$jconf" | grep -qx 'Storage=volatile' || fail "journald drop-in: not Storage=volatile"
printf '%s\n' "$jconf" | grep -qx 'RuntimeMaxUse=16M' || fail "journald drop-in: no size cap"

# The units as installed verify, on the installed programs and user.
out=$(in_root systemd-analyze verify /lib/systemd/system/lanternd.service \
    /lib/systemd/system/lantern-kiosk.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"

# The programs run, and read their shipped files without complaint.
in_root lanternctl --help | grep -q "usage: lanternctl" || fail "lanternctl --help"
in_root lanternd --config /etc/lantern/lanternd.conf --help >/dev/null ||
    fail "lanternd refuses its shipped lanternd.conf"
in_root lantern-kiosk --config /etc/lantern/kiosk.conf --help >/dev/null ||
    fail "lantern-kiosk refuses its shipped kiosk.conf"

# A scheme as its administrator makes one, and lanternd serving it as the lantern user with the
# shipped settings (on a free port: this is a shared machine).
as_lantern lanternctl --db /var/lib/lantern/lantern.db init --scheme TST >/dev/null ||
    fail "lanternctl init as lantern"
as_lantern lanternctl --db /var/lib/lantern/lantern.db venue add --name "The Crown" \
    --category pub --capacity 200 --area Centre >/dev/null || fail "lanternctl venue add"
[ "$(mode_of /var/lib/lantern/keys/lantern.keys)" = "lantern:lantern 600" ] || fail "key file mode"
as_lantern lanternd --config /etc/lantern/lanternd.conf --listen 127.0.0.1:0 \
    --port-file /var/lib/lantern/port >"$work/lanternd.log" 2>&1 &
lanternd_pid=$!
i=0
while [ ! -s "$root/var/lib/lantern/port" ]; do
    i=$((i + 1))
    [ $i -lt 300 ] || fail "the installed lanternd did not start: $(cat "$work/lanternd.log")"
    kill -0 "$lanternd_pid" 2>/dev/null ||
        fail "the installed lanternd stopped: $(cat "$work/lanternd.log")"
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$(cat "$root/var/lib/lantern/port")/healthz" | grep -q '"status":"ok"' ||
    fail "the installed lanternd does not answer /healthz"
stop_lanternd
rm -f "$root/var/lib/lantern/port"

# ---- upgrade: a higher version keeps the data and the administrator's edits ----
echo "threads = 4" >>"$root/etc/lantern/lanternd.conf"
edited=$(md5sum <"$root/etc/lantern/lanternd.conf")
keys=$(md5sum <"$root/var/lib/lantern/keys/lantern.keys")
old=$(in_root dpkg-query -W -f='${Version}' lantern-server)
dpkg-deb -R "$server" "$work/next"
sed -i "s/^Version: .*/Version: ${old}+next1/" "$work/next/DEBIAN/control"
echo "; the next version's rules" >>"$work/next/usr/share/lantern/risk/weights.ini"
(cd "$work/next" && find usr lib -type f -exec md5sum {} + >DEBIAN/md5sums)
dpkg-deb -b "$work/next" "$root/tmp/server-next.deb" >/dev/null
in_root dpkg -i /tmp/server-next.deb </dev/null >"$work/upgrade.log" 2>&1 ||
    fail "upgrade: $(cat "$work/upgrade.log")"
[ "$(in_root dpkg-query -W -f='${Version}' lantern-server)" = "${old}+next1" ] || fail "not upgraded"
tail -1 "$root/usr/share/lantern/risk/weights.ini" | grep -q "next version" ||
    fail "the upgrade did not install the new files"
[ "$(md5sum <"$root/etc/lantern/lanternd.conf")" = "$edited" ] ||
    fail "the upgrade lost the edit to lanternd.conf"
[ "$(md5sum <"$root/var/lib/lantern/keys/lantern.keys")" = "$keys" ] ||
    fail "the upgrade changed the keys"
as_lantern lanternctl --db /var/lib/lantern/lantern.db venue list | grep -q "The Crown" ||
    fail "the upgrade lost the database"
[ "$(mode_of /var/lib/lantern)" = "lantern:lantern 750" ] || fail "the upgrade changed /var/lib/lantern"

# ---- remove, then purge ----
in_root dpkg -r lantern-server >"$work/remove.log" 2>&1 || fail "dpkg -r: $(cat "$work/remove.log")"
[ ! -e "$root/usr/bin/lanternd" ] || fail "remove left /usr/bin/lanternd"
[ -f "$root/etc/lantern/lanternd.conf" ] || fail "remove (not purge) took lanternd.conf"
in_root dpkg -P lantern-server >"$work/purge.log" 2>&1 || fail "dpkg -P: $(cat "$work/purge.log")"
[ ! -e "$root/etc/lantern/lanternd.conf" ] || fail "purge left lanternd.conf"
# The records and keys the administrator made are kept, and purge says so.
[ -f "$root/var/lib/lantern/lantern.db" ] || fail "purge deleted the database"
[ -f "$root/var/lib/lantern/keys/lantern.keys" ] || fail "purge deleted the keys"
grep -q "kept /var/lib/lantern" "$work/purge.log" || fail "purge did not say it kept the database"
in_root getent passwd lantern >/dev/null || fail "purge removed the lantern user"

# Installed and purged before any database: nothing is left in /var/lib or /etc.
rm -rf "$root/var/lib/lantern"
in_root dpkg -i /tmp/server.deb >"$work/reinstall.log" 2>&1 ||
    fail "reinstall: $(cat "$work/reinstall.log")"
[ -d "$root/var/lib/lantern" ] || fail "reinstall made no /var/lib/lantern"
in_root dpkg -P lantern-server lantern-kiosk >"$work/purge2.log" 2>&1 ||
    fail "dpkg -P: $(cat "$work/purge2.log")"
[ ! -e "$root/var/lib/lantern" ] || fail "purge left an empty /var/lib/lantern"
[ ! -e "$root/etc/lantern" ] || fail "purge left /etc/lantern: $(ls -A "$root/etc/lantern")"
[ ! -e "$root/lib/systemd/system/lantern-kiosk.service" ] || fail "purge left the kiosk unit"
echo "deb: installed, served, upgraded keeping data and edits, removed and purged as documented"
