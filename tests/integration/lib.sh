# shellcheck shell=bash
# Shared helpers for leaktop's integration tests: TAP output, processes the
# test starts (recorded by PID and always ended by the EXIT trap), and queries
# over leaktop --batch output through batchq.py.
#
# Environment (set by `make check`): LEAKTOP (the binary), LEAKTOP_DATADIR
# (the repository's data/), TESTS_SRCDIR (the repository's tests/).

set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${TESTS_SRCDIR:=$(dirname "$LIB_DIR")}"
: "${LEAKTOP_DATADIR:=$(dirname "$TESTS_SRCDIR")/data}"
: "${LEAKTOP:=$(dirname "$TESTS_SRCDIR")/src/leaktop}"
export LEAKTOP LEAKTOP_DATADIR TESTS_SRCDIR
# Python for the test's own helpers and servers; the demo (leaktop --demo)
# runs whatever python3 is first in PATH.
PY=${PY:-python3}
# The system interpreter (Debian's), for servers that must look like production.
SYS_PY=/usr/bin/python3
[ -x "$SYS_PY" ] || SYS_PY=$PY
BATCHQ="$LIB_DIR/batchq.py"
export PYTHONDONTWRITEBYTECODE=1 # never write into the source tree

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/leaktop-test.XXXXXX")
chmod 755 "$TEST_TMP" # readable by a test that drops to user nobody

# readable_copy PATH: prints the path of a copy of PATH (a file, or a
# directory and what it holds) that any user can read and run. A process
# run as nobody cannot read a clone under a 0700 home; one with a /tmp of
# its own cannot see a clone under /tmp, but sees TEST_TMP bound back.
readable_copy() {
   local dir=$TEST_TMP/readable
   mkdir -p "$dir"
   chmod 755 "$dir"
   cp -R "$1" "$dir/" || bail "cannot copy $1 to $dir"
   chmod -R a+rX "$dir/$(basename "$1")"
   echo "$dir/$(basename "$1")"
}

# ---- TAP -----------------------------------------------------------------

_tap_planned=0
_tap_count=0
_tap_failed=0

plan() {
   _tap_planned=$1
   echo "1..$1"
}

# ok STATUS DESCRIPTION: one TAP line; STATUS 0 is a pass.
ok() {
   _tap_count=$((_tap_count + 1))
   if [ "$1" -eq 0 ]; then
      echo "ok $_tap_count - $2"
   else
      echo "not ok $_tap_count - $2"
      _tap_failed=$((_tap_failed + 1))
   fi
}

# check DESCRIPTION COMMAND...: runs COMMAND, passes if it succeeds.
check() {
   local desc=$1
   shift
   local out rc=0
   out=$("$@" 2>&1) || rc=$?
   ok "$rc" "$desc"
   [ "$rc" -eq 0 ] || diag "$out"
   return 0
}

# refuses DESCRIPTION STATUS TEXT COMMAND...: COMMAND exits with STATUS and
# says TEXT (a glob, on stdout or stderr); what it said joins the line.
refuses() {
   local desc=$1 status=$2 text=$3 said rc=0
   shift 3
   said=$("$@" 2>&1) || rc=$?
   # shellcheck disable=SC2053 # TEXT is a glob
   ok "$([ "$rc" -eq "$status" ] && [[ "$said" == $text ]] && echo 0 || echo 1)" "$desc ($said)"
   [ "$rc" -eq "$status" ] || diag "exit $rc, not $status"
   return 0
}

# jcheck DESCRIPTION FILE EXPR [DIAG_EXPR...]: passes if the Python
# expression EXPR is true over the batch output in FILE (see batchq.py);
# on failure prints the DIAG_EXPRs' values as TAP comments.
jcheck() {
   local desc=$1 file=$2
   shift 2
   local out rc=0
   out=$("$PY" "$BATCHQ" "$file" --check "$@" 2>&1) || rc=$?
   ok "$rc" "$desc"
   local line
   [ -z "$out" ] || while IFS= read -r line; do
      case $line in
      '#'*) echo "$line" ;;
      *) echo "# $line" ;;
      esac
   done <<<"$out"
   return 0
}

# rcheck DESCRIPTION FILE EXPR: passes if the Python expression EXPR is true
# over r, the one JSON value in FILE (a snapshot result); on failure shows
# the start of FILE.
rcheck() {
   local desc=$1 file=$2 expr=$3 rc=0
   "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$file" "$expr" 2>/dev/null || rc=$?
   ok "$rc" "$desc"
   [ "$rc" -eq 0 ] || diag "$expr is false over $file: $(head -c 1500 "$file" 2>&1)"
}

