#!/bin/bash
# leaktop replay in tmux over a recording that `leaktop record` made of the
# demo service (its master, 4 workers, one leaking, and its load) for long
# enough that the leaking worker got its growth verdict live: the REPLAY
# header and its zone, t/T a tick, [ and ] the events, b with a clock
# time, "Nm ago" and an ISO time, End, Space, x, a live-only key refused,
# and the verdict recorded live shown from its tick on and not before.
# State is read off the header and the status line, which say it in words.
# Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=26
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

# The header's time is in the local zone: UTC here, so that the test reads
# it back with date -u.
export TZ=UTC
REC="$WORK/recording"
# Long enough for the demo's leaker to get its growth verdict live (the
# classifier wants three minutes of growth), with room for a loaded machine.
RECORD_SECONDS=${RECORD_SECONDS:-210}

# ---- the recording ------------------------------------------------------
start_demo_service
"$LEAKTOP" record --dir "$REC" -p "$DEMO" >"$WORK/record.out" 2>"$WORK/record.err" &
RECORDER=$!
ALL_PIDS+=("$RECORDER")
START=$(date +%s)
sleep "$RECORD_SECONDS"
for pid in $(descendants "$DEMO"); do ALL_PIDS+=("$pid"); done
# The leaking worker: the one with the largest RSS after all that load
# (the workers are forks, their command lines all the master's).
LEAKER=$(for pid in $(pgrep -P "$DEMO"); do
   echo "$(awk '/^VmRSS/ { print $2 }' /proc/"$pid"/status 2>/dev/null) $pid"
done | sort -n | tail -n 1 | awk '{ print $2 }')

# ---- history on attach: a live leaktop next to the running recorder ----
"$LEAKTOP" --batch -n 1 -p "$DEMO" >"$WORK/attach.json" 2>"$WORK/attach.err"
# (Another recorder on this host may hold the same tree: either will do.)
check "a live leaktop next to the recorder says it loaded the history, and from where" \
   grep -q "history from /.* since .*, [0-9]* processes, recorder PID [0-9]" "$WORK/attach.err"
