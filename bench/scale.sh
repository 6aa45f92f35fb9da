#!/bin/bash
# Cost at scale (issue 16): leaktop watching a tree of N processes (default
# 1000) at 1 s ticks, next to top -b watching the whole host, in the same
# run. Figures, not pass/fail. Each cost is the CPU time of a run of LONG
# ticks minus one of SHORT ticks, over the ticks between: the steady cost
# of a tick, without the start (discovery reads every command line once).
# Usage: bench/scale.sh [BUILDDIR] [N]   (needs tmux; htop if installed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")}
count=${2:-1000}
leaktop=$build/src/leaktop
[ -x "$leaktop" ] || { echo "build leaktop first (make)" >&2; exit 1; }
short=5
long=65

# A master with N children that sleep: small processes, so the cost is
# leaktop's per-process reading, not the children's memory.
setsid bash -c "for i in \$(seq $count); do sleep 3600 & done; wait" &
master=$!
trap 'pkill -P "$master" sleep 2>/dev/null; kill "$master" 2>/dev/null; wait "$master" 2>/dev/null' EXIT
for _ in $(seq 100); do
   [ "$(pgrep -c -P "$master")" -ge "$count" ] && break
   sleep 0.1
done
echo "tree: master $master with $(pgrep -c -P "$master") children; $(ls -d /proc/[0-9]* | wc -l) processes on the host"

# CPU seconds (user+sys) of a command, from its rusage.
cpu_of() {
   python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{r.ru_utime + r.ru_stime:.3f}")
PY
}

# The same in a tmux pane, for the interactive programs.
sock=leaktop-scale-$$
tui_cpu() {
   local out
   out=$(mktemp)
   tmux -L "$sock" new-session -d -x 160 -y 50 \
      "python3 -c 'import resource, subprocess, sys; subprocess.run(sys.argv[2:]); r = resource.getrusage(resource.RUSAGE_CHILDREN); open(sys.argv[1], \"w\").write(f\"{r.ru_utime + r.ru_stime:.3f}\")' $out $*"
   while [ ! -s "$out" ]; do sleep 0.5; done
   cat "$out"
   rm -f "$out"
   tmux -L "$sock" kill-server 2>/dev/null || true
}

# percent RUNNER ARGS...: the steady % of a core at 1 s ticks.
percent() {
   local runner=$1 a b
   shift
   a=$($runner "${@//@N@/$short}")
   b=$($runner "${@//@N@/$long}")
   python3 -c "print(f'{100 * ($b - $a) / ($long - $short):.2f}')"
}

echo "steady CPU per 1 s tick, % of one core (runs of $long minus $short ticks):"
lb=$(percent cpu_of "$leaktop" --batch -n @N@ -d 1 -p "$master")
tb=$(percent cpu_of top -b -n @N@ -d 1)
echo "   leaktop --batch -p MASTER: $lb   top -b (whole host): $tb"
if command -v tmux >/dev/null; then
   li=$(percent tui_cpu "$leaktop" -n @N@ -d 1 -p "$master")
   ti=$(percent tui_cpu top -n @N@ -d 1)
   echo "   leaktop (interactive): $li   top (interactive, whole host): $ti"
fi
if command -v htop >/dev/null && command -v tmux >/dev/null; then
   # Bookworm's htop 3.2 has no tick count: it runs for as many seconds
   # (in the foreground, or it stops at its first read of the terminal).
   pids=$(echo "$master" $(pgrep -P "$master") | tr ' ' ',')
   hi=$(percent tui_cpu timeout --foreground @N@ htop -d 10 -p "$pids")
   echo "   htop -p TREE (interactive): $hi"
else
   echo "   (htop not measured: apt-get install htop tmux)"
fi
