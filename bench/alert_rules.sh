#!/bin/bash
# leaktop's shipped alert rules (doc/prometheus/leaktop.rules.yml) against
# the field guides' container-memory rule on the worker's RSS, evaluated by
# promtool over the same series: the replay scenarios (bench/Scenario.c)
# through leaktop's classifier at 1 s ticks, scraped every SCRAPE seconds
# (bench/alert_series), after 30 minutes of the slot's previous, stable
# occupant. Per scenario: on a leak, the time to the first firing of each
# rule and when RSS reached the limit; on a trap, how many times each rule
# fired (false alerts).
# The field guides' rule is written with increase(), as they give it, and
# with delta(), what it means on a gauge: increase() takes every drop of
# RSS for a counter reset and adds the whole value.
# Usage: bench/alert_rules.sh [BUILDDIR [SECONDS [SCRAPE]]]
#        (default: the source tree, 7200 s, 15 s)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_src=$(dirname "$here")
build=${1:-$top_src}
seconds=${2:-7200}
scrape=${3:-15}
command -v promtool >/dev/null || { echo "needs promtool (apt-get install prometheus)" >&2; exit 1; }
[ -x "$build/bench/alert_series" ] || make -s -C "$build" bench/alert_series
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/field_guide.rules.yml" <<'EOF'
groups:
  - name: field-guide
    rules:
      - alert: FieldGuideIncrease
        expr: increase(leaktop_worker_rss_bytes[30m]) / (leaktop_worker_rss_bytes offset 30m) > 0.15
        for: 5m
      - alert: FieldGuideDelta
        expr: delta(leaktop_worker_rss_bytes[30m]) / (leaktop_worker_rss_bytes offset 30m) > 0.15
        for: 5m
EOF
alerts=LeaktopWorkerLeakSuspected,LeaktopWorkerOOMImminent,FieldGuideIncrease,FieldGuideDelta
prelude=1800
"$build/bench/alert_series" "$prelude" "$seconds" "$scrape" "$alerts" \
   "$top_src/doc/prometheus/leaktop.rules.yml" "$tmp/field_guide.rules.yml" >"$tmp/replay.test.yml"

start=$(date +%s.%N)
# Every firing is a failed expectation: promtool exits 1 unless nothing fired.
promtool test rules "$tmp/replay.test.yml" >"$tmp/promtool.out" 2>&1 || true
end=$(date +%s.%N)
grep -q '^Unit Testing' "$tmp/promtool.out" || { cat "$tmp/promtool.out" >&2; exit 1; }

echo "Alert rules over the replay scenarios: ${seconds} s at 1 s ticks, scraped and evaluated"
echo "every ${scrape} s; one worker in a 256 MiB group. promtool $(promtool --version 2>&1 | awk 'NR == 1 { print $3 }'),"
printf 'evaluated in %.1f s.\n' "$(echo "$end - $start" | bc)"
awk '/^  - name: "/ { sub(/^  - name: "/, ""); sub(/"$/, ""); name = $0; limit[name] = "-"; order[++n] = name }
   /^    # limit_at: / { limit[name] = $3 " s" }
   END { for (i = 1; i <= n; i++) print order[i] "\t" limit[order[i]] }' "$tmp/replay.test.yml" >"$tmp/names"
awk -F'\t' -v alerts="$alerts" -v scrape="$scrape" -v prelude="$prelude" '
   function seconds(d,   s, n) {
      s = 0
      while (match(d, /^[0-9]+[hms]/)) {
         n = substr(d, 1, RLENGTH - 1) + 0
         u = substr(d, RLENGTH, 1)
         s += u == "h" ? 3600 * n : u == "m" ? 60 * n : n
         d = substr(d, RLENGTH + 1)
      }
      return s
   }
   function cell(name, a,   key) {
      key = name SUBSEP a
      if (name ~ /^leak: /)
         return (key in first) ? sprintf("%d s", first[key]) : "-"
      return sprintf("%d", episodes[key] + 0)
   }
   FNR == NR { names[++n] = $1; limit[$1] = $2; next }
   /^    name: / { sub(/^    name: /, ""); sub(/,$/, ""); test = $0 }
   /^    alertname: / {
      split($0, f, " ")
      a = f[2]; sub(/,$/, "", a); d = f[4]; sub(/,$/, "", d); t = seconds(d) - prelude
      key = test SUBSEP a
      if (!(key in first) || t < first[key]) first[key] = t
      # A firing that was not firing one evaluation earlier: a new alert.
      if (!((key SUBSEP (t - scrape)) in at)) episodes[key]++
      at[key SUBSEP t] = 1
   }
   END {
      k = split(alerts, names_of, ",")
      printf "%-40s | %-8s | %-12s | %-12s | %-17s | %-17s\n", "scenario", "limit at", "leaktop warn", "leaktop page", "field guide incr.", "field guide delta"
      for (i = 1; i <= n; i++) {
         printf "%-40s | %8s", names[i], limit[names[i]]
         for (j = 1; j <= k; j++)
            printf " | %" (j > 2 ? 17 : 12) "s", cell(names[i], names_of[j])
         printf "\n"
      }
   }' "$tmp/names" "$tmp/promtool.out"
echo "leak: time to the first firing (- none within the run), and when RSS reached the limit;"
echo "trap: alerts fired (false alerts). Times from the scenario's start."
echo "leaktop warn: LeaktopWorkerLeakSuspected; page: LeaktopWorkerOOMImminent (time to the limit < 1 h)."
echo "field guide: increase() or delta() of RSS over 30 min > 15% of RSS 30 min ago, for 5 min."
