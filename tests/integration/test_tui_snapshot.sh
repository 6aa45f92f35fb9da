#!/bin/bash
# Heap snapshots from the dashboard, driven through tmux: key i on a real
# CPython worker (Debian's python3) keeping objects of a known class shows
# the class in the detail view's snapshot pane, and a second i shows it
# grew; M starts tracemalloc and the next diff names the allocating line;
# a worker leaking native memory (ctypes malloc, memset, no free) snapshot
# every 3 s (--snapshot-every) gets "+native" in its VERDICT and "native
# growth" in its detail view; one whose freed memory stays with the
# allocator gets "+alloc" from R (malloc_trim); an idle gunicorn worker blocked in select()
# shows what the request waits for, W wakes it, Esc cancels; --batch
# --snapshot-every reports native growth in its JSON. No target is ever
# left stopped or traced. Emits TAP.
#
# Environment (set by make check): LEAKTOP, TESTS_SRCDIR.

set -u

PLAN=22
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")/..}
TARGET=$TESTS_SRCDIR/integration/tui_snapshot_target.py
ALLOC_LINE=$(grep -n '# ALLOC_LINE' "$TARGET" | cut -d: -f1)
SYS_PY=/usr/bin/python3
GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
STATE=$WORK/state # leaktop's snapshot store, not the user's
mkdir -p "$STATE"
export PYTHONDONTWRITEBYTECODE=1

if [ ! -x "$SYS_PY" ]; then
   for _ in $(seq "$PLAN"); do ok "# SKIP $SYS_PY is not installed"; done
   finish
fi
echo "# $("$SYS_PY" --version 2>&1)"

# start_target MODE: tui_snapshot_target.py in MODE; sets T_PID and T_OUT.
start_target() {
   T_OUT=$WORK/target-$1-$RANDOM.out
   "$SYS_PY" "$TARGET" "$1" >"$T_OUT" 2>&1 </dev/null &
   T_PID=$!
   ALL_PIDS+=("$T_PID")
   wait_for 10 grep -q '^READY' "$T_OUT"
}

grew() { [ "$(grep -c '^GREW' "$1")" -gt "$2" ]; }

# grow PID OUT: one growth step, waited for.
grow() {
   local n
   n=$(grep -c '^GREW' "$2")
   kill -USR1 "$1"
   wait_for 10 grew "$2" "$n"
}

