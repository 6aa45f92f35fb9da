#!/bin/bash
# The overlay view, driven through tmux: leaktop --demo at 100x30 with a
# 0.5 s tick and smaps read every 2 s; the leaking demo worker is picked out
# by its RSS, filtered to and opened; its detail view must show the RSS chart
# with the traffic overlay on a second scale, USS points on the RSS scale,
# the legend naming every series, the verdict, its evidence and the
# runbook's next step. T switches the traffic source, - zooms out; quitting
# leaves no demo process. Emits TAP.
#
# Environment (set by make check): LEAKTOP, LEAKTOP_DATADIR, TESTS_SRCDIR.

set -u

PLAN=12
# shellcheck source=tests/integration/tui_lib.sh
. "$(dirname "$0")/tui_lib.sh"

# Worker rows as "PID RSS-in-KiB", biggest first (RSS is the 4th column:
# PID ROLE AGE RSS at 100 columns).
workers_by_rss() {
   proc_rows | awk '$2 == "worker" {
      v = $4; u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0
      if (u == "M") n *= 1024; else if (u == "G") n *= 1048576
      print $1, int(n) }' | sort -k2,2nr
}
# The demo's worker 1 retains 64 KiB a request: after a few seconds of load
# it leads the others by more than 2 MiB.
leaky_stands_out() {
   local rows
   rows=$(workers_by_rss)
   [ "$(printf '%s\n' "$rows" | wc -l)" -eq 4 ] || return 1
   LEAKY=$(printf '%s\n' "$rows" | awk 'NR == 1 { print $1 }')
   local first second
   first=$(printf '%s\n' "$rows" | awk 'NR == 1 { print $2 }')
   second=$(printf '%s\n' "$rows" | awk 'NR == 2 { print $2 }')
   [ $((first - second)) -gt 2048 ]
}

TUI_SIZE=100x30 TUI_ARGS="-d 0.5 --smaps-interval 2" start LANG=C.UTF-8 LC_ALL=C.UTF-8
if [ -n "$LEAKTOP_PID" ] && wait_for 30 table_ready && screen_has " VERDICT +TTL "; then
   ok "the table shows the demo master and 4 workers, with VERDICT and TTL columns"
else
   not_ok "the table shows the demo master and 4 workers, with VERDICT and TTL columns"
   sed 's/^/# stderr: /' "$WORK/stderr" 2>/dev/null
fi
record_demo
LEAKY=
check "the leaking worker stands out by its RSS" wait_for 40 leaky_stands_out

# Filtering by its PID leaves it the only process row, so Enter opens it.
tm send-keys -t "$SESSION" / "$LEAKY" Enter
wait_for 10 eval '[ "$(worker_count)" -eq 1 ]' >/dev/null
tm send-keys -t "$SESSION" Enter
check "Enter opens the detail view of the leaking worker (PID $LEAKY)" \
   wait_for 10 screen_has "^PID $LEAKY +worker"
check "the chart has its size axis, the traffic axis and the time axis" \
   wait_for 10 eval 'screen_has "┤.*├" && screen_has "└.*┬.*┘" && screen_has "now *$"'
check "traffic points are drawn over the RSS bars" wait_for 10 screen_has "[█▁▂▃▄▅▆▇·].*•|•.*[█▁▂▃▄▅▆▇]"
check "the legend names every series and their scales" \
   eval 'screen_has "RSS × USS ○ PSS \(left, bytes\)" &&
         screen_has "traffic: cpu time \(auto\), CPU s/s \(right\)"'
# smaps is read while the detail view is open: a few readings 2 s apart are
# USS points between the two axes of a chart row (the legend has no axis).
check "USS readings are drawn as points on the chart" wait_for 20 screen_has "[┤│].*×.*[├│]"
check "the verdict line names a verdict and the time to the limit" \
   screen_has "^verdict (warming up|stable|plateau|grows with time|grows with traffic|spikes|inconclusive).*time to limit"
check "the evidence and the runbook's next step are shown" \
   eval 'screen_has "^evidence: growth/min [-+0-9]" && screen_has "not explained by traffic" &&
         screen_has "per 1000 CPU s" && screen_has "collinearity" && screen_has "^next: [a-z]"'

tm send-keys -t "$SESSION" T
check "T switches the traffic source, and the legend follows" \
   wait_for 10 eval 'screen_has "traffic: tcp connections, connections/s \(right\)"'
tm send-keys -t "$SESSION" -
check "- zooms out to 15 minutes" \
   wait_for 10 screen_has "RSS and traffic, last 15m"

tm send-keys -t "$SESSION" q
wait_for 10 eval 'screen_has "VERDICT"' >/dev/null
tm send-keys -t "$SESSION" q
check "q quits with status 0 and no demo process is left" \
   eval 'exited_cleanly && demo_left_nothing'

finish
