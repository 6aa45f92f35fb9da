#!/bin/bash
# The flight recorder against issue 9's targets (not part of make check):
# every figure from one run, printed as a table of figure vs target.
#   1. bytes per process per day, 1 s ticks, smaps every 10 s: bench/record_codec
#      writing a simulated day of 50 processes through the real writer (the
#      default codec's row, zstd 3; RECORDER_BENCH_HOURS shortens the day, and
#      the figure is then scaled to a day).
#   2. CPU, as % of one core from /proc/PID/stat utime+stime over SECONDS, on
#      one tree of 50 Python processes that this script starts (a parent and
#      49 children, each allocating a little every second): `leaktop record`,
#      `leaktop --batch -d 1`, the interactive dashboard in a detached tmux
#      session, and `atop -w FILE 1` when atop is installed, all four at once
#      on the same tree. Beside it: the recorder's directory and atop's file
#      in bytes per day.
#   3. the recorder's VmRSS at the start, middle and end of that window, and
#      its VmHWM.
#   4. bench/replay_speed: a 7-day recording of 33 processes under the default
#      256 MiB cap, the first screen and 20 jumps; again under a 48 MiB cap,
#      where the week is kept at 1 min and only the newest days at 1 s.
# Scratch (the 7-day recordings, made once and kept): $TMPDIR/leaktop-bench.
# Usage: bench/recorder.sh [BUILDDIR] [SECONDS, default 60]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")}
secs=${2:-60}
hours=${RECORDER_BENCH_HOURS:-24}
leaktop=$build/src/leaktop
for bin in "$leaktop" "$build/bench/record_codec" "$build/bench/replay_speed"; do
   [ -x "$bin" ] || { echo "build it first (make): $bin" >&2; exit 1; }
