#!/bin/bash
# Benchmarks (not part of make check): figures, not pass/fail.
#   1. CPU seconds per 100 ticks on a 9-process Python tree, leaktop vs top.
#   2. One-shot PSS/USS table of the same tree, leaktop --batch -n 1 vs smem.
#   3. leaktop's own RSS with 1000 processes and full history tiers.
#   4. the flight recorder against issue 9's targets (bench/recorder.sh).
#   5. cost at scale: a 1000-process tree, leaktop next to top and htop -p
#      (bench/scale.sh), and own memory over a simulated day of worker
#      churn (bench/churn_memory).
#   6. leaktop report over a day of 33 processes (bench/report.sh).
#   7. the shipped Prometheus alert rules against the field guides' rule,
#      evaluated by promtool over the replay scenarios (bench/alert_rules.sh).
# Usage: bench/run.sh [BUILDDIR]   (default: the source tree)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
top_src=$(dirname "$here")
build=${1:-$top_src}
leaktop=$build/src/leaktop
[ -x "$leaktop" ] || { echo "build leaktop first (make)" >&2; exit 1; }
command -v smem >/dev/null || { echo "needs smem (apt-get install smem)" >&2; exit 1; }

python3 "$top_src/data/demo_service.py" --port 0 --workers 8 >/tmp/leaktop-bench-port.$$ &
master=$!
trap 'kill $master 2>/dev/null; wait $master 2>/dev/null; rm -f /tmp/leaktop-bench-port.$$' EXIT
for _ in $(seq 50); do
   [ "$(pgrep -c -P "$master")" -ge 8 ] && break
   sleep 0.1
done
pids=$(echo "$master" $(pgrep -P "$master") | tr ' ' ',')
echo "tree: master $master with $(pgrep -c -P "$master") workers"

# CPU seconds (user+sys) of a command, from its rusage.
cpu_of() {
   python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{r.ru_utime + r.ru_stime:.3f}")
PY
}

# The median of three runs: one run's CPU time varies by about 10% here.
median3() {
   local a b c
   a=$("$@")
   b=$("$@")
   c=$("$@")
   printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}

ticks=100
delay=0.2
echo
echo "1. CPU per $ticks ticks (interval ${delay}s, same 9 PIDs, median of 3 runs)"
lt=$(median3 cpu_of "$leaktop" --batch -n $ticks -d $delay -p "$master")
tp=$(median3 cpu_of top -b -n $ticks -d $delay -p "$pids")
echo "   leaktop --batch: ${lt} s   top -b: ${tp} s   leaktop/top = $(python3 -c "print(f'{$lt/$tp:.2f}' if $tp > 0 else 'n/a')")"

# The same, interactive: each program draws its screen in a tmux pane.
if command -v tmux >/dev/null; then
   sock=leaktop-bench-$$
   tui_cpu() {
      local out=/tmp/leaktop-bench-cpu.$$
      rm -f "$out"
      tmux -L "$sock" new-session -d -x 120 -y 40 \
         "bash -c 'python3 -c \"import resource, subprocess, sys; subprocess.run(sys.argv[2:]); r = resource.getrusage(resource.RUSAGE_CHILDREN); open(sys.argv[1], \\\"w\\\").write(f\\\"{r.ru_utime + r.ru_stime:.3f}\\\")\" $out $*'"
      for _ in $(seq 600); do
         [ -s "$out" ] && break
         sleep 0.1
      done
      cat "$out"
      rm -f "$out"
      tmux -L "$sock" kill-server 2>/dev/null || true
   }
   lti=$(median3 tui_cpu "$leaktop" -n $ticks -d $delay -p "$master")
   tpi=$(median3 tui_cpu top -n $ticks -d $delay -p "$pids")
   echo "   interactive in tmux: leaktop ${lti} s   top ${tpi} s   leaktop/top = $(python3 -c "print(f'{$lti/$tpi:.2f}' if $tpi > 0 else 'n/a')")"
fi

echo
echo "2. one-shot PSS/USS table (best of 10 runs, wall time)"
lw=$(wall_of "$leaktop" --batch -n 1 -p "$master")
sw=$(wall_of smem -P demo_service)
echo "   leaktop --batch -n 1: ${lw} ms   smem -P demo_service: ${sw} ms   smem/leaktop = $(python3 -c "print(f'{$sw/$lw:.1f}x')")"

echo
echo "3. own memory"
if [ -x "$build/bench/own_memory" ]; then
   "$build/bench/own_memory" 1000
else
   echo "   build it with: make bench/own_memory"
fi

echo
echo "4. the flight recorder (bench/recorder.sh: about two minutes)"
"$here/recorder.sh" "$build"

echo
echo "5. cost at scale (bench/scale.sh: about ten minutes) and own memory under churn"
"$here/scale.sh" "$build" 1000
"$build/bench/churn_memory" 1000 20 24

echo
echo "6. leaktop report over a day (bench/report.sh)"
"$here/report.sh" "$build"

echo
echo "7. alert rules against the field guides' rule (bench/alert_rules.sh)"
"$here/alert_rules.sh" "$build"