# jq_ FILE EXPR: prints the value of EXPR over FILE.
jq_() {
   "$PY" "$BATCHQ" "$1" "$2"
}

diag() {
   [ -n "$*" ] || return 0
   printf '%s\n' "$*" | sed 's/^/# /'
}

# skip_n N REASON: N tests skipped, saying why.
skip_n() {
   for _ in $(seq "$1"); do ok 0 "# SKIP $2"; done
}

# skip_rest REASON: marks the remaining planned tests as skipped.
skip_rest() {
   while [ "$_tap_count" -lt "$_tap_planned" ]; do
      _tap_count=$((_tap_count + 1))
      echo "ok $_tap_count # SKIP $1"
   done
}

bail() {
   echo "Bail out! $*"
   exit 99
}

# done_testing: exit status for the whole script.
done_testing() {
   if [ "$_tap_count" -ne "$_tap_planned" ]; then
      diag "planned $_tap_planned tests, ran $_tap_count"
      exit 1
   fi
   [ "$_tap_failed" -eq 0 ] || exit 1
   exit 0
}

# ---- processes -------------------------------------------------------------

_tracked=()

# track PID: ends PID (and whatever descends from it) when the test exits.
track() {
   _tracked+=("$1")
}

# descendants PID: every descendant PID, children before grandchildren.
descendants() {
   local kid
   # shellcheck disable=SC2013 # children holds space-separated PIDs
   for kid in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
      echo "$kid"
      descendants "$kid"
   done
}

# alive PID: the process exists and is not a zombie.
alive() {
   local state
   # An empty PID would read /proc//stat, which is /proc/stat.
   [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
   state=$(sed 's/.*) \(.\).*/\1/' /proc/"$1"/stat 2>/dev/null) || return 1
   [ -n "$state" ] && [ "$state" != Z ]
}

# wait_gone TIMEOUT PID...: waits until none of the PIDs is alive.
wait_gone() {
   local deadline=$((SECONDS + $1)) p any
   shift
   while :; do
      any=0
      for p in "$@"; do
         if alive "$p"; then
            any=1
            break
         fi
      done
      [ "$any" -eq 0 ] && return 0
      [ "$SECONDS" -ge "$deadline" ] && return 1
      sleep 0.1
   done
}

# still_alive PID...: prints those still alive (for diagnostics).
still_alive() {
   local p
   for p in "$@"; do
      if alive "$p"; then
         echo "$p $(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)"
      fi
   done
}

# wait_for TIMEOUT COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
   local deadline=$((SECONDS + $1))
   shift
   until "$@"; do
      [ "$SECONDS" -ge "$deadline" ] && return 1
      sleep 0.1
   done
}

