#!/bin/bash
# The scenario suite at full length (not part of make check): the same trees,
# load and checks as tests/integration/test_scenarios.sh, but at the growth
# rate the issue names (1 MiB/min), 1 s ticks and 10 minutes of watching.
# Prints the TAP result and a table of the time to each correct verdict.
# Usage: bench/scenarios.sh [BUILDDIR]   (default: the source tree)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_src=$(dirname "$here")
build=${1:-$top_src}
export LEAKTOP=$build/src/leaktop
[ -x "$LEAKTOP" ] || { echo "build leaktop first (make)" >&2; exit 1; }
export SCENARIO_RATE=${SCENARIO_RATE:-1024} SCENARIO_TICK=${SCENARIO_TICK:-1} \
   SCENARIO_SECONDS=${SCENARIO_SECONDS:-600}

echo "scenarios: growth $SCENARIO_RATE KiB/min, tick $SCENARIO_TICK s, ${SCENARIO_SECONDS} s watched"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$top_src/tests/integration/test_scenarios.sh" >"$out" 2>&1 || rc=$?
grep -v '^# TTV ' "$out"
echo
printf '%-26s %-32s %10s\n' scenario verdict "time to it"
sed -n 's/^# TTV //p' "$out"
exit "$rc"
