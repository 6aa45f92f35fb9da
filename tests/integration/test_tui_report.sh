#!/bin/bash
# The report key E, pressed as a user would in tmux: in leaktop replay over
# a recording of the demo service, it writes the HTML and Markdown report of
# the selected process's tree up to the cursor into the private reports
# directory and says on the status line where; the files are 0600 in a 0700
# directory and hold the tree. On the live dashboard it writes the report
# from the running recorder's directory, and for a tree no recorder holds it
# refuses, saying what to do. Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=9
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

export TZ=UTC
# The reports directory goes under the test's own state.
export XDG_STATE_HOME="$WORK/state"
mkdir -p -m 700 "$XDG_STATE_HOME"
REPORTS="$XDG_STATE_HOME/leaktop/reports"
REC="$WORK/recording"

start_demo_service
"$LEAKTOP" record --dir "$REC" -p "$DEMO" -d 0.5 >"$WORK/record.out" 2>"$WORK/record.err" &
RECORDER=$!
ALL_PIDS+=("$RECORDER")
sleep 12
for pid in $(descendants "$DEMO"); do ALL_PIDS+=("$pid"); done

status_has() { capture | tail -n 1 | grep -qE -- "$1"; }
keys() { tm send-keys -t "$SESSION" "$@"; }
# The newest report the status line named: its .html path, from the files.
newest_report() { ls -t "$REPORTS"/*.html 2>/dev/null | head -n 1; }
holds_tree() { # HTML MD: both name the demo's master
   grep -q "(master PID $DEMO)" "$1" && grep -q "(master PID $DEMO)" "$2"
}
private_files() { # FILE...: each 0600, the directory 0700
   [ "$(stat -c %a "$REPORTS")" = 700 ] || return 1
   local f
   for f in "$@"; do [ "$(stat -c %a "$f")" = 600 ] || return 1; done
}

# ---- live, next to the running recorder -----------------------------------
TUI_SIZE=200x30 TUI_TARGET="-p $DEMO" start LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
wait_for 15 eval 'capture | grep -qE "^ *[0-9]+ +worker "' >/dev/null
keys E
check "live: E says the report of the tree went to the reports directory" \
   wait_for 30 status_has "report of .* \(master PID $DEMO\), .* UTC: $REPORTS/$DEMO-[0-9]+-[0-9]+\.html and \.md"
live=$(newest_report)
check "live: the HTML and the Markdown hold the tree, from the recorder's directory" \
   eval '[ -n "$live" ] && holds_tree "$live" "${live%.html}.md"'
keys q
wait_for 10 gone "$LEAKTOP_PID" >/dev/null

# A tree no recorder holds: refused, saying what to do.
sleep 120 &
LONE=$!
ALL_PIDS+=("$LONE")
TUI_SIZE=200x30 TUI_TARGET="-p $LONE" start LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
wait_for 15 eval 'capture | grep -qE "^ *$LONE "' >/dev/null
keys E
check "live: E on a tree no recording holds is refused, saying to record it" \
   wait_for 20 status_has "no report: no recording of this tree \(master PID $LONE\).*leaktop record -p $LONE"
keys q
wait_for 10 gone "$LEAKTOP_PID" >/dev/null
kill "$LONE" 2>/dev/null

kill -TERM "$RECORDER"
wait "$RECORDER"
check "leaktop record stopped on SIGTERM" test $? -eq 0
kill -TERM "$DEMO" 2>/dev/null

# ---- replay ------------------------------------------------------------------
before=$(ls "$REPORTS" | wc -l)
TUI_SIZE=200x30 TUI_TARGET="replay --dir $REC" start LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
wait_for 15 eval 'screen_has "REPLAY [0-9:]+ UTC"' >/dev/null
# Back a few ticks: the report ends at the cursor, not at the newest data.
keys t t t t
sleep 1
keys E
check "replay: E says where the report of the tree went" \
   wait_for 30 status_has "report of .* \(master PID $DEMO\), .* UTC: $REPORTS/$DEMO-[0-9]+-[0-9]+\.html and \.md"
html=$(newest_report)
md=${html%.html}.md
check "replay: two new files, the HTML and the Markdown" \
   eval '[ "$(ls "$REPORTS" | wc -l)" -eq $((before + 2)) ] && [ -s "$html" ] && [ -s "$md" ]'
check "replay: the files are private (0600 in a 0700 directory)" private_files "$html" "$md"
check "replay: both hold the tree, its workers' charts in the HTML" \
   eval 'holds_tree "$html" "$md" && [ "$(grep -c "<svg class=\"chart\"" "$html")" -ge 4 ]'
cursor=$(capture | grep -oE 'REPLAY [0-9]{2}:[0-9]{2}:[0-9]{2} UTC' | head -n 1 | awk '{ print $2 }')
check "replay: the report ends at the cursor ($cursor)" \
   eval '[ -n "$cursor" ] && grep -q "^| Window | .* to [0-9-]* $cursor UTC" "$md"'
keys q
wait_for 10 gone "$LEAKTOP_PID" >/dev/null
finish
