# shellcheck shell=bash
# tmux helpers for the interactive tests (test_tui*.sh): a private tmux
# server, TAP output with the screen as diagnostics on failure, polling, and
# leaktop --demo started in a session and recorded with every demo process
# for the cleanup. The sourcing script sets PLAN (the number of its tests).

LEAKTOP=${LEAKTOP:-$(dirname "$0")/../../src/leaktop}
LEAKTOP_DATADIR=${LEAKTOP_DATADIR:-$(dirname "$0")/../../data}

if ! command -v tmux >/dev/null 2>&1; then
   echo "1..0 # SKIP tmux is not installed"
   exit 0
fi
if [ ! -x "$LEAKTOP" ]; then
   echo "1..0 # SKIP $LEAKTOP was not built"
   exit 0
fi

SOCKET="leaktop-test-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/leaktop-tui.XXXXXX")
ALL_PIDS=() # every leaktop and demo PID seen, for the cleanup

tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }

cleanup() {
   tm kill-server >/dev/null 2>&1
   # A server that exits with its last session can leave its socket behind.
   rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCKET"
   # Only processes this test started: leaktop and the demo it spawned.
   for pid in "${ALL_PIDS[@]}"; do
      kill -KILL "$pid" 2>/dev/null
   done
   rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "1..$PLAN"
N=0
FAILED=0
ok() {
   N=$((N + 1))
   echo "ok $N - $1"
}
not_ok() {
   N=$((N + 1))
   echo "not ok $N - $1"
   FAILED=1
   # The screen at the time of failure, as TAP diagnostics.
   [ -n "${SESSION:-}" ] && tm capture-pane -p -t "$SESSION" 2>/dev/null | sed 's/^/# | /'
}
check() { # description, command...
   local desc=$1
   shift
   if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# shellcheck disable=SC2120 # test_tui.sh passes -e
capture() { # [extra capture-pane options]
   tm capture-pane -p "$@" -t "$SESSION" 2>/dev/null
}

# Polls a condition every 0.2 s for at most $1 seconds.
wait_for() {
   local timeout=$1
   shift
   local deadline=$((SECONDS + timeout))
   while [ $SECONDS -lt $deadline ]; do
      if "$@"; then return 0; fi
      sleep 0.2
   done
   "$@"
}

# Process rows: "  12345 worker ..." (the PID first, then the role).
proc_rows() { capture | grep -E '^ *[0-9]+ +(master|worker|child|single) '; }
worker_count() { proc_rows | grep -cE '^ *[0-9]+ +worker '; }
master_count() { proc_rows | grep -cE '^ *[0-9]+ +master '; }
table_ready() { [ "$(worker_count)" -eq 4 ] && [ "$(master_count)" -eq 1 ]; }
screen_has() { capture | grep -qE -- "$1"; }
ascii_only() { ! printf '%s' "$1" | LC_ALL=C grep -q '[^[:print:][:space:]]'; }
alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }

descendants() { # PIDs below $1, recursively
   local child
   for child in $(pgrep -P "$1" 2>/dev/null); do
      echo "$child"
      descendants "$child"
   done
}

all_gone() {
   local pid
   for pid in "$@"; do
      kill -0 "$pid" 2>/dev/null && return 1
   done
   return 0
}

# Starts leaktop at $TUI_SIZE (80x24 unless set) on $TUI_TARGET (--demo unless
# set, e.g. "-p PID") with extra environment "$@" (VAR=value ...) and leaktop
# options $TUI_ARGS.
# Whether the wrapper found the terminal modes as they were before leaktop
# (it writes that just after leaktop's exit status).
terminal_restored() {
   wait_for 5 test -s "$WORK/stty" && [ "$(cat "$WORK/stty")" = same ]
}

# The wrapper records leaktop's exit status and whether the terminal modes
# came back as they were.
start() {
   SESSION=leaktop
   local status="$WORK/status" sttyFile="$WORK/stty"
   rm -f "$status" "$sttyFile"
   local cmd
   cmd="before=\$(stty -g); env LEAKTOP_DATADIR='$LEAKTOP_DATADIR' $* '$LEAKTOP' ${TUI_TARGET:---demo} ${TUI_ARGS:-} 2>'$WORK/stderr';"
   cmd+=" echo \$? >'$status'; after=\$(stty -g);"
   cmd+=" if [ \"\$before\" = \"\$after\" ]; then echo same; else echo changed; fi >'$sttyFile'"
   local size=${TUI_SIZE:-80x24}
   tm new-session -d -s "$SESSION" -x "${size%x*}" -y "${size#*x}" "$cmd"
   # tmux 3.3a: a manual window size, so resize-window is not undone.
   tm set-option -g window-size manual >/dev/null 2>&1
   PANE_PID=$(tm display-message -p -t "$SESSION" '#{pane_pid}')
   LEAKTOP_PID=
   for _ in $(seq 50); do
      LEAKTOP_PID=$(pgrep -P "$PANE_PID" 2>/dev/null | head -n 1)
      [ -n "$LEAKTOP_PID" ] && [ "$(ps -o comm= -p "$LEAKTOP_PID")" != stty ] && break
      LEAKTOP_PID=
      sleep 0.1
   done
   [ -n "$LEAKTOP_PID" ] && ALL_PIDS+=("$LEAKTOP_PID")
}

# Starts data/demo_service.py on a free port, and its load generator: DEMO
# is the master's PID, PORT its port (empty when it did not say one).
start_demo_service() {
   python3 "$LEAKTOP_DATADIR/demo_service.py" --port 0 >"$WORK/port" 2>"$WORK/demo.err" &
   DEMO=$!
   ALL_PIDS+=("$DEMO")
   wait_for 15 grep -q '^PORT ' "$WORK/port" >/dev/null
   PORT=$(awk '/^PORT / { print $2 }' "$WORK/port")
   python3 "$LEAKTOP_DATADIR/demo_load.py" --port "${PORT:-0}" --quiet >/dev/null 2>&1 &
   ALL_PIDS+=("$!")
}

# Records every demo process: leaktop's descendants plus the PIDs on screen.
record_demo() {
   DEMO_PIDS=()
   local pid
   for pid in $(descendants "$LEAKTOP_PID") $(proc_rows | awk '{ print $1 }'); do
      DEMO_PIDS+=("$pid")
      ALL_PIDS+=("$pid")
   done
}

exited_cleanly() {
   wait_for 15 gone "$LEAKTOP_PID" && wait_for 5 test -s "$WORK/status" &&
      [ "$(cat "$WORK/status")" = 0 ]
}

demo_left_nothing() {
   [ "${#DEMO_PIDS[@]}" -ge 5 ] && wait_for 10 all_gone "${DEMO_PIDS[@]}"
}


# The script's exit status: every planned test ran and passed.
finish() {
   if [ "$N" -ne "$PLAN" ]; then
      echo "# planned $PLAN tests but ran $N"
      FAILED=1
   fi
   exit $FAILED
}