_cleanup() {
   local rc=$? p all=() pid
   for pid in "${_tracked[@]}"; do
      # Record the whole subtree first: children re-parent once the root dies.
      all+=("$pid")
      for p in $(descendants "$pid"); do all+=("$p"); done
   done
   for pid in "${_tracked[@]}"; do
      alive "$pid" && kill -TERM "$pid" 2>/dev/null
   done
   if ! wait_gone 5 "${all[@]}"; then
      for p in "${all[@]}"; do
         alive "$p" && kill -KILL "$p" 2>/dev/null
      done
      wait_gone 2 "${all[@]}" || diag "left running: $(still_alive "${all[@]}")"
   fi
   wait 2>/dev/null
   if [ "${KEEP_TEST_TMP:-}" ]; then
      diag "kept $TEST_TMP"
   else
      rm -rf "$TEST_TMP"
   fi
   exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# count_children PID: number of live children.
count_children() {
   local n=0 p
   # shellcheck disable=SC2013 # children holds space-separated PIDs
   for p in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
      alive "$p" && n=$((n + 1))
   done
   echo "$n"
}

has_children() { # has_children PID N
   [ "$(count_children "$1")" -eq "$2" ]
}

# start_service NAME ARGS...: starts data/demo_service.py (Debian's python3)
# on an ephemeral loopback port; sets SVC_PID and SVC_PORT (exported). Its stderr (which
# names each worker's PID and the leaky one) goes to $TEST_TMP/NAME.err.
start_service() {
   local name=$1
   shift
   # SVC_ARGV0, when set, is the service's argv[0] (its command line's start).
   bash -c 'exec -a "$0" "$@"' "${SVC_ARGV0:-$SYS_PY}" "$SYS_PY" \
      "$LEAKTOP_DATADIR/demo_service.py" --port 0 "$@" \
      >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" </dev/null &
   SVC_PID=$!
   track "$SVC_PID"
   if ! wait_for 15 grep -q '^PORT ' "$TEST_TMP/$name.out"; then
      diag "$(cat "$TEST_TMP/$name.err")"
      return 1
   fi
   SVC_PORT=$(awk '/^PORT /{print $2; exit}' "$TEST_TMP/$name.out")
   export SVC_PID SVC_PORT
}

# leaky_pid NAME: PID of the service's leaky worker (the newest, if replaced).
leaky_pid() {
   sed -n 's/.*started, pid \([0-9]*\), leaky.*/\1/p' "$TEST_TMP/$1.err" | tail -n 1
}

# load PORT ARGS...: runs demo_load.py against 127.0.0.1:PORT in the foreground.
load() {
   local port=$1
   shift
   timeout -k 5 120 "$PY" "$LEAKTOP_DATADIR/demo_load.py" --port "$port" --quiet "$@"
}

# load_bg PORT ARGS...: the same in the background; sets LOAD_PID.
load_bg() {
   local port=$1
   shift
   "$PY" "$LEAKTOP_DATADIR/demo_load.py" --port "$port" --quiet "$@" </dev/null &
   LOAD_PID=$!
   track "$LOAD_PID"
}

# start_gunicorn WORKERS GUNICORN_ARGS...: Debian's gunicorn serving
# $GUNICORN_APP (default wsgi_app:app, from tests/integration/) on an
# ephemeral loopback port with WORKERS workers booted; sets G (the master)
# and PORT. Its output goes to $TEST_TMP/$GUNICORN_NAME.out and .err
# (default gunicorn), so that a test can run several.
start_gunicorn() {
   local workers=$1 log=$TEST_TMP/${GUNICORN_NAME:-gunicorn}
   shift
   "$GUNICORN" -w "$workers" -b 127.0.0.1:0 --chdir "$TESTS_SRCDIR/integration" \
      --worker-tmp-dir "$TEST_TMP" "$@" "${GUNICORN_APP:-wsgi_app:app}" \
      >"$log.out" 2>"$log.err" </dev/null &
   G=$!
   track "$G"
   # Port 0: gunicorn binds an ephemeral port and logs which.
   wait_for 20 grep -qs 'Listening at: http://127.0.0.1:[0-9]' "$log.err" ||
      bail "gunicorn did not start: $(tail -n 5 "$log.err")"
   PORT=$(sed -n 's|.*Listening at: http://127.0.0.1:\([0-9]*\).*|\1|p' "$log.err" | head -n 1)
   wait_for 20 has_children "$G" "$workers" || bail "gunicorn did not boot $workers workers"
}

# leaktop_bg OUT ARGS...: leaktop in the background, stdout to OUT and stderr
# to OUT.err; sets LT_PID and LT_OUT.
leaktop_bg() {
   local out=$1
   shift
   "$LEAKTOP" "$@" >"$out" 2>"$out.err" </dev/null &
   LT_PID=$!
   LT_OUT=$out
   track "$LT_PID"
}

# leaktop_done TIMEOUT DESCRIPTION: waits for the leaktop_bg run to exit and
# reports its exit status as a test, with its stderr on failure.
leaktop_done() {
   local rc=0
   wait_exit "$LT_PID" "$1" || rc=$?
   ok "$rc" "$2"
   [ "$rc" -eq 0 ] || diag "$(cat "$LT_OUT.err")"
}

# wait_exit PID TIMEOUT: waits for a background child; its exit status, or
# 124 (and the process is killed) on timeout.
wait_exit() {
   local pid=$1 deadline=$((SECONDS + $2))
   while alive "$pid"; do
      if [ "$SECONDS" -ge "$deadline" ]; then
         kill -KILL "$pid" 2>/dev/null
         wait "$pid" 2>/dev/null
         return 124
      fi
      sleep 0.1
   done
   wait "$pid"
}

# run NAME ARGS...: leaktop with a time bound; sets RC, OUT and ERR (files).
run() {
   local name=$1
   shift
   OUT=$TEST_TMP/$name.out
   ERR=$TEST_TMP/$name.err
   RC=0
   timeout -k 5 30 "$LEAKTOP" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
   "$SYS_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# lines FILE: number of lines in FILE.
lines() {
   wc -l <"$1" | tr -d ' '
}

[ -x "$LEAKTOP" ] || bail "LEAKTOP=$LEAKTOP is not an executable"
