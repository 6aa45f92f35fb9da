#!/bin/bash
# leaktop report over a day (issue 11): a 24 h recording of one tree of 33
# processes (bench/replay_speed's: a master and 32 workers at 1 s ticks, a
# worker recycled each hour, made once and kept under $TMPDIR/leaktop-bench),
# written as HTML and Markdown. Prints the time, leaktop's peak RSS and the
# sizes, with the charts counted. Figures, not pass/fail.
# Usage: bench/report.sh [BUILDDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")}
leaktop=$build/src/leaktop
[ -x "$leaktop" ] && [ -x "$build/bench/replay_speed" ] || { echo "build leaktop first (make)" >&2; exit 1; }
base=${TMPDIR:-/tmp}/leaktop-bench
"$build/bench/replay_speed" --days 1 --dir "$base" >/dev/null
rec=$base/replay-1d-33p-256M/rec
out=$(mktemp -d "${TMPDIR:-/tmp}/leaktop-report-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
/usr/bin/time -f '%e %U %S %M' -o "$out/time" \
   "$leaktop" report --dir "$rec" --html "$out/r.html" --md "$out/r.md" 2>/dev/null
read -r wall user sys rss <"$out/time"
echo "leaktop report over 24 h of 33 processes at 1 s ($(grep -o '[0-9]* ticks' "$out/r.md" | head -1)):"
echo "   time: ${wall} s wall, ${user} s user, ${sys} s system; peak RSS $((rss / 1024)) MiB"
charts=$(grep -o '<svg class="chart"' "$out/r.html" | wc -l)
html=$(stat -c %s "$out/r.html")
echo "   HTML: $((html / 1024)) KiB, $charts charts ($((html / charts / 1024)) KiB each with its table); the budget 2 MiB"
echo "   Markdown: $(( $(stat -c %s "$out/r.md") / 1024)) KiB; the budget 60 KiB"