attach_verdict=$(python3 -c '
import json, sys
tick = json.loads(open(sys.argv[1]).readline())
for tree in tick["trees"]:
    for p in tree["processes"]:
        if p["pid"] == int(sys.argv[2]):
            print(p["verdict"]["label"])
' "$WORK/attach.json" "$LEAKER" 2>&1)
check "its first tick already has the leaking worker's recorded verdict ($attach_verdict)" \
   eval '[[ "$attach_verdict" == grows* ]]'
kill -TERM "$RECORDER"
wait "$RECORDER"
record_status=$?
END=$(date +%s)
if [ -n "$PORT" ] && [ "$record_status" -eq 0 ]; then
   ok "leaktop record recorded the demo for ${RECORD_SECONDS}s and stopped on SIGTERM"
else
   not_ok "leaktop record recorded the demo for ${RECORD_SECONDS}s and stopped on SIGTERM"
   sed 's/^/# record: /' "$WORK/record.err" "$WORK/demo.err" 2>/dev/null
fi
kill -TERM "$DEMO" 2>/dev/null

# ---- refusals before the screen ---------------------------------------
out=$("$LEAKTOP" replay --dir "$REC" -t "2h ago" 2>&1)
status=$?
check "-t before the recording: exit 1 and a message saying its span" \
   eval '[ "$status" -eq 1 ] && printf "%s" "$out" | grep -q "before the recording, which runs from"'
mkdir -p "$WORK/empty"
out=$("$LEAKTOP" replay "$WORK/empty" 2>&1)
status=$?
check "an empty directory: exit 1 and the reader's message" \
   eval '[ "$status" -eq 1 ] && printf "%s" "$out" | grep -qi "empty"'

# ---- the screen ------------------------------------------------------------
# The header's cursor time in epoch seconds.
cursor() {
   local t
   t=$(capture | grep -oE 'REPLAY ([0-9]{4}-[0-9]{2}-[0-9]{2} )?[0-9]{2}:[0-9]{2}:[0-9]{2} UTC' |
      head -n 1 | sed -e 's/^REPLAY //' -e 's/ UTC$//')
   [ -n "$t" ] && date -u -d "$t" +%s
}
cursor_is() { [ "$(cursor)" = "$1" ]; }
cursor_near() { # SECONDS [SLACK]: within SLACK (2) seconds at or before it
   local c
   c=$(cursor) || return 1
   [ "$c" -le "$1" ] && [ "$c" -ge $(($1 - ${2:-2})) ]
}
status_has() { capture | tail -n 1 | grep -qE -- "$1"; }
leaker_says() { capture | grep -E "^ *$LEAKER " | grep -qE -- "$1"; }
keys() { tm send-keys -t "$SESSION" "$@"; }
go_to() { # TEXT: b, the text, Enter
   keys b
   wait_for 5 status_has "go to time:" >/dev/null
   keys -l "$1"
   keys Enter
}

TUI_SIZE=120x30 TUI_TARGET="replay --dir $REC" start LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
check "the header says REPLAY, the cursor's time in its zone, paused, at the newest data" \
   wait_for 15 eval 'screen_has "REPLAY [0-9:]+ UTC x1 paused newest"'
check "at the newest data the leaking worker $LEAKER shows its growth verdict" \
   wait_for 10 leaker_says "grows"

newest=$(cursor)
keys t
check "t: one tick back" wait_for 5 cursor_is $((newest - 1))
keys T
check "T: one tick forward, the newest again" wait_for 5 eval 'cursor_is "$newest" && screen_has "newest"'

# b with each form; the cursor lands on the tick at or before the time.
at=$((START + 15))
go_to "$(date -u -d "@$at" +%H:%M:%S)"
check "b HH:MM:SS goes to that time" wait_for 10 cursor_near "$at"
at=$((START + 30))
go_to "$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ)"
check "b with an ISO time goes to that time" wait_for 10 cursor_near "$at"
ago=$(((END - START) / 60))
[ "$ago" -ge 1 ] || ago=1
now=$(date +%s)
go_to "${ago}m ago"
check "b ${ago}m ago goes that far back" wait_for 10 cursor_near $((now - ago * 60)) 4
before=$(cursor)
go_to "1d ago"
check "b with a time outside the recording says so and leaves the cursor" \
   wait_for 10 eval 'status_has "before the recording" && cursor_is "$before"'
keys Escape
go_to "soon"
check "b with what is no time names the forms accepted" wait_for 10 status_has "ago"

# The events, from the recording's start: the first ] is the recorder's
# start or a process start, and ] goes on to the verdict change.
go_to "$(date -u -d "@$((START + 1))" +%H:%M:%S)"
wait_for 10 cursor_near $((START + 1)) 3 >/dev/null
keys ']'
check "] jumps to the next event and says what and when" \
   wait_for 10 status_has "event [0-9:]+ UTC: "
found=
for _ in $(seq 40); do
   if status_has "PID $LEAKER: .* -> grows"; then
      found=1
      break
   fi
   keys ']'
   sleep 0.3
done
check "] reaches the leaker's verdict change, recorded live" test -n "$found"
verdict_at=$(cursor)
check "at the verdict's tick the leaker's row shows the verdict" leaker_says "grows"
keys t
check "one tick before it, the leaker's row does not" \
   wait_for 5 eval 'cursor_is $((verdict_at - 1)) && ! leaker_says "grows"'
keys '['
# Earlier than the verdict, and not before the recording: the first ] may
# have landed on the verdict's own tick (the other workers' verdicts come
# in the same tick), so [ may go back past it to the starts.
check "[ jumps back to an earlier event" \
   wait_for 10 eval 'status_has "event [0-9:]+ UTC: " && [ "$(cursor)" -lt "$verdict_at" ] &&
      [ "$(cursor)" -ge $((START - 2)) ]'

# Space plays at x10 (x), Space pauses; End goes to the newest data.
played_from=$(cursor)
keys x
keys Space
check "x then Space: playing at x10, the cursor moves" \
   wait_for 10 eval 'screen_has "x10 playing" && [ "$(cursor)" -gt $((played_from + 5)) ]'
keys Space
wait_for 5 screen_has "x10 paused" >/dev/null
paused=$(cursor)
sleep 1.5
check "Space again pauses: the cursor stays" eval 'screen_has "x10 paused" && cursor_is "$paused"'
keys End
check "End: the newest data" wait_for 10 eval 'cursor_is "$newest" && screen_has "paused newest"'

keys S
check "S (stacks) is refused: not available in replay" \
   wait_for 5 status_has "stacks need the live process: not available in replay"

keys q
check "q quits with status 0 and restores the terminal" eval 'exited_cleanly && terminal_restored'

# ---- damage ------------------------------------------------------------------
# Bytes flipped in the middle of the 1 s segment: replay opens, says the
# range it lost, and the 1 min tier stands in for the seconds.
DAMAGED=$WORK/damaged
cp -a "$REC" "$DAMAGED"
SEG=$(ls "$DAMAGED"/1s-*.seg | head -n 1)
SIZE=$(stat -c %s "$SEG")
printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' |
   dd of="$SEG" bs=1 seek=$((SIZE / 2)) conv=notrunc 2>/dev/null
TUI_SIZE=120x30 TUI_TARGET="replay --dir $DAMAGED" start LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
check "over flipped bytes replay opens, and the status line says the range it lost" \
   wait_for 10 eval 'screen_has "REPLAY" && status_has "the recording lost [0-9]+ range"'
check "the leaking worker is still there, from the 1 min tier" wait_for 5 leaker_says "$LEAKER"
keys q
wait_for 5 exited_cleanly >/dev/null

finish
