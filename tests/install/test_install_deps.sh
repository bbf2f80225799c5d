#!/bin/sh
# test_install_deps.sh - scripts/install-deps asks apt for exactly the packages that are
# missing, by names apt can find, on a machine with nothing installed, with some installed and
# with everything installed. dpkg, dpkg-query, dpkg-deb, apt-get and id are stand-ins on PATH
# that read a made-up package state and write down what they were asked; nothing is installed.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/lantern-deps.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir "$dir/bin"

# dpkg-query -W -f=FORMAT [PKG]: the whole state ("PKG:ARCH installed" lines) or a version.
cat >"$dir/bin/dpkg-query" <<'EOF'
#!/bin/sh
case $2 in
*Status*) cat "$STATE/status" ;;
*) echo "1.0-1" ;;
esac
EOF
cat >"$dir/bin/dpkg" <<'EOF'
#!/bin/sh
case $1 in
--print-architecture) echo amd64 ;;
--print-foreign-architectures) [ -f "$STATE/arm64" ] && echo arm64 || true ;;
--add-architecture) touch "$STATE/arm64" ;;
esac
EOF
# apt-get: a simulation that removes nothing; a download leaves an empty package file.
cat >"$dir/bin/apt-get" <<'EOF'
#!/bin/sh
echo "$*" >>"$STATE/apt.log"
for a in "$@"; do
    case $a in
    -s) echo "Inst something" ;;
    *=*:arm64 | *:arm64=*) [ "$prev" = download ] && : >"${a%%:*}_1.0-1_arm64.deb" ;;
    esac
    [ "$a" = -qq ] || prev=$a
done
exit 0
EOF
cat >"$dir/bin/dpkg-deb" <<'EOF'
#!/bin/sh
mkdir -p "$3/usr/lib/aarch64-linux-gnu/pkgconfig"
name=$(basename "$2" | cut -d_ -f1)
echo "prefix=/usr" >"$3/usr/lib/aarch64-linux-gnu/pkgconfig/$name.pc"
ln -sfn "$name.so.1" "$3/usr/lib/aarch64-linux-gnu/$name.so"
EOF
printf '#!/bin/sh\necho 0\n' >"$dir/bin/id"
chmod +x "$dir/bin/"*

PKGS=$(sed -n '/^PKGS="/,/^"/p' "$src/scripts/install-deps" | sed '1d;$d')
ARM64=$(sed -n '/^ARM64_PKGS="/,/^"/p' "$src/scripts/install-deps" | sed '1d;$d')

run() { # run install-deps against the state in $dir/state
    rm -f "$dir/state/apt.log"
    STATE=$dir/state LNT_ARM64_DEV=$dir/arm64-dev PATH="$dir/bin:$PATH" \
        sh "$src/scripts/install-deps" >"$dir/out" 2>&1 || fail "install-deps failed: $(cat "$dir/out")"
}
installs() { # the package names of apt-get's real (not simulated) installs, one a line
    grep -v -- ' -s ' "$dir/state/apt.log" | grep ' install ' |
        tr ' ' '\n' | grep -v '^-' | grep -vx 'install\|DPkg::Lock::Timeout=900' || true
}

# Nothing installed: every package is asked for once, under a name apt knows.
mkdir "$dir/state"
: >"$dir/state/status"
run
installs >"$dir/asked"
for p in $PKGS; do
    grep -qx "$p" "$dir/asked" || fail "nothing installed, and $p was not asked for: $(cat "$dir/asked")"
done
for p in $ARM64; do
    grep -qx "$p:arm64\(=1.0-1\)\{0,1\}" "$dir/asked" || fail "$p:arm64 not asked for: $(cat "$dir/asked")"
done
grep -q ':all$\|:arm64:arm64' "$dir/asked" && fail "names apt cannot find were asked for: $(cat "$dir/asked")"
grep -qx 'libpq5:arm64=1.0-1' "$dir/asked" || fail "libpq5:arm64 not held at the amd64 version"
[ -f "$dir/state/arm64" ] || fail "the arm64 architecture was not added"
[ "$(cat "$dir/arm64-dev/.libpq-dev")" = 1.0-1 ] || fail "libpq-dev:arm64 not unpacked"
grep -qx "prefix=$dir/arm64-dev/usr" "$dir/arm64-dev/usr/lib/aarch64-linux-gnu/pkgconfig/libpq-dev.pc" ||
    fail "the unpacked pkg-config file does not point into the unpacked copy"
[ "$(readlink "$dir/arm64-dev/usr/lib/aarch64-linux-gnu/libpq-dev.so")" = \
    /usr/lib/aarch64-linux-gnu/libpq-dev.so.1 ] || fail "the unpacked link is not to the installed library"

# Some installed (this architecture's, Architecture: all, and arm64 copies): only the rest.
{
    echo "cmake:amd64 installed"
    echo "fonts-dejavu-core:all installed"
    echo "libsdl2-dev:arm64 installed"
    echo "make:arm64 installed" # another architecture's copy is not this machine's
} >"$dir/state/status"
run
installs >"$dir/asked"
for p in cmake fonts-dejavu-core libsdl2-dev:arm64; do
    grep -qx "$p" "$dir/asked" && fail "$p is installed and was asked for again"
done
grep -qx make "$dir/asked" || fail "make (amd64) is missing and was not asked for"
grep -qx libsdl2-dev "$dir/asked" || fail "libsdl2-dev (amd64) is missing and was not asked for"

# Everything installed and unpacked: apt is not run at all.
{
    for p in $PKGS; do echo "$p:amd64 installed"; done
    for p in $ARM64; do echo "$p:arm64 installed"; done
} >"$dir/state/status"
run
[ ! -s "$dir/state/apt.log" ] || fail "everything installed, and apt-get ran: $(cat "$dir/state/apt.log")"
echo "install-deps: asks for what is missing, by names apt finds"
