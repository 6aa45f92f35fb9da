#!/bin/bash
# The interactive dashboard, driven through tmux: leaktop --demo at 80x24,
# selection, detail view and its time axis, help, a resize to 20x5 and back,
# quitting (the demo must go with it), ASCII glyphs under LANG=C, no colour
# under NO_COLOR, and SIGTERM restoring the terminal. Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=23
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

# ---- 1. UTF-8 locale -------------------------------------------------------
start LANG=C.UTF-8 LC_ALL=C.UTF-8
if [ -n "$LEAKTOP_PID" ] && wait_for 30 table_ready; then
   ok "UTF-8: the table shows the demo master and 4 workers"
else
   not_ok "UTF-8: the table shows the demo master and 4 workers"
   sed 's/^/# stderr: /' "$WORK/stderr" 2>/dev/null
fi
record_demo
screen=$(capture)
check "UTF-8: the column titles and the UTF-8 tree glyphs are drawn" \
   eval 'printf "%s" "$screen" | grep -q "└─" && printf "%s" "$screen" | grep -q "GROW/m"'

# Two moves down from the master select the third process row.
third=$(proc_rows | sed -n 3p | awk '{ print $1 }')
tm send-keys -t "$SESSION" j
tm send-keys -t "$SESSION" Down
tm send-keys -t "$SESSION" Enter
check "j/Down then Enter opens the detail view of the third row (PID $third)" \
   wait_for 10 screen_has "^PID $third +worker"
check "the detail view draws the chart with a size axis and a time axis" \
   wait_for 10 eval 'screen_has "┤" && screen_has "└.*┬.*┬" && screen_has "-[0-9]+[smh] .*now *$"'
tm send-keys -t "$SESSION" Escape
check "Esc goes back to the table" wait_for 10 eval 'screen_has "GROW/m" && table_ready'
tm send-keys -t "$SESSION" F1
check "F1 shows the help generated from the binding table" \
   wait_for 10 eval 'screen_has "Dashboard keys" && screen_has "F10/q +quit"'
tm send-keys -t "$SESSION" Escape
wait_for 10 table_ready >/dev/null

tm resize-window -t "$SESSION" -x 20 -y 5
small_ok() {
   local s
   s=$(capture)
   [ "$(printf '%s\n' "$s" | wc -l)" -le 5 ] &&
      printf '%s\n' "$s" | python3 -c 'import sys; sys.exit(max(len(l) for l in sys.stdin.read().splitlines()) > 20)' &&
      printf '%s\n' "$s" | grep -q "PID" && printf '%s\n' "$s" | grep -qE '^ *[0-9]+ +[0-9.]+[KMG]'
}
check "at 20x5 it still draws titles and a process row within the window" wait_for 10 small_ok
sleep 1.5 # a tick or two at the small size
check "at 20x5 leaktop is still running" alive "$LEAKTOP_PID"
tm resize-window -t "$SESSION" -x 80 -y 24
check "back at 80x24 the full table returns" \
   wait_for 10 eval 'table_ready && screen_has "COMMAND"'

tm send-keys -t "$SESSION" q
check "q quits leaktop with status 0" exited_cleanly
check "no demo process is left after quitting (${#DEMO_PIDS[@]} recorded)" demo_left_nothing
check "the terminal modes are restored after q" \
   terminal_restored
tm kill-server >/dev/null 2>&1

# ---- 2. LANG=C: ASCII only -------------------------------------------------
start LANG=C LC_ALL=C
check "LANG=C: the table shows the demo master and 4 workers" wait_for 30 table_ready
record_demo
sleep 1.5 # let the sparklines and tree draw a tick more
screen=$(capture)
check "LANG=C: the dashboard is ASCII only" ascii_only "$screen"
tm send-keys -t "$SESSION" Enter
wait_for 10 screen_has "now *$" >/dev/null
screen=$(capture)
check "LANG=C: the detail view is ASCII only and has its time axis" \
   eval 'ascii_only "$screen" && printf "%s" "$screen" | grep -qE "^ +\+[-+^V]+\+$" &&
         printf "%s" "$screen" | grep -qE "now *$"'
tm send-keys -t "$SESSION" q
wait_for 10 table_ready >/dev/null
tm send-keys -t "$SESSION" q
check "LANG=C: q quits, and no demo process is left" \
   eval 'exited_cleanly && demo_left_nothing'
tm kill-server >/dev/null 2>&1

# ---- 3. NO_COLOR, and SIGTERM --------------------------------------------------
start LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1
check "NO_COLOR: the table shows the demo master and 4 workers" wait_for 30 table_ready
record_demo
# Colour SGR parameters 30-38, 40-48, 90-97, 100-107 (tmux always writes the
# resets 39 and 49, which are no colour).
has_colour() { printf '%s' "$1" | grep -qE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m'; }
screen=$(capture -e)
check "NO_COLOR: no colour escape sequences, attributes only" eval '! has_colour "$screen"'
kill -TERM "$LEAKTOP_PID"
check "SIGTERM: leaktop exits with status 0, no demo process is left" \
   eval 'exited_cleanly && demo_left_nothing'
check "SIGTERM: the terminal modes are restored" \
   terminal_restored
tm kill-server >/dev/null 2>&1

# Colour is on by default (the NO_COLOR check would prove nothing otherwise).
start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 30 table_ready >/dev/null
record_demo
screen=$(capture -e)
check "without NO_COLOR the same screen does use colour" has_colour "$screen"
tm send-keys -t "$SESSION" q
exited_cleanly >/dev/null
demo_left_nothing >/dev/null

# ---- 4. every target gone ---------------------------------------------------
python3 -c 'import time; time.sleep(300)' &
LONE=$!
ALL_PIDS+=("$LONE")
TUI_TARGET="-p $LONE" start LANG=C.UTF-8 LC_ALL=C.UTF-8
check "-p PID: the table shows the one process" \
   wait_for 15 eval 'capture | grep -qE "^ *$LONE "'
kill -KILL "$LONE"
wait "$LONE" 2>/dev/null
check "once it has exited, the status line says every target has exited" \
   wait_for 10 screen_has "every target has exited; q quits"
tm send-keys -t "$SESSION" q
exited_cleanly >/dev/null

finish
