#!/bin/sh
# test_pi_image.sh DEB WORKDIR - hw/pi/lantern-pi-setup turns a Raspberry Pi OS-like bookworm
# arm64 root file system into a kiosk. The root is built here with debootstrap from the Debian
# archive this machine uses, and its programs run under qemu-user-static through binfmt_misc
# (registered here if it is not yet). DEB is the arm64 lantern-kiosk package; WORKDIR (in the
# build directory) holds the root and debootstrap's downloads, kept for the next run.
#
# Checks: the packages installed, the units enabled or disabled as the kiosk needs, no password
# left to log in with, SSH off (and on with a key only), Wi-Fi (its passphrase root's only), the
# files and their modes, fstab, the boot partition's files, the firewall ruleset parsing,
# `systemd-analyze verify` on the units, and a second run changing nothing (test_pi_overlay.sh
# tests the overlay itself).
# Needs root (debootstrap, chroot, mounts).
set -eu
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ $# -eq 2 ] || fail "usage: test_pi_image.sh DEB WORKDIR"
[ "$(id -u)" -eq 0 ] || fail "needs root for debootstrap, chroot and mount"
src=$(cd "$(dirname "$0")/../.." && pwd)
setup=$src/hw/pi/lantern-pi-setup
deb=$1
[ -f "$deb" ] || fail "no package at $deb (the deb_build_arm64 test makes it)"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
mkdir -p "$2"
work=$(cd "$2" && pwd)
for tool in debootstrap nft unshare chroot; do
    command -v $tool >/dev/null || fail "$tool is missing: run scripts/install-deps"
done

# ---- arm64 programs run here: qemu-aarch64 registered with binfmt_misc ----
bf=/proc/sys/fs/binfmt_misc
if [ ! -e $bf/register ]; then
    mount -t binfmt_misc binfmt_misc $bf 2>/dev/null ||
        fail "cannot mount $bf (binfmt_misc): arm64 programs cannot run here"
fi
if [ ! -e $bf/qemu-aarch64 ]; then
    [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ] ||
        fail "no /usr/lib/binfmt.d/qemu-aarch64.conf: install qemu-user-static (scripts/install-deps)"
    # Another test may register it at the same moment: that is as good.
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >$bf/register 2>/dev/null || [ -e $bf/qemu-aarch64 ] ||
        fail "cannot register qemu-aarch64 with binfmt_misc"
fi
grep -qx enabled $bf/qemu-aarch64 || fail "qemu-aarch64 is registered but disabled in $bf"

# ---- a bookworm arm64 root, as Raspberry Pi OS Lite has it before the script ----
# The mirror and suites are this machine's (deb822 in /etc/apt/sources.list.d).
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null) ||
    true
[ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list.d/debian.sources"
root=$work/root
rm -rf --one-file-system "$root"
mkdir -p "$work/cache"
t0=$(date +%s)
if [ -n "${LNT_PI_BASE:-}" ]; then
    # While working on the script: a copy of a root debootstrapped before (never in CI).
    cp -a "$LNT_PI_BASE" "$root"
else
    debootstrap --arch=arm64 --variant=minbase --include=systemd-sysv,openssh-server \
        --cache-dir="$work/cache" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        fail "debootstrap: $(tail -5 "$work/debootstrap.log")"
fi
t1=$(date +%s)
chroot "$root" /bin/true || fail "the arm64 root's programs do not run under qemu"
rm -f "$root/etc/apt/sources.list"
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
# What Raspberry Pi OS brings that a kiosk must undo: a user with a password (Imager's), console
# autologin (raspi-config), Imager's first-boot script and files on the boot partition.
chroot "$root" useradd -m -s /bin/bash -p '$y$j9T$abcdefghijklmnopqrstu.$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg' pi
mkdir -p "$root/etc/systemd/system/getty@tty1.service.d"
printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin pi --noclear %%I $TERM\n' \
    >"$root/etc/systemd/system/getty@tty1.service.d/autologin.conf"
chroot "$root" systemctl enable ssh.service >/dev/null 2>&1
printf 'proc /proc proc defaults 0 0\nPARTUUID=1234abcd-01 /boot/firmware vfat defaults 0 2\nPARTUUID=1234abcd-02 / ext4 defaults,noatime 0 1\n' \
    >"$root/etc/fstab"
boot=$root/boot/firmware
mkdir -p "$boot"
cmdline0="console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-02 rootfstype=ext4 fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot"
echo "$cmdline0 systemd.run=/boot/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target" \
    >"$boot/cmdline.txt"
printf 'dtparam=audio=on\ncamera_auto_detect=1\ndisplay_auto_detect=1\nauto_initramfs=1\ndtoverlay=vc4-kms-v3d\n\n[cm4]\notg_mode=1\n' \
    >"$boot/config.txt"
echo "#!/bin/bash" >"$boot/firstrun.sh"
echo "pi:\$6\$x" >"$boot/userconf.txt"
touch "$boot/ssh"

in_root() { chroot "$root" "$@"; }
enabled() { in_root systemctl is-enabled "$1" 2>/dev/null || true; }
mode_of() { stat -c '%U:%G %a' "$root$1"; }
# Everything in the root but the kernel's and the RAM's, with its mode, owner, size and time.
manifest() {
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
        -o -path ./tmp \) -prune -o -printf '%p %m %U:%G %s %T@ %l\n' | sort)
    md5sum "$boot/cmdline.txt" "$boot/config.txt"
}

# The options are checked before anything is touched.
out=$(sh "$setup" --root "$root" --deb "$deb" --server lantern.example 2>&1) &&
    fail "a server without https:// was taken: $out"
case $out in *"expected https://HOST"*) ;; *) fail "a bad --server is not named: $out" ;; esac
out=$(sh "$setup" --root "$root" --deb "$deb" --server https://lantern.example:99999 2>&1) &&
    fail "port 99999 was taken: $out"
out=$(sh "$setup" --root "$root" --deb "$deb" --server https://x.example --ssh-key "$boot/cmdline.txt" 2>&1) &&
    fail "a file without a public key was taken for --ssh-key"
case $out in *"no public key"*) ;; *) fail "a bad --ssh-key is not named: $out" ;; esac

# ---- the script, with the card's apt downloads kept in WORKDIR for the next run ----
mkdir -p "$work/apt-archives/partial"
run_setup() {
    unshare --mount --propagation private sh -c '
        mount --bind "$1" "$2/var/cache/apt/archives" && shift 2 && exec sh "$@"' \
        sh "$work/apt-archives" "$root" "$setup" --root "$root" --deb "$deb" "$@"
}
server=https://lantern.kingsbridge.example:8443
run_setup --server $server >"$work/setup1.log" 2>&1 || fail "lantern-pi-setup: $(tail -20 "$work/setup1.log")"
t2=$(date +%s)

# Packages, from the archive.
version=$(dpkg-deb -f "$deb" Version)
for p in lantern-kiosk nftables systemd-timesyncd fake-hwclock unattended-upgrades initramfs-tools \
    libsdl2-2.0-0; do
    [ "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' $p 2>/dev/null)" = "ii " ] ||
        fail "$p is not installed"
done
[ "$(in_root dpkg-query -W -f='${Version}' lantern-kiosk)" = "$version" ] || fail "lantern-kiosk is not $version"
[ ! -e "$root/usr/sbin/policy-rc.d" ] || fail "policy-rc.d was left in the root"

# Units: the kiosk at boot with no desktop, the clock, the firewall, the updates.
[ "$(in_root systemctl get-default)" = multi-user.target ] || fail "does not boot to multi-user.target"
for u in lantern-kiosk.service nftables.service systemd-timesyncd.service fake-hwclock.service \
    lantern-clock-save.timer lantern-firewall-refresh.service lantern-firewall-refresh.timer \
    unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer; do
    [ "$(enabled $u)" = enabled ] || fail "$u is $(enabled $u), not enabled"
