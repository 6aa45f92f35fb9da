#!/bin/bash
# leaktop report over recordings of one tree (issue 11), written as HTML
# and Markdown: a day of 33 processes (bench/replay_speed's: a master and
# 32 workers at 1 s ticks, a worker recycled each hour) and 6 hours of 50
# workers and their master, each made once and kept under
# $TMPDIR/leaktop-bench. Prints the time, leaktop's peak RSS and the sizes,
# with the charts counted and the resolution the HTML took (its budget is
# 2 MiB: past it the report lowers its resolution and says so). Figures,
# not pass/fail.
# Usage: bench/report.sh [BUILDDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")}
leaktop=$build/src/leaktop
[ -x "$leaktop" ] && [ -x "$build/bench/replay_speed" ] || { echo "build leaktop first (make)" >&2; exit 1; }
base=${TMPDIR:-/tmp}/leaktop-bench
out=$(mktemp -d "${TMPDIR:-/tmp}/leaktop-report-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

# report WHAT REC: one report of the recording REC, its figures.
report() {
   /usr/bin/time -f '%e %U %S %M' -o "$out/time" \
      "$leaktop" report --dir "$2" --html "$out/r.html" --md "$out/r.md" 2>/dev/null
   read -r wall user sys rss <"$out/time"
   echo "leaktop report over $1 at 1 s ($(grep -o '[0-9]* ticks' "$out/r.md" | head -1)):"
   echo "   time: ${wall} s wall, ${user} s user, ${sys} s system; peak RSS $((rss / 1024)) MiB"
   charts=$(grep -o '<svg class="chart"' "$out/r.html" | wc -l)
   html=$(stat -c %s "$out/r.html")
   resolution="full resolution"
   grep -q '<p class="lowered">' "$out/r.html" && resolution="lowered resolution"
   echo "   HTML: $((html / 1024)) KiB, $charts charts ($((html / charts / 1024)) KiB each with its table), $resolution; the budget 2048 KiB"
   echo "   Markdown: $(( $(stat -c %s "$out/r.md") / 1024)) KiB; the budget 60 KiB"
}

"$build/bench/replay_speed" --days 1 --dir "$base" >/dev/null
report "24 h of 33 processes" "$base/replay-1d-33p-256M/rec"
"$build/bench/replay_speed" --hours 6 --procs 51 --dir "$base" >/dev/null
report "6 h of 50 workers and their master" "$base/replay-6h-51p-256M/rec"
