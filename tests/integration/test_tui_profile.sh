#!/bin/bash
# The profile view (key P), driven through tmux on a real pre-fork Python
# service: its worker runs a thread busy in crunch_numbers() while its main
# thread sleeps. The profile samples without freezing the screen, the call
# tree gives crunch_numbers its share, nodes open and close, the function
# list and the thread grouping, the folded export, Python-only sampling
# that never stops the worker, leaving mid-run, the worker dying mid-run;
# and the worker is never left stopped or traced. Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=26
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

cat >"$WORK/service.py" <<'PY'
import os, sys, threading, time

def crunch_numbers():
    while True:
        sum(range(100000))  # LINE-BUSY

def worker():
    threading.Thread(target=crunch_numbers, name="cruncher", daemon=True).start()
    while True:
        time.sleep(0.5)

pid = os.fork()
if pid == 0:
    worker()
print(pid, flush=True)
os.waitpid(pid, 0)
PY
BUSY_LINE=$(grep -n LINE-BUSY "$WORK/service.py" | cut -d: -f1)
"$PY" "$WORK/service.py" >"$WORK/service.out" 2>&1 </dev/null &
MASTER=$!
ALL_PIDS+=("$MASTER")
for _ in $(seq 50); do
   WORKER=$(head -n 1 "$WORK/service.out" 2>/dev/null)
   [ -n "$WORKER" ] && break
   sleep 0.1
done
ALL_PIDS+=("$WORKER")

# The share (first percentage) of the first screen row naming crunch_numbers
# at its busy line; -1 if none.
busy_share() {
   capture | awk -v pat="crunch_numbers \\\\(.*service.py:$BUSY_LINE\\\\)" \
      '$0 ~ pat { sub(/%.*/, "", $1); printf "%d\n", $1; found = 1; exit }
       END { if (!found) print -1 }'
}
busy_share_at_least() { [ "$(busy_share)" -ge "$1" ]; }
busy_shown() { [ "$(busy_share)" -ge 0 ]; }
busy_hidden() { [ "$(busy_share)" -lt 0 ]; }
samples_shown() {
   capture | sed -n 's/^Sampling process [0-9]*: [0-9.]*\/[0-9]* s, \([0-9]*\) samples.*/\1/p'
}
# No thread of the worker in a stop, none traced, and the cruncher still
# burning CPU.
worker_free() {
   local s
   for s in /proc/"$WORKER"/task/*/status; do
      grep -q '^State:[[:space:]]*[tT]' "$s" && return 1
      grep -q '^TracerPid:[[:space:]]*0$' "$s" || return 1
   done
   return 0
}
# The first row of the tree (under the header, the summary and the titles).
first_row() { capture | sed -n 4p; }
# Each line "thread TID (python3);frame;...;frame count", crunch_numbers in one.
folded_ok() {
   awk '!/^thread [0-9]+ \(python3\);.+ [0-9]+$/ { bad = 1 } END { exit bad || NR == 0 }' "$1" &&
      grep -q ";crunch_numbers (.*service.py:$BUSY_LINE);" "$1"
}
cpu_ticks() { awk '{ print $14 + $15 }' /proc/"$WORKER"/stat; }
worker_runs() {
   local before
   before=$(cpu_ticks)
   sleep 1
   [ "$(cpu_ticks)" -gt "$before" ]
}

TUI_SIZE=110x40 TUI_TARGET="-p $MASTER" start LANG=C.UTF-8 LC_ALL=C.UTF-8
check "the dashboard shows the service's master and worker ($WORKER)" \
   wait_for 30 eval 'proc_rows | grep -qE "^ *$WORKER +worker "'

# ---- a native profile -----------------------------------------------------
tm send-keys -t "$SESSION" j
tm send-keys -t "$SESSION" P
check "P on the worker starts sampling it: 5 s at 100 Hz, native frames" \
   wait_for 5 screen_has "^Sampling process $WORKER: [0-9.]+/5 s, [0-9]+ samples at 100 Hz, native frames"
first=$(samples_shown)
sleep 1
second=$(samples_shown)
check "the screen stays live while sampling: the count goes on ($first, then $second)" \
   test "${second:-0}" -gt "${first:-0}"
check "the profile ends after 5 s with its header" \
   wait_for 15 screen_has "^Profile of process $WORKER \(python3\), CPython 3\.[0-9]+\.[0-9]+: [0-9]+ samples in 5\.[0-9] s at 100 Hz, native frames"
share=$(busy_share)
check "the call tree shows crunch_numbers at its line with about half of all thread stacks ($share%)" \
   test "$share" -ge 40 -a "$share" -le 60
check "the tree shows native frames around it (libc's thread start)" screen_has "^ .*libc\.so\.6"
tm send-keys -t "$SESSION" i
# Not 100%: the sleeping main thread, woken by each sample's interrupt, may
# still wait for a CPU (state R) at the next sample on a loaded machine.
wait_for 5 busy_share_at_least 60
share=$(busy_share)
check "i leaves idle threads out: crunch_numbers has most of the running stacks ($share%)" \
   test "$share" -ge 60
# The cursor is on the first row: the busy thread's outermost frame.
tm send-keys -t "$SESSION" Left
check "Left closes the first node: crunch_numbers, below it, is gone" \
   wait_for 5 eval 'busy_hidden && first_row | grep -qE "^ +[0-9.]+% +[0-9.]+% +[0-9]+  ▸ "'
tm send-keys -t "$SESSION" Right
check "Right opens it again" wait_for 5 busy_shown
tm send-keys -t "$SESSION" Enter
tm send-keys -t "$SESSION" +
check "Enter closes it, + opens it" wait_for 5 busy_shown
tm send-keys -t "$SESSION" t
tm send-keys -t "$SESSION" s
check "t, then s: the functions by total share, crunch_numbers among the first" \
   wait_for 5 eval 'screen_has "FUNCTION \(by total share\)" && busy_share_at_least 60'
cruncher=
for task in /proc/"$WORKER"/task/*; do
   [ "${task##*/}" != "$WORKER" ] && cruncher=${task##*/}