done
for u in ssh.service ssh.socket; do
    [ "$(enabled $u)" = disabled ] || fail "$u is $(enabled $u), not disabled"
done
for u in userconfig.service sshswitch.service; do
    [ "$(enabled $u)" = masked ] || fail "$u is $(enabled $u), not masked"
done
grep -q '^WatchdogSec=' "$root/lib/systemd/system/lantern-kiosk.service" || fail "the kiosk unit has no WatchdogSec"
grep -qx 'RuntimeWatchdogSec=15s' "$root/etc/systemd/system.conf.d/lantern-watchdog.conf" ||
    fail "no RuntimeWatchdogSec for the hardware watchdog"
grep -qx 'Storage=volatile' "$root/etc/systemd/journald.conf.d/lantern.conf" || fail "the journal is not in RAM"
grep -qx 'RuntimeMaxUse=32M' "$root/etc/systemd/journald.conf.d/lantern.conf" || fail "the journal is not capped"
grep -qx 'FILE=/data/fake-hwclock.data' "$root/etc/default/fake-hwclock" ||
    fail "fake-hwclock does not keep the time on the data partition"

# No password to log in with, no autologin.
awk -F: '$2 !~ /^[!*]/ { print $1 }' "$root/etc/shadow" >"$work/unlocked"
[ ! -s "$work/unlocked" ] || fail "passwords not locked: $(cat "$work/unlocked")"
grep -q '^pi:!' "$root/etc/shadow" || fail "pi's password is not locked"
[ ! -e "$root/etc/systemd/system/getty@tty1.service.d/autologin.conf" ] || fail "console autologin is still on"
[ ! -e "$root/etc/ssh/sshd_config.d/00-lantern.conf" ] || fail "an SSH drop-in without --ssh-key"

# Files and modes.
for f in /etc/nftables.conf /etc/initramfs-tools/scripts/init-bottom/lantern-overlay \
    /etc/initramfs-tools/hooks/lantern-overlay /usr/local/sbin/lantern-firewall-refresh; do
    [ "$(mode_of $f)" = "root:root 755" ] || fail "$f is $(mode_of $f), expected root:root 755"
done
for f in /etc/systemd/system.conf.d/lantern-watchdog.conf /etc/systemd/journald.conf.d/lantern.conf \
    /etc/tmpfiles.d/lantern-kiosk.conf /etc/udev/rules.d/60-lantern-gpio.rules /etc/fstab \
    /etc/lantern/kiosk.conf /etc/apt/apt.conf.d/20auto-upgrades \
    /etc/apt/apt.conf.d/52lantern-unattended-upgrades /etc/default/fake-hwclock \
    /etc/systemd/system/lantern-clock-save.timer /etc/systemd/system/fake-hwclock.service.d/lantern.conf; do
    [ "$(mode_of $f)" = "root:root 644" ] || fail "$f is $(mode_of $f), expected root:root 644"
done
[ "$(mode_of /data)" = "root:root 755" ] || fail "/data is $(mode_of /data)"
grep -qx 'd /data/lantern 0700 lantern lantern -' "$root/etc/tmpfiles.d/lantern-kiosk.conf" ||
    fail "the outbox directory is not made on the data partition"
in_root getent group gpio >/dev/null || fail "no gpio group for the kiosk unit"
grep -qx "server = $server" "$root/etc/lantern/kiosk.conf" || fail "kiosk.conf does not name the server"
grep -qx 'fullscreen = true' "$root/etc/lantern/kiosk.conf" || fail "the kiosk is not full screen"
grep -qx 'data = /data/lantern' "$root/etc/lantern/kiosk.conf" || fail "the outbox is not on /data"
grep -q '^#ca = ' "$root/etc/lantern/kiosk.conf" || fail "kiosk.conf lost its commented ca line"

# fstab: the data partition by label, once; the card's own lines kept.
[ "$(grep -c '^LABEL=lantern-data /data ext4 .*nofail' "$root/etc/fstab")" = 1 ] ||
    fail "fstab: $(cat "$root/etc/fstab")"
