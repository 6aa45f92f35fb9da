#!/bin/bash
# Stack-sampling benchmark (not part of make check): figures, not pass/fail,
# measured in one run on one Debian gunicorn sync worker serving
# tests/integration/wsgi_app.py on loopback:
#   1. one-shot dump wall time: leaktop stack vs eu-stack -p vs gdb bt;
#   2. target pause per thread per sample (median, p99) over 100 Hz profiles
#      of the idle and of the loaded worker;
#   3. the worker's requests/s under wrk while sampled at 100 Hz (Python
#      only, and with native frames) against unsampled, in alternating rounds
#      so drift does not favour one mode; beside it the same with the time
#      other processes kept the worker off its CPU taken out (its schedstat
#      run-queue wait: on a shared machine the raw figure mostly measures
#      them), and the worker's CPU time per request.
# With 2 or more CPUs the worker runs alone on the last one, and wrk and
# leaktop share CPU 0: the throughput figures then measure what sampling
# costs the worker (its pauses, its caches), and leaktop's own CPU time is
# reported beside them.
# Usage: bench/stacks.sh [BUILDDIR] [SECONDS per wrk run, default 10]
#                        [ROUNDS, default 5]
# STACKS_BENCH_MS: CPU milliseconds the app spends per request (default 1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
top_src=$(dirname "$here")
leaktop=${1:-$top_src}/src/leaktop
secs=${2:-10}
rounds=${3:-5}
ms=${STACKS_BENCH_MS:-1}
[ -x "$leaktop" ] || { echo "build leaktop first (make)" >&2; exit 1; }
for tool in wrk eu-stack gdb gunicorn; do
   command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done

cpus=$(nproc)
if [ "$cpus" -ge 2 ]; then
   pin_worker=(taskset -c "$((cpus - 1))")
   pin_tools=(taskset -c 0)
else
   pin_worker=()
   pin_tools=()
fi

tmp=$(mktemp -d)
"${pin_worker[@]}" gunicorn --chdir "$top_src/tests/integration" -w 1 -b 127.0.0.1:0 \
   --worker-tmp-dir "$tmp" wsgi_app:app >"$tmp/gunicorn.log" 2>&1 &
master=$!
trap 'kill $master 2>/dev/null; wait $master 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
   grep -qs "Booting worker" "$tmp/gunicorn.log" && break
   sleep 0.1
done
worker=$(pgrep -P "$master" | head -n 1)
port=$(sed -n 's/.*Listening at: http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/gunicorn.log")
url="http://127.0.0.1:$port/?ms=$ms"
echo "gunicorn master $master, worker $worker ($(nproc) CPUs; worker pinned: ${pin_worker[*]:-no})"

# busy: the share of all CPUs busy over one second (here: other processes'
# load, which makes throughput figures noisy).
busy() {
   local a b
   a=$(head -n 1 /proc/stat)
   sleep 1
   b=$(head -n 1 /proc/stat)
   python3 -c 'import sys
a, b = ([int(x) for x in s.split()[1:]] for s in sys.argv[1:])
d = [y - x for x, y in zip(a, b)]
print("%.0f%%" % (100.0 * (sum(d) - d[3] - d[4]) / sum(d)))' "$a" "$b"
}
echo "CPU busy before the benchmark (other processes): $(busy)"

# wrk_run SECONDS: one wrk run (4 connections, one thread: a sync worker
# serves one at a time); prints "requests/s requests worker-CPU-ns
# worker-runqueue-wait-ns", the last two from the worker's schedstat.
wrk_run() {
   local before after out
   before=$(cat /proc/"$worker"/schedstat)
   out=$("${pin_tools[@]}" wrk -t 1 -c 4 -d "$1" "$url")
   after=$(cat /proc/"$worker"/schedstat)
   echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")" \
      "$(awk '/ requests in / {print $1}' <<<"$out")" \
      "$(($(cut -d' ' -f1 <<<"$after") - $(cut -d' ' -f1 <<<"$before")))" \
      "$(($(cut -d' ' -f2 <<<"$after") - $(cut -d' ' -f2 <<<"$before")))"
}

# sampled OUT ARGS...: leaktop stack WORKER ARGS in the background on the
# tools' CPU; its CPU seconds (user+sys) go to OUT.cpu. Sets LT.
sampled() {
   local out=$1
   shift
   (
      "${pin_tools[@]}" "$leaktop" stack "$worker" "$@" >"$out"
      times >"$out.times" # its second line: the children's user and sys time
   ) &
   LT=$!
}

# pauses FILE: "median M ms, p99 P ms" of the pause per thread per sample.
pauses() {
   sed -n 's/^Pause per thread per sample: \(median [0-9.]* ms, p99 [0-9.]* ms\);.*/\1/p' "$1"
}

echo
echo "1. one-shot dump of the worker (idle), wall time in ms, best of 10:"
echo "   leaktop stack (native + Python):  $(wall_of "$leaktop" stack "$worker")"
echo "   leaktop stack --python-only:      $(wall_of "$leaktop" stack --python-only "$worker")"
echo "   eu-stack -p (native only):        $(wall_of eu-stack -p "$worker")"
echo "   gdb -batch thread apply all bt:   $(wall_of gdb -batch -p "$worker" -ex 'thread apply all bt')"

echo
echo "2. target pause per thread per sample, 1000 samples at 100 Hz, native frames:"
sampled "$tmp/idle.out" --duration 10 --rate 100
wait "$LT"
echo "   idle worker:   $(pauses "$tmp/idle.out")   ($(head -n 1 "$tmp/idle.out" | sed 's/.*: \([0-9]* samples\).*/\1/'))"
sampled "$tmp/busy.out" --duration 10 --rate 100
sleep 0.2
wrk_run 10 >/dev/null
wait "$LT"
echo "   loaded worker: $(pauses "$tmp/busy.out")   ($(head -n 1 "$tmp/busy.out" | sed 's/.*: \([0-9]* samples\).*/\1/'))"

echo
echo "3. requests/s under wrk (${ms} ms of CPU per request), ${rounds} rounds of ${secs} s per mode,"
echo "   modes in rotating order; sampled at 100 Hz:"
wrk_run 3 >/dev/null # warm-up
modes=(unsampled python-only native)
: >"$tmp/runs"
for r in $(seq "$rounds"); do
   for k in 0 1 2; do
      mode=${modes[$(((r + k) % 3))]}
      out=$tmp/$mode.$r
      case $mode in
      unsampled) run=$(wrk_run "$secs") ;;
      python-only | native)
         flag=()
         [ "$mode" = python-only ] && flag=(--python-only)
         sampled "$out" "${flag[@]}" --duration "$((secs + 1))" --rate 100
         sleep 0.3
         run=$(wrk_run "$secs")
         wait "$LT"
         ;;
      esac
      echo "$r $mode $run $(tail -n 1 "$out.times" 2>/dev/null || echo - -) $(pauses "$out" 2>/dev/null | tr -d ',')" >>"$tmp/runs"
   done