# not_stopped PID: no thread of PID is stopped or traced.
not_stopped() {
   local f
   for f in /proc/"$1"/task/*/status; do
      grep -q '^State:[[:space:]]*[tT]' "$f" && return 1
      grep -q '^TracerPid:[[:space:]]*0$' "$f" || return 1
   done
   return 0
}

# quit_leaktop: F10 (quit from any view), and wait for leaktop to end.
quit_leaktop() {
   tm send-keys -t "$SESSION" F10
   wait_for 15 gone "$LEAKTOP_PID"
}

# ---- a Python heap that grows: i, i again, M -------------------------------
start_target objects
OBJ=$T_PID
OBJ_OUT=$T_OUT
grow "$OBJ" "$OBJ_OUT"
TUI_SIZE=120x45 TUI_TARGET="-p $OBJ" start XDG_STATE_HOME="$STATE"
check "the dashboard shows the worker (PID $OBJ)" wait_for 20 screen_has "^ *$OBJ +single "
tm send-keys -t "$SESSION" i
check "i asks it for a snapshot: the status line says it answered through a pending call" \
   wait_for 10 screen_has "snapshot of $OBJ via pending call in [0-9]+ ms"
tm send-keys -t "$SESSION" Enter
check "the detail view opens on the snapshot pane: 20000 __main__.LeakedWidget" \
   wait_for 10 eval 'screen_has "^Heap snapshot 1 at " && screen_has "^ +20000 +[0-9.]+[BKMG]  __main__\.LeakedWidget$"'
check "the worker is not left stopped or traced" not_stopped "$OBJ"
grow "$OBJ" "$OBJ_OUT"
tm send-keys -t "$SESSION" i
check "i again: the diff shows LeakedWidget grew from 20000 to 40000" \
   wait_for 10 eval 'screen_has "^Types that grew most" && screen_has "^ +20000 +40000 +\+20000  __main__\.LeakedWidget$"'
tm send-keys -t "$SESSION" M
check "M starts tracemalloc in the worker" \
   wait_for 10 eval 'screen_has "^Heap snapshot 3 at " && screen_has "tracemalloc: 1 frame, traced"'
grow "$OBJ" "$OBJ_OUT"
tm send-keys -t "$SESSION" i
check "the next diff names the allocating line, tui_snapshot_target.py:$ALLOC_LINE" \
   wait_for 10 eval 'screen_has "^Lines whose memory grew most" && screen_has " \+[0-9.]+[KM] +\+[0-9]+ +[^ ]*snapshot_target\.py:'"$ALLOC_LINE"'( .*)?$"'
# Beside file:line when both fit 80 columns, else on the line below.
check "the line diff shows that line's source; the diff names snapshot 3 by number and time" \
   wait_for 10 eval 'screen_has "held\.extend\(LeakedWidget\(i\) for i in " &&
      screen_has "^Compared with snapshot 3 of [0-9]{2}:[0-9]{2}:[0-9]{2}, taken"'
tm send-keys -t "$SESSION" F1
check "the help lists i, M, R and W" \
   wait_for 10 eval 'screen_has "^  i +heap snapshot of the worker and its diff" && screen_has "^  M +tracemalloc on/off" &&
      screen_has "^  R +snapshot with malloc_trim" && screen_has "^  W +wake the worker a snapshot waits for"'
tm send-keys -t "$SESSION" Escape
quit_leaktop

# ---- native growth, periodic snapshots ---------------------------------------
start_target native
NAT=$T_PID
NAT_OUT=$T_OUT
TUI_SIZE=120x45 TUI_TARGET="-p $NAT" TUI_ARGS="--snapshot-every 3" start XDG_STATE_HOME="$STATE"
check "--snapshot-every 3: a snapshot of the selected worker comes without a key" \
   wait_for 20 screen_has "snapshot of $NAT via pending call in [0-9]+ ms"
grow "$NAT" "$NAT_OUT"
check "after 32 MiB malloc'd in C, its VERDICT gains +native" \
   wait_for 20 screen_has "^ *$NAT +single .*[a-z/]+\+native "
tm send-keys -t "$SESSION" Enter
check "the detail view: verdict ... + native growth, the runbook's step for it" \
   wait_for 10 eval 'screen_has "^verdict [a-z ]+ \+ native growth" && screen_has "^next: a C extension or the allocator"'
check "the native worker is not left stopped or traced" not_stopped "$NAT"
quit_leaktop

# ---- memory the allocator keeps: R ------------------------------------------
start_target churn
CHU=$T_PID
CHU_OUT=$T_OUT
TUI_SIZE=120x45 TUI_TARGET="-p $CHU" start XDG_STATE_HOME="$STATE"
wait_for 20 screen_has "^ *$CHU +single " >/dev/null
tm send-keys -t "$SESSION" i
wait_for 10 screen_has "snapshot of $CHU via pending call in" >/dev/null
grow "$CHU" "$CHU_OUT"
tm send-keys -t "$SESSION" R
check "40 MiB freed but kept by malloc, then R: its VERDICT gains +alloc" \
   wait_for 10 screen_has "^ *$CHU +single .*[a-z/]+\+alloc "
tm send-keys -t "$SESSION" Enter
check "the snapshot pane: retention in the allocator, what malloc_trim returned" \
   wait_for 10 eval 'screen_has "^retention in the allocator \(malloc_trim returned [0-9.]+ MiB\), not a leak" &&
      screen_has "^  malloc_trim returned [0-9.]+ MiB"'
quit_leaktop

# ---- an idle gunicorn worker: what blocks it, W, Esc ------------------------
if [ -x "$GUNICORN" ]; then
   # --timeout 120: the idle sync worker's select() waits 60 s.
   "$GUNICORN" -w 1 -b 127.0.0.1:0 --timeout 120 --chdir "$TESTS_SRCDIR/integration" \
      --worker-tmp-dir "$WORK" wsgi_app:app >"$WORK/gunicorn.out" 2>"$WORK/gunicorn.err" </dev/null &
   G=$!
   ALL_PIDS+=("$G")
   wait_for 20 grep -q 'Listening at: http://127.0.0.1:[0-9]' "$WORK/gunicorn.err"
   PORT=$(sed -n 's|.*Listening at: http://127.0.0.1:\([0-9]*\).*|\1|p' "$WORK/gunicorn.err" | head -n 1)
   wait_for 20 eval '[ -n "$(pgrep -P '"$G"')" ]'
   GW=$(pgrep -P "$G" | head -n 1)
   ALL_PIDS+=("$GW")
   TUI_SIZE=160x40 TUI_TARGET="-p $G" start XDG_STATE_HOME="$STATE"
   wait_for 20 screen_has "^ *$GW +worker " >/dev/null
   tm send-keys -t "$SESSION" j
   sleep 2 # the worker is back in select() after booting
   tm send-keys -t "$SESSION" i
   check "an idle gunicorn worker: the status line says it waits in select() and offers W" \
      wait_for 10 screen_has "snapshot of $GW: press W to wake it with SIGWINCH, Esc cancels; waiting [0-9.]+ s for the main thread, which is in p?select"
   tm send-keys -t "$SESSION" W
   check "W wakes it (SIGWINCH) and it answers" \
      wait_for 10 screen_has "snapshot of $GW via pending call in [0-9]+ ms"
   tm send-keys -t "$SESSION" i
   wait_for 10 screen_has "snapshot of $GW: press W" >/dev/null
   tm send-keys -t "$SESSION" Escape
   check "Esc cancels a snapshot that waits" wait_for 10 screen_has "snapshot of $GW cancelled"
   served=$("$SYS_PY" -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=10).read().decode().strip())' "$PORT" 2>&1)
   check "the worker is not stopped or traced, and serves a request ($served)" \
      eval 'not_stopped "$GW" && [[ "$served" == "ok "*" $GW" ]]'
   quit_leaktop
   # The cancelled request ran with that request: its result was left unread.
   wait_for 5 eval 'ls /tmp/leaktop-$(id -u)/snapshot-$GW-*.json >/dev/null 2>&1'
   rm -f /tmp/leaktop-"$(id -u)"/snapshot-"$GW"-*.json
else
   for _ in 1 2 3 4; do ok "# SKIP $GUNICORN not installed (apt-get install gunicorn)"; done
fi

# ---- --batch --snapshot-every ----------------------------------------------
start_target native
BAT=$T_PID
BAT_OUT=$T_OUT
XDG_STATE_HOME="$STATE" "$LEAKTOP" -b -p "$BAT" --snapshot-every 2 -n 14 \
   >"$WORK/batch.jsonl" 2>"$WORK/batch.err" </dev/null &
BATCH_PID=$!
ALL_PIDS+=("$BATCH_PID")
wait_for 10 grep -q "snapshot of $BAT via" "$WORK/batch.err" && grow "$BAT" "$BAT_OUT"
wait_for 30 gone "$BATCH_PID"
# Later diffs see no growth; the worker's verdict keeps what the last
# growth was.
batch=$("$SYS_PY" -c 'import json, sys
procs = [json.loads(l)["trees"][0]["processes"][0] for l in open(sys.argv[1])]
diffs = [p["snapshot"]["diff"]["verdict"] for p in procs if (p["snapshot"] or {}).get("diff")]
v, s = procs[-1]["verdict"], procs[-1]["snapshot"]
print(v["snapshot"], "|", v["summary"], "|", "native growth" in diffs, s["taken"], s["route"])' \
   "$WORK/batch.jsonl" 2>&1)
check "--batch --snapshot-every 2: the JSON says native growth ($batch)" \
   eval '[[ "$batch" == "native growth | "*" + native growth | True "*" pending call" ]]'
check "... the batch target is not left stopped or traced" not_stopped "$BAT"

TUI_SIZE=80x24 TUI_TARGET="-p $OBJ" start XDG_STATE_HOME="$STATE"
wait_for 20 screen_has "^ *$OBJ +single " >/dev/null
tm send-keys -t "$SESSION" q
check "q quits leaktop with status 0" exited_cleanly

# A periodic request still queued when leaktop quit is answered into the
# targets' result directory: remove what the targets left there.
for pid in "$OBJ" "$NAT" "$CHU" "$BAT"; do
   kill -KILL "$pid" 2>/dev/null
   wait "$pid" 2>/dev/null
   rm -f /tmp/leaktop-"$(id -u)"/snapshot-"$pid"-*.json
done
finish