grep -q '^PARTUUID=1234abcd-02 / ext4' "$root/etc/fstab" || fail "fstab lost the root line"

# The boot partition: the overlay on, Imager's first-boot settings gone, the watchdog on.
[ "$(cat "$boot/cmdline.txt")" = "$cmdline0 lantern.overlay=1" ] ||
    fail "cmdline.txt is: $(cat "$boot/cmdline.txt")"
for f in firstrun.sh userconf.txt ssh; do [ ! -e "$boot/$f" ] || fail "$f is still on the boot partition"; done
[ "$(grep -c '^dtparam=watchdog=on' "$boot/config.txt")" = 1 ] || fail "config.txt: no watchdog"
[ "$(grep -c '^auto_initramfs=1' "$boot/config.txt")" = 1 ] || fail "config.txt: auto_initramfs twice"

# The firewall: it parses (this machine's nft, in a network namespace of its own), lets the
# kiosk out to the server's port only, and takes nothing in.
out=$(unshare --net nft -c -f "$root/etc/nftables.conf" 2>&1) || fail "nft -c: $out"
grep -q 'ip daddr @server4 tcp dport 8443 accept' "$root/etc/nftables.conf" || fail "no rule for the server"
! grep -q 'dport 22 accept' "$root/etc/nftables.conf" || fail "SSH is let in without --ssh-key"
unshare --net sh -c "nft -f '$root/etc/nftables.conf' && nft list chain inet lantern output" \
    >"$work/nft.out" 2>&1 || fail "the ruleset does not load: $(cat "$work/nft.out")"
grep -q 'policy drop' "$work/nft.out" || fail "output is not closed by default"

