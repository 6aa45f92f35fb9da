#!/bin/bash
# leaktop snapshot when things go wrong. leaktop SIGKILLed at each stage of
# an injection (held there by LEAKTOP_TEST_PAUSE), on the pending-call
# route (CPython 3.11) and the PEP 768 route (Debian's 3.14 and 3.15): the worker
# runs on with no thread stopped and nothing tracing it, and the next
# snapshot answers (leaktop's region reused, the queue consistent). A
# hostile worker swapping its result for a symlink or a 5 MB file is
# refused. A non-Python process, an unsupported version and a forbidden
# ptrace each get a clear message and exit status 1. A collector that
# raises leaves the worker's frames untouched.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/snapshot_lib.sh
. "$(dirname "$0")/snapshot_lib.sh"

PENDING_STAGES=(mapped stopped checked written slot queued)
REMOTE_STAGES=(stopped checked written queued)
PY310=${HOME:-/root}/.pyenv/versions/3.10.13/bin/python3.10

plan $((53 + 3 * ${#REMOTE_STAGES[@]} + 2))
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
   skip_rest "needs root and setpriv (ptrace, and a leaktop of another user)"
   done_testing
fi


# regions PID: how many regions leaktop mapped into PID (its magic first).
regions() {
   "$PY" - "$1" <<'PYEOF'
import sys
pid = sys.argv[1]
found = 0
with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem:
    for line in maps:
        f = line.split()
        if len(f) == 5 and f[1].startswith("r--"):
            mem.seek(int(f[0].split("-")[0], 16))
            try:
                found += mem.read(16) == b"leaktop-inject-1"
            except OSError:
                pass
print(found)
PYEOF
}

# quiet PYTHON: a one-thread Python process that sleeps in a loop and
# allocates next to nothing; sets QUIET.
quiet() {
   "$1" -c 'import time
while True:
    time.sleep(0.01)' </dev/null >/dev/null 2>&1 &
   QUIET=$!
   track "$QUIET"
   sleep 0.3
}

# hold_and_kill STAGE: leaktop snapshot T_PID held at STAGE, then
# SIGKILLed; fails if it never got there.
hold_and_kill() {
   local f=$TEST_TMP/pause-$T_PID-$1 lt rc=0
   LEAKTOP_TEST_PAUSE=$1 "$LEAKTOP" snapshot "$T_PID" --top 5 >"$f.out" 2>"$f.err" </dev/null &
   lt=$!
   track "$lt"
   wait_for 10 grep -qs "^leaktop: test pause at $1$" "$f.err" || rc=1
   kill -KILL "$lt"
   wait "$lt" 2>/dev/null
   [ "$rc" -eq 0 ] || cat "$f.err"
   return "$rc"
}

# killed_at ROUTE ROUTE_RE STAGE: leaktop held at STAGE, SIGKILLed there;
# then the worker runs on and the next snapshot answers by ROUTE.
killed_at() {
   local route=$1 route_re=$2 stage=$3
   check "$route, $stage: leaktop holds there, and is killed" hold_and_kill "$stage"
   runs_on "$route, leaktop killed at $stage: the worker runs on, no thread stopped, TracerPid 0"
   snap "after-$stage"
   ok "$([ "$RC" -eq 0 ] && grep -Eq "^Snapshot of $T_PID via $route_re: answered" "$OUT" &&
      echo 0 || echo 1)" "$route, killed at $stage: the next snapshot answers (exit $RC)"
   [ "$RC" -eq 0 ] || diag "$(cat "$ERR")"
}

# ---- the pending-call route, CPython 3.11 ------------------------------------------------
start_target "$SYS_PY"
PENDING=$T_PID
PENDING_FD=$T_FD
PENDING_STATUS=$T_STATUS
for stage in "${PENDING_STAGES[@]}"; do
   killed_at "pending call" "pending call" "$stage"
done
n=$(regions "$PENDING")
ok "$([ "$n" = 1 ] && echo 0 || echo 1)" \
   "one region in the worker after ${#PENDING_STAGES[@]} kills and as many snapshots: made once, reused ($n)"

# ---- the PEP 768 route, CPython 3.14 and 3.15 ------------------------------------------------
for v in 3.14 3.15; do
   rc=0
   python=$(bash "$TESTS_SRCDIR/pythons.sh" "$v" 2>"$TEST_TMP/fetch.err") || rc=$?
   if [ "$rc" -ne 0 ]; then
      [ "$rc" -eq 77 ] || bail "tests/pythons.sh $v failed: $(cat "$TEST_TMP/fetch.err")"
      skip_n $((3 * ${#REMOTE_STAGES[@]} + 2)) "CPython $v: $(tail -n 1 "$TEST_TMP/fetch.err")"
      continue
   fi
   start_target "$python"
   for stage in "${REMOTE_STAGES[@]}"; do
      killed_at "remote exec" "remote exec \(PEP 768\)" "$stage"
   done
   # A worker with one thread and little allocation: nothing but leaktop
   # ever sets its eval breaker.
   quiet "$python"
   T_PID=$QUIET
   hold_and_kill written
   check "a quiet one-thread $v worker, leaktop killed at written: no thread stopped" \
      free_running "$T_PID"
   snap "quiet-after$v" --timeout 5
   ok "$([ "$RC" -eq 0 ] && grep -q "^Snapshot of $T_PID via remote exec" "$OUT" && echo 0 || echo 1)" \
      "... the next snapshot answers: its request replaces the one left half-made (exit $RC)"
   [ "$RC" -eq 0 ] || diag "$(cat "$ERR")"
done

# ---- a hostile worker's result file ---------------------------------------------------------
T_PID=$PENDING
T_FD=$PENDING_FD
T_STATUS=$PENDING_STATUS
SECRET=$TEST_TMP/secret
echo "SECRET-$$-CONTENT" >"$SECRET"
send "symlink $SECRET"
snap symlink
expect_rc 1 "a result file replaced by a symlink is refused"
says "... saying so; the link is removed" "$ERR" \
   "^leaktop snapshot: refused /proc/$T_PID/root/tmp/leaktop-0/snapshot-$T_PID-[0-9]+\.json: a symbolic link \(removed\)$"
ok "$([ "$(cat "$SECRET")" = "SECRET-$$-CONTENT" ] && ! grep -q "SECRET-$$" "$OUT" "$ERR" &&
   [ -z "$(find /tmp/leaktop-0 -name "snapshot-$T_PID-*")" ] && echo 0 || echo 1)" \
   "... the link was not followed: the file it names is intact and unread"
send "grow 5242880"
snap grown
ok "$([ "$RC" -eq 1 ] &&
   grep -Eq "^leaktop snapshot: refused .*/snapshot-$T_PID-[0-9]+\.json: 52428[0-9]{2} bytes, limit [0-9]+ \(removed\)$" "$ERR" &&
   [ -z "$(find /tmp/leaktop-0 -name "snapshot-$T_PID-*")" ] && echo 0 || echo 1)" \
   "a result file grown to 5 MB is refused and removed (exit $RC)"
diag "$(cat "$ERR")"
send honest
snap honest
expect_rc 0 "the worker answers again once its result files are honest"

# ---- what cannot be asked ----------------------------------------------------------------------
sleep 60 &
SLEEPER=$!
track "$SLEEPER"
run sleeper snapshot "$SLEEPER"
expect_rc 1 "a process that is not Python (sleep) is refused"
says "... saying it has no CPython interpreter" "$ERR" \
   "^leaktop snapshot: process $SLEEPER is not a Python process \(no CPython interpreter in its memory map\)$"
if [ -x "$PY310" ]; then
   quiet "$PY310"
   run old snapshot "$QUIET"
   expect_rc 1 "CPython 3.10 (pyenv) is refused"
   says "... saying which versions are supported" "$ERR" \
      '^leaktop snapshot: CPython older than 3\.11 .*supported: 3\.11, 3\.12, 3\.13, 3\.14 and 3\.15$'
else
   skip_n 2 "no CPython 3.10 at $PY310"
fi
RC=0
OUT=$TEST_TMP/nobody.out
ERR=$TEST_TMP/nobody.err
timeout -k 5 30 setpriv --reuid=65534 --regid=65534 --clear-groups \
   "$(readable_copy "$LEAKTOP")" snapshot "$T_PID" >"$OUT" 2>"$ERR" </dev/null || RC=$?
expect_rc 1 "leaktop as nobody against a root worker is refused"
says "... saying ptrace is not permitted and what would be" "$ERR" \
   "^leaktop snapshot: not permitted to read process $T_PID: it runs as uid 0 and leaktop as uid 65534 without CAP_SYS_PTRACE"
runs_on "... and the worker runs on, none of its threads stopped, TracerPid 0"

# ---- a collector that raises --------------------------------------------------------------------
send "break get_objects"
snap broken --json
expect_rc 0 "gc.get_objects raising: the snapshot still answers"
rcheck "... with the error listed, the other parts there, no object count taken for zero" "$OUT" \
   "'types: RuntimeError: broken by the test' in r['snapshot']['errors']
    and r['snapshot']['types'] == [] and 'objects' not in r['snapshot']['gc']
    and r['snapshot']['allocated_blocks'] > 0 and r['diff']['gc_objects_percent'] is None"
untouched "... the worker's namespace and main loop untouched: no sys.last_*, no new name, no exception"
runs_on "... the worker runs on"
send mend
send "break getpid"
snap raising --timeout 2
expect_rc 3 "os.getpid raising: the collector raises, so no answer comes"
untouched "... the bootstrap swallowed it: no sys.last_*, no new name, no exception in the main loop"
runs_on "... the worker runs on"
send mend
snap mended
expect_rc 0 "mended, the worker answers again"

done_testing