done
tm send-keys -t "$SESSION" t
tm send-keys -t "$SESSION" H
check "H groups the stacks by thread: the cruncher's thread ($cruncher) on top" \
   wait_for 5 eval 'first_row | grep -qE "^ +[0-9.]+% .*▾ thread $cruncher \(python3\)$"'
tm send-keys -t "$SESSION" w
check "w writes the profile and says where" \
   wait_for 5 screen_has "wrote /tmp/leaktop-$(id -u)/profile-$WORKER-[0-9-]+\.folded"
folded=$(capture | grep -o "/tmp/leaktop-$(id -u)/profile-$WORKER-[0-9-]*\.folded" | head -n 1)
check "the file is in the folded format, by thread, with crunch_numbers" folded_ok "$folded"
[ -n "$folded" ] && rm -f "$folded"
tm send-keys -t "$SESSION" q
check "q goes back to the dashboard" wait_for 5 eval 'proc_rows | grep -qE "^ *$WORKER +worker "'
check "the worker is not left stopped or traced" wait_for 2 worker_free
check "the worker still runs" worker_runs

# ---- help -------------------------------------------------------------------------
tm send-keys -t "$SESSION" F1
check "the help lists P" wait_for 5 screen_has "^  P +profile the selected process"
tm send-keys -t "$SESSION" NPage NPage NPage NPage NPage
check "the help lists the profile view's keys" \
   wait_for 5 eval 'screen_has "^  Enter +open or close the call-tree node" && screen_has "^  w +write the profile"'
tm send-keys -t "$SESSION" Escape

# ---- Python frames only: never stopped --------------------------------------------
tm send-keys -t "$SESSION" P
wait_for 5 screen_has "^Sampling process $WORKER" >/dev/null
tm send-keys -t "$SESSION" n
wait_for 5 screen_has "^Sampling process $WORKER: .*Python frames only" >/dev/null
stopped=0
while screen_has "^Sampling process $WORKER"; do
   grep -q '^State:[[:space:]]*[tT]' /proc/"$WORKER"/task/*/status && stopped=1
done
check "n samples Python frames only, and no thread of the worker is ever stopped" test "$stopped" -eq 0
check "the Python-only tree has crunch_numbers at its line" \
   wait_for 5 eval 'screen_has "^Profile of process $WORKER .*Python frames only" && busy_share_at_least 40'

# ---- leaving mid-run ------------------------------------------------------------
tm send-keys -t "$SESSION" n # native again: sampling restarts
wait_for 5 screen_has "^Sampling process $WORKER: .*native frames" >/dev/null
sleep 1
tm send-keys -t "$SESSION" q
check "q while sampling goes back at once" wait_for 3 eval 'proc_rows | grep -qE "^ *$WORKER +worker "'
check "the worker is let go: not stopped, not traced, running" eval 'wait_for 2 worker_free && worker_runs'

# ---- the worker dies mid-run ----------------------------------------------------
tm send-keys -t "$SESSION" P
wait_for 5 screen_has "^Sampling process $WORKER: [0-9.]+/5 s, [1-9]" >/dev/null
kill -KILL "$WORKER"
check "the worker killed mid-run: sampling ends, saying why, with what was sampled" \
   wait_for 10 eval 'screen_has "^sampling ended after [0-9.]+ s: process $WORKER (exited|does not exist)" &&
      screen_has "^Profile of process $WORKER .*: [1-9][0-9]* samples" && busy_shown'
tm send-keys -t "$SESSION" q
tm send-keys -t "$SESSION" q
check "q quits leaktop with status 0" exited_cleanly
check "the terminal modes are restored" terminal_restored
finish