# The units verify, as the Pi's systemd reads them.
out=$(in_root systemd-analyze verify --man=no lantern-kiosk.service lantern-clock-save.service \
    lantern-clock-save.timer lantern-firewall-refresh.service lantern-firewall-refresh.timer \
    fake-hwclock.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"

# ---- a second run with the same options changes nothing ----
manifest >"$work/before"
t3=$(date +%s)
run_setup --server $server >"$work/setup2.log" 2>&1 || fail "second run: $(tail -20 "$work/setup2.log")"
t4=$(date +%s)
manifest >"$work/after"
diff "$work/before" "$work/after" >"$work/diff" || fail "the second run changed: $(head -20 "$work/diff")"
[ "$(grep -vc '^lantern-pi-setup: done' "$work/setup2.log")" = 0 ] ||
    fail "the second run says it changed: $(cat "$work/setup2.log")"

# ---- SSH with a key: on, keys only, let in by the firewall; then off again ----
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxhbnRlcm4tdGVzdC1rZXktbm90LWEtcmVhbC1vbmU= it@council" \
    >"$work/key.pub"
run_setup --server https://192.0.2.10 --ssh-key "$work/key.pub" >"$work/setup3.log" 2>&1 ||
    fail "--ssh-key: $(tail -20 "$work/setup3.log")"
[ "$(enabled ssh.service)" = enabled ] || fail "--ssh-key did not enable ssh"
grep -qx 'PasswordAuthentication no' "$root/etc/ssh/sshd_config.d/00-lantern.conf" || fail "SSH takes passwords"
cmp -s "$work/key.pub" "$root/etc/ssh/lantern_authorized_keys" || fail "the key is not installed"
mkdir -p "$root/run/sshd"
in_root sshd -t || fail "sshd refuses its configuration"
in_root sshd -T -C user=root,host=x,addr=192.0.2.1 | grep -qx 'passwordauthentication no' ||
    fail "sshd would take a password"
grep -q 'tcp dport 22 accept' "$root/etc/nftables.conf" || fail "the firewall does not let SSH in"
grep -q 'elements = { 192.0.2.10 }' "$root/etc/nftables.conf" || fail "the server's address is not in the set"
out=$(unshare --net nft -c -f "$root/etc/nftables.conf" 2>&1) || fail "nft -c (ssh): $out"
[ "$(enabled lantern-firewall-refresh.timer)" != enabled ] || fail "an address needs no lookups"
grep -qx "server = https://192.0.2.10" "$root/etc/lantern/kiosk.conf" || fail "the server was not changed"
# The firewall at work: the kiosk's ruleset in a network namespace of its own, joined by a veth
# pair to a "server" namespace listening on 443 (lanternd), 9000 and 80. The kiosk reaches
# lanternd's port and nothing else; from outside, only SSH reaches the kiosk.
ns=lnt-pi-$$
cleanup_ns() {
    for p in $(ip netns pids $ns-s 2>/dev/null) $(ip netns pids $ns-k 2>/dev/null); do kill $p 2>/dev/null || true; done
    ip netns del $ns-k 2>/dev/null || true
    ip netns del $ns-s 2>/dev/null || true
}
trap cleanup_ns EXIT
ip netns add $ns-k
ip netns add $ns-s
ip link add $ns-a netns $ns-k type veth peer name $ns-b netns $ns-s
ip -n $ns-k addr add 192.0.2.1/24 dev $ns-a
ip -n $ns-s addr add 192.0.2.10/24 dev $ns-b
ip -n $ns-k link set $ns-a up
ip -n $ns-s link set $ns-b up
ip -n $ns-k link set lo up
ip -n $ns-s link set lo up
ip netns exec $ns-k nft -f "$root/etc/nftables.conf" || fail "the ruleset does not load"
listen='import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(8)
while True: s.accept()[0].close()'
reach='import socket, sys
try: socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
except OSError: sys.exit(1)'
for p in 443 9000 80; do ip netns exec $ns-s python3 -c "$listen" $p & done
for p in 22 8080; do ip netns exec $ns-k python3 -c "$listen" $p & done
i=0
until ip netns exec $ns-s python3 -c "$reach" 192.0.2.10 9000 && ip netns exec $ns-k python3 -c "$reach" 127.0.0.1 8080; do
    i=$((i + 1))
    [ $i -lt 30 ] || fail "the test's listeners did not start"
    sleep 0.5
done
ip netns exec $ns-k python3 -c "$reach" 192.0.2.10 443 || fail "the kiosk cannot reach lanternd"
! ip netns exec $ns-k python3 -c "$reach" 192.0.2.10 9000 || fail "the kiosk reaches another port"
! ip netns exec $ns-k python3 -c "$reach" 192.0.2.10 80 || fail "the kiosk (not apt) reaches port 80"
ip netns exec $ns-s python3 -c "$reach" 192.0.2.1 22 || fail "SSH is not let in with --ssh-key"
! ip netns exec $ns-s python3 -c "$reach" 192.0.2.1 8080 || fail "the firewall lets in another port"
cleanup_ns
trap - EXIT

run_setup --server $server >"$work/setup4.log" 2>&1 || fail "back without ssh: $(tail -20 "$work/setup4.log")"
[ "$(enabled ssh.service)" = disabled ] || fail "SSH stays on without --ssh-key"
[ ! -e "$root/etc/ssh/lantern_authorized_keys" ] || fail "the key stays without --ssh-key"
manifest >"$work/after4"
# Back where the second run was, but for the files rewritten on the way (same content).
diff "$work/before" "$work/after4" | grep '^[<>]' | awk '{ print $2, $3, $4, $5 }' | sort | uniq -u \
    >"$work/diff4" || true
[ ! -s "$work/diff4" ] || fail "ssh on and off again left: $(head -10 "$work/diff4")"

# ---- Wi-Fi: a NetworkManager connection and the radio's country; then forgotten ----
printf '%s\n' 'correct horse battery staple' >"$work/wifi.psk"
printf 'short\n' >"$work/short.psk"
refused() { # refused WHAT ARGS...: the options are refused, saying WHAT, before anything changes
    what=$1
    shift
    out=$(sh "$setup" --root "$root" --deb "$deb" --server $server "$@" 2>&1) &&
        fail "taken: $*"
    case $out in *"$what"*) ;; *) fail "refused without saying \`$what': $out" ;; esac
}
refused "needs --wifi-psk-file" --wifi "Bob's Bar" --wifi-country GB
refused "8 to 63 characters" --wifi "Bob's Bar" --wifi-psk-file "$work/short.psk" --wifi-country GB
refused "needs --wifi-country" --wifi "Bob's Bar" --wifi-psk-file "$work/wifi.psk"
refused "two capital letters" --wifi "Bob's Bar" --wifi-psk-file "$work/wifi.psk" --wifi-country uk
refused "has a character" --wifi 'Bar;1' --wifi-psk-file "$work/wifi.psk" --wifi-country GB
refused "go with --wifi SSID" --wifi-country GB
wifi_opts="--wifi-psk-file $work/wifi.psk --wifi-country GB"
# shellcheck disable=SC2086
run_setup --server $server --wifi "Bob's Bar" $wifi_opts >"$work/setup5.log" 2>&1 ||
    fail "--wifi: $(tail -20 "$work/setup5.log")"