done
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }
scratch=${TMPDIR:-/tmp}/leaktop-bench
mkdir -p "$scratch"
run=$(mktemp -d "$scratch/recorder-XXXXXX")
sock=leaktop-bench-recorder-$$
pids=()
cleanup() {
   local p
   for p in "${pids[@]}"; do
      kill "$p" 2>/dev/null || true
   done
   for p in "${pids[@]}"; do
      wait "$p" 2>/dev/null || true
   done
   tmux -L "$sock" kill-server 2>/dev/null || true
   rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- 1. bytes per process per day (simulated day) ----------------------
echo "1. record_codec: ${hours} h of 50 processes through the real writer" >&2
"$build/bench/record_codec" --hours "$hours" --procs 50 --runs 1 >"$run/codec.txt"
# procs codec 1sKiB 1mKiB KiB/proc/d(1s) KiB/proc/d(1s+1m) ...: already per day
read -r sim_1s sim_both < <(awk '$2 == "zstd-3" { print $5, $6 }' "$run/codec.txt")

# ---- 2 and 3. the live tree --------------------------------------------
cat >"$run/tree.py" <<'PY'
"""A parent and 49 children that each keep a little more memory every
second (up to 4 MiB, then start again): the bench's tree. Every process
ends with its parent, and the parent after a deadline."""
import ctypes, os, signal, sys, time
deadline = time.time() + float(sys.argv[1])
parent = os.getpid()
kids = []
for _ in range(49):
    pid = os.fork()
    if pid == 0:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        kept = []
        while os.getppid() == parent and time.time() < deadline:
            kept.append(b"x" * 16384)
            if len(kept) > 256:
                kept.clear()
            time.sleep(1)
        os._exit(0)
    kids.append(pid)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    while time.time() < deadline:
        time.sleep(1)
finally:
    for k in kids:
        try:
            os.kill(k, signal.SIGTERM)
        except OSError:
            pass
PY
python3 "$run/tree.py" $((secs + 300)) &
tree=$!
pids+=("$tree")
for _ in $(seq 100); do
   [ "$(pgrep -c -P "$tree")" -ge 49 ] && break
   sleep 0.1
done
nprocs=$((1 + $(pgrep -c -P "$tree")))
echo "2. a tree of $nprocs processes (parent $tree); recorder, --batch, TUI and atop on it for ${secs} s" >&2

"$leaktop" record -p "$tree" --dir "$run/rec" 2>"$run/record.log" &
recorder=$!
pids+=("$recorder")
"$leaktop" --batch -d 1 -p "$tree" >/dev/null 2>"$run/batch.log" &
batch=$!
pids+=("$batch")
tmux -L "$sock" -f /dev/null new-session -d -x 160 -y 50 "exec $leaktop -d 1 -p $tree"
tui=$(tmux -L "$sock" display-message -p '#{pane_pid}')
pids+=("$tui")
atop_pid=
if command -v atop >/dev/null; then
   atop -w "$run/atop.raw" 1 >/dev/null 2>"$run/atop.log" &
   atop_pid=$!
   pids+=("$atop_pid")
fi

# utime + stime, in clock ticks (fields 14 and 15, after the "(comm)").
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
now() { date +%s.%N; }
bytes_of() { du -sb "$1" 2>/dev/null | cut -f1; }
hz=$(getconf CLK_TCK)

# Five seconds in: every program has read the tree and drawn once.
sleep 5
watched=("$recorder" "$batch" "$tui" ${atop_pid:+"$atop_pid"})
for p in "${watched[@]}"; do
   kill -0 "$p" 2>/dev/null || { echo "PID $p ended early" >&2; cat "$run"/*.log >&2; exit 1; }
done
declare -A cpu0
for p in "${watched[@]}"; do cpu0[$p]=$(cpu_ticks "$p"); done
t0=$(now)
rec0=$(bytes_of "$run/rec")
atop0=$( [ -n "$atop_pid" ] && stat -c %s "$run/atop.raw" || echo 0)
rss_start=$(status_kib "$recorder" VmRSS)
sleep $((secs / 2))
rss_mid=$(status_kib "$recorder" VmRSS)
sleep $((secs - secs / 2))
t1=$(now)
declare -A pct
for p in "${watched[@]}"; do
   kill -0 "$p" 2>/dev/null || { echo "PID $p ended early" >&2; cat "$run"/*.log >&2; exit 1; }
   pct[$p]=$(awk -v a="${cpu0[$p]}" -v b="$(cpu_ticks "$p")" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
      'BEGIN { printf "%.3f", 100 * (b - a) / hz / (t1 - t0) }')
done
rss_end=$(status_kib "$recorder" VmRSS)
hwm=$(status_kib "$recorder" VmHWM)
rec1=$(bytes_of "$run/rec")
atop1=$( [ -n "$atop_pid" ] && stat -c %s "$run/atop.raw" || echo 0)
host_procs=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
kill "$recorder"
wait "$recorder" 2>/dev/null || { echo "leaktop record did not exit 0" >&2; cat "$run/record.log" >&2; }
rec_closed=$(bytes_of "$run/rec")

# ---- 4. replay over a week ---------------------------------------------
echo "4. replay_speed: 7 days of 33 processes (default cap, then 48 MiB)" >&2
"$build/bench/replay_speed" --dir "$scratch" >"$run/replay.txt"
"$build/bench/replay_speed" --dir "$scratch" --max-mib 48 >"$run/replay48.txt"
result() { awk -F= -v k="RESULT $2" '$1 == k { print $2 }' "$1"; }

# ---- the table ----------------------------------------------------------
per_day() { awk -v b="$1" -v s="$2" -v n="$3" 'BEGIN { printf "%.0f", b / n * 86400 / s / 1024 }'; }
win=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
{
   echo
   echo "Recorder benchmark: one run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
   printf '| %-62s | %-28s | %-34s |\n' "what" "figure" "target / anchor"
   printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..30})" "$(printf -- '-%.0s' {1..36})"
   row() { printf '| %-62s | %-28s | %-34s |\n' "$1" "$2" "$3"; }
   row "bytes/process/day, 1 s tier (simulated ${hours} h, 50 procs, zstd 3)" "${sim_1s} KiB" "<= 1024 KiB"
   row "  with the 1 min tier" "${sim_both} KiB" "<= 1024 KiB"
   row "recorder CPU, $nprocs procs at 1 s (${win} s)" "${pct[$recorder]}% of a core" "<= 0.5%, below the dashboard's"
   row "leaktop --batch -d 1, same tree, same window" "${pct[$batch]}% of a core" "anchor"
   row "leaktop (interactive, tmux), same tree, same window" "${pct[$tui]}% of a core" "anchor"
   if [ -n "$atop_pid" ]; then
      row "atop -w FILE 1 (whole host: $host_procs processes)" "${pct[$atop_pid]}% of a core" "anchor"
   else
      row "atop -w FILE 1" "not installed" "anchor"
   fi
   row "recorder dir growth in the window, per process per day" "$(per_day $((rec1 - rec0)) "$win" "$nprocs") KiB" "journal: not compressed yet"
   row "recorder dir sealed at SIGTERM, per process per day" "$(per_day "$rec_closed" "$win" "$nprocs") KiB" "zstd 3, headers included"
   if [ -n "$atop_pid" ]; then
      row "atop file growth, per day (whole host)" "$(awk -v b=$((atop1 - atop0)) -v s="$win" 'BEGIN { printf "%.1f MiB", b * 86400 / s / 1048576 }')" "anchor"
      row "  per host process per day" "$(per_day $((atop1 - atop0)) "$win" "$host_procs") KiB" "anchor"
   fi
   row "recorder VmRSS start / middle / end" "$(mib "$rss_start") / $(mib "$rss_mid") / $(mib "$rss_end") MiB" "<= 16 MiB, flat"
   row "recorder VmHWM" "$(mib "$hwm") MiB" "<= 16 MiB"
   row "replay 7 d x 33 procs (256 MiB cap): first screen" "$(result "$run/replay.txt" first_screen_ms) ms" "<= 500 ms"
   row "  jump to a random time, median of 20" "$(result "$run/replay.txt" jump_median_ms) ms" "<= 100 ms"
   row "  jump, max of 20" "$(result "$run/replay.txt" jump_max_ms) ms" "<= 100 ms"
   row "replay 7 d x 33 procs (48 MiB cap): first screen" "$(result "$run/replay48.txt" first_screen_ms) ms" "<= 500 ms"
   row "  jump, median / max of 20" "$(result "$run/replay48.txt" jump_median_ms) / $(result "$run/replay48.txt" jump_max_ms) ms" "<= 100 ms"
   echo
   echo "record_codec (${hours} h, 50 processes):"
   sed 's/^/  /' "$run/codec.txt"
   echo "replay_speed, default cap:"
   grep -v '^RESULT' "$run/replay.txt" | sed 's/^/  /'
   echo "replay_speed, 48 MiB cap:"
   grep -v '^RESULT' "$run/replay48.txt" | sed 's/^/  /'
}
