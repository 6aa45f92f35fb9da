# shellcheck shell=bash
# Helpers of the snapshot tests (test_snapshot*.sh), sourced after lib.sh:
# the worker snapshot_target.py, the commands it takes, what it reports on
# itself, and leaktop snapshot runs against it.

TARGET=$TESTS_SRCDIR/integration/snapshot_target.py
# shellcheck disable=SC2034 # for the scripts that source this file
ALLOC_LINE=$(grep -n '# ALLOC_LINE' "$TARGET" | cut -d: -f1)
# shellcheck disable=SC2034
ALLOC_CALL=$(grep -n '# ALLOC_CALL' "$TARGET" | cut -d: -f1)
# leaktop keeps the snapshots it diffs against under the test's own state.
export XDG_STATE_HOME=$TEST_TMP/state
mkdir -p "$XDG_STATE_HOME"

_targets=0
# start_target PYTHON [PYTHON_OPTIONS...]: snapshot_target.py under PYTHON;
# sets T_PID, T_STATUS (its report) and T_FD (its command FIFO, held open).
start_target() {
   local py=$1 name
   shift
   _targets=$((_targets + 1))
   name=$TEST_TMP/target$_targets
   mkfifo "$name.fifo"
   "$py" "$@" "$TARGET" "$name.status" "$name.fifo" >"$name.out" 2>&1 </dev/null &
   T_PID=$!
   track "$T_PID"
   T_STATUS=$name.status
   # Read-write: opening never waits for the target's reader.
   exec {T_FD}<>"$name.fifo"
   wait_for 20 test -s "$T_STATUS" || bail "the target did not start: $(cat "$name.out")"
}

# status EXPR: the Python expression EXPR over s, the target's report.
status() {
   "$PY" -c 'import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval("(" + sys.argv[2] + ")"))' "$T_STATUS" "$1"
}

# send COMMAND: has the target carry out COMMAND and waits until it has.
send() {
   local count
   count=$(status 's["done"]')
   printf '%s\n' "$1" >&"$T_FD"
   wait_for 20 _done_past "$count" || bail "the target did not do '$1'"
}
_done_past() {
   [ "$(status 's["done"]')" -gt "$1" ]
}

# snap NAME ARGS...: leaktop snapshot T_PID ARGS...; sets RC, OUT and ERR.
snap() {
   local name=$1
   shift
   run "$name" snapshot "$T_PID" "$@"
}

# expect_rc STATUS DESCRIPTION: the last run's exit status, with its
# output on failure.
expect_rc() {
   ok "$([ "$RC" -eq "$1" ] && echo 0 || echo 1)" "$2 (exit $RC)"
   [ "$RC" -eq "$1" ] || diag "$(cat "$ERR" "$OUT")"
}

# says DESCRIPTION FILE PATTERN...: FILE matches every extended regular
# expression PATTERN; shows FILE otherwise.
says() {
   local desc=$1 file=$2 p rc=0
   shift 2
   for p in "$@"; do
      grep -Eq -e "$p" "$file" || {
         rc=1
         diag "no line matches: $p"
      }
   done
   ok "$rc" "$desc"
   [ "$rc" -eq 0 ] || diag "$(head -c 3000 "$file")"
}

# answered: "answered in N ms, K threads paused P ms at most" of the last
# text run, for the log.
answered() {
   sed -n 's/^Snapshot of [0-9]* via [^:]*: //p' "$OUT"
}

# free_running PID: no thread of PID is stopped and nothing traces it.
free_running() {
   local stat state
   for stat in /proc/"$1"/task/*/stat; do
      state=$(sed 's/.*) \(.\).*/\1/' "$stat" 2>/dev/null) || continue
      case $state in
      t | T)
         echo "thread $(basename "$(dirname "$stat")") is stopped ($state)"
         return 1
         ;;
      esac
   done
   grep -q '^TracerPid:[[:space:]]*0$' /proc/"$1"/status || {
      grep TracerPid /proc/"$1"/status
      return 1
   }
}

# runs_on DESCRIPTION: the target's main loop and its ticker thread both
# advance over 0.3 s, and none of its threads is stopped or traced.
runs_on() {
   local loops ticks loops2 ticks2 rc=0 why=""
   read -r loops ticks <<<"$(status '"%d %d" % (s["loops"], s["ticker"])')"
   sleep 0.3
   read -r loops2 ticks2 <<<"$(status '"%d %d" % (s["loops"], s["ticker"])')"
   if [ "$loops2" -le "$loops" ] || [ "$ticks2" -le "$ticks" ]; then
      rc=1
      why="loops $loops -> $loops2, ticker $ticks -> $ticks2"
   fi
   why=$why$(free_running "$T_PID") || rc=1
   ok "$rc" "$1"
   diag "$why"
}

# untouched DESCRIPTION: the target reports no sys.last_*, no new name in
# __main__, no exception caught by its main loop, and its three threads.
untouched() {
   local rc=0
   [ "$(status 's["last"] == [] and s["new_names"] == [] and s["errors"] == []
         and s["threads"] == ["MainThread", "Thread-1 (read_commands)", "ticker"]')" = True ] || rc=1
   ok "$rc" "$1"
   [ "$rc" -eq 0 ] || diag "$(cat "$T_STATUS")"
}