! grep -q 'horse' "$work/setup5.log" || fail "the passphrase was printed"
nm=/etc/NetworkManager/system-connections/lantern-wifi.nmconnection
[ "$(mode_of $nm)" = "root:root 600" ] || fail "the Wi-Fi passphrase is readable by others: $(mode_of $nm)"
grep -qx "ssid=Bob's Bar" "$root$nm" || fail "no ssid in $nm: $(cat "$root$nm")"
grep -qx 'psk=correct horse battery staple' "$root$nm" || fail "no passphrase in $nm"
# NetworkManager's own reader takes the file (nmcli reads a keyfile offline, no daemon).
in_root nmcli --offline connection modify connection.autoconnect yes <"$root$nm" >"$work/nmcli.out" 2>&1 ||
    fail "nmcli does not read $nm: $(cat "$work/nmcli.out")"
grep -qx "ssid=Bob's Bar" "$work/nmcli.out" || fail "nmcli reads another network: $(cat "$work/nmcli.out")"
grep -q ' cfg80211.ieee80211_regdom=GB' "$boot/cmdline.txt" || fail "no Wi-Fi country on the kernel's line"
[ "$(enabled NetworkManager.service)" = enabled ] || fail "NetworkManager is not enabled"
[ "$(enabled lantern-wifi-unblock.service)" = enabled ] || fail "the radio is not switched on at boot"
out=$(in_root systemd-analyze verify --man=no lantern-wifi-unblock.service 2>&1) ||
    fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
manifest >"$work/before6"
# shellcheck disable=SC2086
run_setup --server $server --wifi "Bob's Bar" $wifi_opts >"$work/setup6.log" 2>&1 ||
    fail "--wifi again: $(tail -20 "$work/setup6.log")"
manifest >"$work/after6"
diff "$work/before6" "$work/after6" >"$work/diff6" || fail "--wifi again changed: $(head "$work/diff6")"
# Left out, the network stays; `--wifi off' forgets it.
run_setup --server $server >"$work/setup7.log" 2>&1 || fail "without --wifi: $(tail -20 "$work/setup7.log")"
[ -f "$root$nm" ] || fail "a run without --wifi forgot the network"
run_setup --server $server --wifi off >"$work/setup8.log" 2>&1 || fail "--wifi off: $(tail -20 "$work/setup8.log")"
[ ! -e "$root$nm" ] || fail "--wifi off kept the network"
[ ! -e "$root/etc/systemd/system/lantern-wifi-unblock.service" ] || fail "--wifi off kept the radio's unit"

echo "pi image: debootstrap $((t1 - t0)) s, first run $((t2 - t1)) s, second run $((t4 - t3)) s;" \
    "packages, units, logins, SSH, files, fstab, boot files, firewall, units verify, idempotent, Wi-Fi"
