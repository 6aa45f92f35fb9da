#!/bin/bash
# Debian's own CPython builds for tests, without installing anything:
#
#   tests/pythons.sh 3.13    # Debian trixie's python3.13
#   tests/pythons.sh 3.14    # Debian sid's python3.14
#   tests/pythons.sh 3.15    # Debian sid's python3.15
#
# prints the path of a wrapper script that runs that interpreter (use it
# like python3: "$("$TESTS_SRCDIR"/pythons.sh 3.14)" script.py args...).
# The packages are fetched with apt-get download from a private sources
# list (nothing under /etc/apt or /var/lib/apt is read or written) and
# unpacked with dpkg -x next to the wrapper, in root/ of the same
# directory. The suite's own libc6 comes along and the wrapper runs the
# interpreter through the unpacked dynamic loader: trixie's and sid's
# builds need GLIBC_2.38, bookworm has 2.36. So /proc/PID/exe of the process is
# that ld-linux-x86-64.so.2; the interpreter shows in /proc/PID/maps.
#
# Exit status: 0 with the path on stdout; 77 when the Debian mirror cannot
# be reached (a test should skip, with the message printed on stderr); 1
# for anything else (a test should fail).
#
# Environment:
#   LEAKTOP_PYTHONS_DIR  cache (default tests/.pythons beside this script);
#                        a second call reuses it without the network
#   DEBIAN_MIRROR        default http://deb.debian.org/debian
#   LEAKTOP_PYTHONS_REFRESH=1  fetch again even when cached

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LEAKTOP_PYTHONS_DIR:-$HERE/.pythons}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() {
   echo "pythons.sh: $*" >&2
   exit 1
}
unreachable() {
   echo "pythons.sh: the Debian mirror $MIRROR cannot be reached: $*" >&2
   exit 77
}

[ $# -eq 1 ] || die "usage: pythons.sh 3.13|3.14|3.15"
VERSION=$1
case $VERSION in
3.13) SUITE=trixie ;;
3.14 | 3.15) SUITE=sid ;;
*) die "no Debian suite known for CPython $VERSION (3.13: trixie, 3.14 and 3.15: sid)" ;;
esac

DIR=$CACHE/$VERSION
ROOT=$DIR/root
WRAPPER=$DIR/python$VERSION
for tool in apt-get dpkg flock; do
   command -v "$tool" >/dev/null || die "$tool is missing (Debian's apt, dpkg and util-linux)"
done
# Tests run in parallel (make -j) may ask for the same version at once.
mkdir -p "$CACHE" || die "cannot create $CACHE"
exec 9>"$CACHE/.lock-$VERSION"
flock 9 || die "cannot lock $CACHE/.lock-$VERSION"
if [ -x "$WRAPPER" ] && [ -f "$DIR/stamp" ] && [ -z "${LEAKTOP_PYTHONS_REFRESH:-}" ]; then
   echo "$WRAPPER"
   exit 0
fi

[ -r "$KEYRING" ] || die "$KEYRING is missing (package debian-archive-keyring)"

# ---- a private apt for the suite ------------------------------------------------
APTDIR=$CACHE/apt-$SUITE
mkdir -p "$APTDIR/empty" "$APTDIR/state/lists/partial" "$APTDIR/cache/archives/partial" ||
   die "cannot create $APTDIR"
: >"$APTDIR/status"
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APTDIR/sources.list"
# APT_CONFIG is read first; it turns away /etc/apt's parts and main file.
# The mirror may serve a snapshot whose Release is past its Valid-Until:
# the signature is still checked, the date is not (these are test fixtures).
cat >"$APTDIR/apt.conf" <<EOF
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$APTDIR/empty";
Dir::Etc::sourcelist "$APTDIR/sources.list";
Dir::Etc::sourceparts "$APTDIR/empty";
Dir::Etc::preferences "/dev/null";
Dir::Etc::preferencesparts "$APTDIR/empty";
Dir::State "$APTDIR/state";
Dir::State::status "$APTDIR/status";
Dir::Cache "$APTDIR/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Acquire::Retries "2";
Acquire::http::Timeout "30";
Debug::NoLocking "true";
EOF
[ "$(id -u)" -eq 0 ] && echo 'APT::Sandbox::User "root";' >>"$APTDIR/apt.conf"
apt_() {
   APT_CONFIG=$APTDIR/apt.conf apt-get -q "$@"
}

# no_network OUTPUT: the line of apt's output that says the mirror is out
# of reach, if one does.
no_network() {
   grep -m1 -i -E 'Could not (resolve|connect)|Temporary failure|timed out|Network is unreachable|Connection failed' \
      <<<"$1" | sed 's/^ *//'
}

if ! out=$(apt_ update 2>&1) || grep -q -e '^[WE]: Failed to fetch' -e '^Err:' <<<"$out"; then
   reason=$(no_network "$out")
   [ -z "$reason" ] || unreachable "$reason"
   die "apt-get update for $SUITE failed: $out"
fi

# ---- download and unpack --------------------------------------------------------
# The interpreter, its standard library, and the libraries the interpreter
# and the extension modules tests use (_ctypes: libffi) link against, from
# the same suite as the libc they were built with.
PACKAGES="python$VERSION python$VERSION-minimal libpython$VERSION-minimal libpython$VERSION-stdlib
   libc6 zlib1g libexpat1 libffi8 libzstd1 liblzma5 libbz2-1.0"
DEBS=$DIR/debs
rm -rf "$DEBS" "$ROOT" "$DIR/stamp"
mkdir -p "$DEBS" "$ROOT" || die "cannot create $DIR"
# shellcheck disable=SC2086 # one word per package
if ! out=$(cd "$DEBS" && apt_ download $PACKAGES 2>&1); then
   reason=$(no_network "$out")
   [ -z "$reason" ] || unreachable "$reason"
   die "apt-get download from $SUITE failed: $out"
fi
for deb in "$DEBS"/*.deb; do
   dpkg -x "$deb" "$ROOT" || die "dpkg -x $deb failed"
done

LOADER=$ROOT/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[ -x "$LOADER" ] || LOADER=$ROOT/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[ -x "$LOADER" ] || die "no dynamic loader in the unpacked libc6 of $SUITE"
[ -x "$ROOT/usr/bin/python$VERSION" ] || die "python$VERSION is not in the unpacked packages"
LIBS=$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu
# The interpreter finds its prefix (root/usr) from its own path, which the
# loader passes as argv[0], so no PYTHONHOME (which children would inherit);
# the host's /usr/lib/python3 is never on sys.path.
cat >"$WRAPPER" <<EOF
#!/bin/sh
# CPython $VERSION from Debian $SUITE, unpacked by tests/pythons.sh.
exec '$LOADER' --library-path '$LIBS' '$ROOT/usr/bin/python$VERSION' "\$@"
EOF
chmod 755 "$WRAPPER"

# The modules tests rely on must import; the version must be the one asked.
check='import sys, threading, socket, tracemalloc, ctypes, time
assert "%d.%d" % sys.version_info[:2] == sys.argv[1], sys.version
assert sys.prefix.startswith(sys.argv[2]), sys.prefix
print(sys.version.split()[0])'
if ! got=$("$WRAPPER" -c "$check" "$VERSION" "$ROOT" 2>&1); then
   die "the unpacked python$VERSION does not run: $got"
fi
{
   echo "CPython $got from Debian $SUITE"
   ls "$DEBS"
} >"$DIR/stamp"
# The package lists (about 150 MB a suite) are only needed to fetch again.
rm -rf "$APTDIR" "$DEBS"
echo "$WRAPPER"
