#!/bin/bash
# The stack view (key S) of the dashboard, driven through tmux on
# leaktop --demo: a worker's threads with Python frames merged into native
# ones, scrolling, the help entry, and the worker running on afterwards.
# Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=7
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

TUI_SIZE=100x20 start LANG=C.UTF-8 LC_ALL=C.UTF-8
if [ -n "$LEAKTOP_PID" ] && wait_for 30 table_ready; then
   ok "the dashboard shows the demo master and 4 workers"
else
   not_ok "the dashboard shows the demo master and 4 workers"
fi
record_demo
# The first row is the master; one move down selects the first worker.
worker=$(proc_rows | awk '$2 == "worker" { print $1; exit }')
tm send-keys -t "$SESSION" j
tm send-keys -t "$SESSION" S
check "S opens the stacks of the selected worker (PID $worker)" \
   wait_for 15 screen_has "^Process $worker .*CPython"
check "the worker's main thread: worker_main blocked in accept(), merged with libc frames" \
   eval 'screen_has "^  worker_main \(.*demo_service.py:[0-9]+\)" && screen_has "accept.*\(libc"'
check "the worker is running again (not left in a ptrace stop)" \
   eval '! grep -q "^State:[[:space:]]*t" /proc/'"$worker"'/task/*/status'
tm send-keys -t "$SESSION" NPage
check "PgDn scrolls the dump (the header line leaves the screen)" \
   wait_for 5 eval '! screen_has "^Process $worker "'
tm send-keys -t "$SESSION" q
check "q goes back to the dashboard" wait_for 10 table_ready
tm send-keys -t "$SESSION" F1
check "the help lists S" wait_for 10 screen_has "^  S +stacks of the selected process"
tm send-keys -t "$SESSION" Escape
tm send-keys -t "$SESSION" q
exited_cleanly >/dev/null
demo_left_nothing >/dev/null
finish