done
python3 - "$tmp/runs" "$secs" <<'PY'
import re, statistics as st, sys
secs = float(sys.argv[2])
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    r, mode, rps, reqs, cpu_ns, wait_ns = int(f[0]), f[1], float(f[2]), int(f[3]), int(f[4]), int(f[5])
    lt = sum(60 * float(m) + float(s) for m, s in re.findall(r"([0-9]+)m([0-9.]+)s", " ".join(f[6:8])))
    pause = re.search(r"median ([0-9.]+) ms p99 ([0-9.]+) ms", line)
    runs.setdefault(mode, {})[r] = dict(
        rps=rps, cpu=cpu_ns / 1e3 / reqs, wait=wait_ns / 1e9,
        # requests per second the worker was not kept off its CPU by other
        # processes (a stopped worker is not waiting for a CPU: pauses count)
        own=reqs / (secs - wait_ns / 1e9),
        lt=lt if f[6] != "-" else None, pause=pause)
base = runs["unsampled"]
def spread(values, fmt):
    return (fmt + " (" + fmt + ".." + fmt + ")") % (st.median(values), min(values), max(values))
def change(mode, key):
    return spread([100.0 * (v[key] - base[r][key]) / base[r][key] for r, v in runs[mode].items()], "%+.1f%%")
print("   median (min..max) over the rounds; changes paired with the same round's unsampled run")
rows = [("", "req/s", "req/s, other processes' hold on the worker's CPU taken out",
         "worker CPU us per request", "leaktop's own CPU", "pause per thread per sample")]
for mode in ("unsampled", "python-only", "native"):
    v = list(runs[mode].values())
    row = [mode]
    for key in ("rps", "own", "cpu"):
        cell = spread([x[key] for x in v], "%.0f")
        if mode != "unsampled":
            cell += "  " + change(mode, key)
        row.append(cell)
    lts = [x["lt"] for x in v if x["lt"] is not None]
    row.append("%.1f%% of a CPU" % (100.0 * st.median(lts) / (secs + 1)) if lts else "")
    p = [x["pause"] for x in v if x["pause"]]
    row.append("median %.3f ms, p99 <= %.3f ms" % (st.median(float(m.group(1)) for m in p),
                                                  max(float(m.group(2)) for m in p)) if p else "")
    rows.append(row)
for i, name in enumerate(rows[0][1:], 1):
    print("   %s:" % name)
    for row in rows[1:]:
        if row[i]:
            print("      %-12s %s" % (row[0], row[i]))
wait = [x["wait"] for m in runs.values() for x in m.values()]
print("   the worker waited %s s per %.0f s run for a CPU other processes held" % (spread(wait, "%.2f"), secs))
PY
