#!/bin/bash
# The FDS and THR columns and the detail view's fds line, driven through
# tmux at 160x30 on the resource workers (resource_workers.py): `c` to the
# "fds and threads" set shows both columns (the default set shows neither);
# the CLOSE_WAIT leaker's FDS cell reads its count and its rise, and its
# VERDICT says grows/fds, the thread leaker's grows/thr, the control
# worker's neither; its detail view names CLOSE_WAIT and the next step.
# Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=7
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
WORKERS="$(dirname "$0")/resource_workers.py"
"$PY" "$WORKERS" server "$WORK/ports" &
ALL_PIDS+=($!)
"$PY" "$WORKERS" master "$WORK/ports" "$WORK/pids" &
MASTER=$!
ALL_PIDS+=("$MASTER")
wait_for 10 test -s "$WORK/pids" || {
   echo "Bail out! the workers did not start"
   exit 1
}
for pid in $(awk '{ print $2 }' "$WORK/pids"); do ALL_PIDS+=("$pid"); done
worker() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/pids"; }
CLOSEWAIT=$(worker closewait) THREADS=$(worker threads) CONTROL=$(worker control)

# The text of PID's cell under the column titled TITLE (right-aligned,
# WIDTH wide): found by the title's place in the header, not by position.
cell() {
   capture | awk -v pid="$1" -v title="$2" -v width="$3" '
      index($0, " " title " ") && !start { start = index($0, " " title " ") + 1 + length(title) - width }
      start && $1 == pid { s = substr($0, start, width); gsub(/^ +| +$/, "", s); print s; exit }'
}
# "N +M" with M at least $3.
rise_at_least() {
   local text
   text=$(cell "$1" "$2" 9)
   [[ $text =~ ^[0-9]+\ \+([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge "$3" ]
}
six_rows() { [ "$(proc_rows | wc -l)" -eq 6 ]; }

TUI_SIZE=160x30 TUI_TARGET="-p $MASTER" TUI_ARGS="--smaps-interval 5" start LANG=C.UTF-8 LC_ALL=C.UTF-8
if [ -n "$LEAKTOP_PID" ] && wait_for 20 six_rows && ! screen_has " FDS "; then
   ok "the default set shows the master and 5 workers, and no FDS column"
else
   not_ok "the default set shows the master and 5 workers, and no FDS column"
   sed 's/^/# stderr: /' "$WORK/stderr" 2>/dev/null
fi
tm send-keys -t "$SESSION" c c
check "c c shows the fds and threads set, with FDS and THR columns" \
   wait_for 10 eval 'screen_has "columns: fds and threads" && screen_has " FDS +THR "'
check "the CLOSE_WAIT leaker's FDS cell shows its count and a rise of 60 or more" \
   wait_for 80 rise_at_least "$CLOSEWAIT" FDS 60
check "its VERDICT says grows/fds, the thread leaker's grows/thr" \
   wait_for 20 eval 'capture | grep -qE "^ *$CLOSEWAIT .* grows/fds " && capture | grep -qE "^ *$THREADS .* grows/thr "'
check "the control worker's FDS cell shows no rise, and its VERDICT no fds or threads" \
   eval '[[ $(cell "$CONTROL" FDS 9) =~ ^[0-9]+$ ]] && ! capture | grep -qE "^ *$CONTROL .*grows/(fds|thr)"'
tm send-keys -t "$SESSION" / "$CLOSEWAIT" Enter
wait_for 10 eval '[ "$(proc_rows | wc -l)" -eq 1 ]' >/dev/null
tm send-keys -t "$SESSION" Enter
check "its detail view shows the fds by kind with CLOSE_WAIT, the fd limit, and the step" \
   wait_for 15 eval 'screen_has "^fds [0-9]+ \(\+[0-9]+\) .*tcp [0-9]+ CLOSE_WAIT [0-9]+.*limit [0-9]+" && screen_has "grows/fds: CLOSE_WAIT \+[0-9]+; next: "'
tm send-keys -t "$SESSION" q q
check "q quits with status 0" exited_cleanly

finish
