#!/bin/bash
# Where the dashboard cannot draw: no terminal, TERM=dumb (no cursor
# addressing: ncurses would draw a screen of spaces), a TERM terminfo does
# not know. Each gets one line pointing to --batch, and exit 1, before the
# demo starts. And a terminal resized to 1x1 and back: no crash, and the
# table comes back. Emits TAP.

set -u

PLAN=8
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

# ---- no terminal ------------------------------------------------------------
SECONDS=0
"$LEAKTOP" --demo </dev/null >"$WORK/notty.out" 2>"$WORK/notty.err"
code=$?
took=$SECONDS
check "no terminal: exit 1 with one line pointing to --batch" \
   eval '[ $code -eq 1 ] && [ "$(wc -l <"$WORK/notty.err")" -eq 1 ] &&
      grep -q "needs a terminal on standard input and output; use --batch" "$WORK/notty.err"'
check "no terminal: said at once, before the demo starts (${took}s)" test "$took" -le 1

# ---- TERM=dumb and an unknown TERM, in a real terminal -----------------------
tui_refused() { # TERM, what the message says
   start TERM="$1"
   wait_for 10 test -s "$WORK/status" && [ "$(cat "$WORK/status")" = 1 ] &&
      [ "$(wc -l <"$WORK/stderr")" -eq 1 ] && grep -q -- "$2" "$WORK/stderr" &&
      grep -q -- "--batch" "$WORK/stderr"
}
check "TERM=dumb: exit 1, it cannot move the cursor, use --batch" \
   tui_refused dumb "TERM=dumb cannot move the cursor"
check "an unknown TERM: exit 1, not in the terminfo database, use --batch" \
   tui_refused no-such-terminal-xyz "TERM=no-such-terminal-xyz is not in the terminfo database"
check "the terminal is left as it was" terminal_restored

# ---- 1x1 and back ------------------------------------------------------------
python3 -c 'import time; time.sleep(300)' &
LONE=$!
ALL_PIDS+=("$LONE")
TUI_TARGET="-p $LONE" start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 15 eval 'capture | grep -qE "^ *$LONE "' >/dev/null
tm resize-window -t "$SESSION" -x 1 -y 1
sleep 2
tm resize-window -t "$SESSION" -x 2 -y 1
sleep 1
tm resize-window -t "$SESSION" -x 80 -y 24
check "resized to 1x1 and back: still running" kill -0 "$LEAKTOP_PID"
check "and the table is drawn again" wait_for 10 eval 'capture | grep -qE "^ *$LONE "'
tm send-keys -t "$SESSION" q
check "q quits with status 0" exited_cleanly

finish
