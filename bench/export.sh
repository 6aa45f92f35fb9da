#!/bin/bash
# The Prometheus export's cost (issue 10's benchmark), in one run:
#   - one scrape of /metrics for a tree of 50 worker slots: wall time and
#     bytes, in both formats, next to node_exporter's own /metrics (its
#     default collectors) on the same host as the anchor;
#   - leaktop record's CPU (schedstat, every thread) over 60 s at 1 s
#     ticks, scraped every second in OpenMetrics as Prometheus would,
#     against the same recorder unscraped.
# Figures, not pass/fail. Usage: bench/export.sh [BUILDDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")}
leaktop=$build/src/leaktop
py=/usr/bin/python3
[ -x "$leaktop" ] || { echo "build leaktop first (make)" >&2; exit 1; }
command -v prometheus-node-exporter >/dev/null ||
   { echo "needs prometheus-node-exporter (apt-get install prometheus-node-exporter)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/leaktop-bench-export.XXXXXX")
pids=()
cleanup() {
   for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
   wait 2>/dev/null || true
   rm -rf "$work"
}
trap cleanup EXIT

# A master and 50 sleeping workers, each with a few MiB of its own; a
# worker ends when its master does (the cleanup ends the master by PID).
"$py" -c '
import os, time
for i in range(50):
    if os.fork() == 0:
        keep = bytearray(4 << 20)
        while os.getppid() != 1:
            time.sleep(1)
        os._exit(0)
while True:
    time.sleep(60)' &
master=$!
pids+=("$master")
for _ in $(seq 100); do
   [ "$(pgrep -c -P "$master")" -ge 50 ] && break
   sleep 0.1
done
echo "tree: master $master with $(pgrep -c -P "$master") workers"

free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# record RUN SCRAPE: a recorder for 65 s; prints its CPU seconds over the
# last 60 (after 5 s of warm-up), scraped every second when SCRAPE is 1.
record() {
   local run=$1 scrape=$2
   "$leaktop" record -p "$master" --dir "$work/rec-$run" --listen 127.0.0.1:0 >"$work/$run.out" 2>&1 &
   local lt=$!
   pids+=("$lt")
   for _ in $(seq 100); do grep -q 'serving metrics' "$work/$run.out" && break; sleep 0.1; done
   local addr
   addr=$(sed -n 's|.*serving metrics at http://\(.*\)/metrics|\1|p' "$work/$run.out")
   "$py" - "$lt" "$addr" "$scrape" <<'PY'
import sys, time, urllib.request
pid, addr, scrape = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
import glob
def cpu():  # seconds on a CPU, every thread (schedstat: nanoseconds)
    return sum(int(open(t).read().split()[0]) for t in glob.glob(f"/proc/{pid}/task/*/schedstat")) / 1e9
accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
time.sleep(5)
start, c0 = time.time(), cpu()
n = 0
while time.time() - start < 60:
    if scrape:
        req = urllib.request.Request(f"http://{addr}/metrics", headers={"Accept": accept})
        urllib.request.urlopen(req, timeout=5).read()
        n += 1
    time.sleep(1 - (time.time() - start) % 1)
print(f"{cpu() - c0:.3f} {n}")
PY
   kill "$lt"
   wait "$lt" 2>/dev/null || true
}

# scrape_stats URL ACCEPT: median and p99 wall ms of 200 scrapes, and bytes.
scrape_stats() {
   "$py" - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, accept = sys.argv[1], sys.argv[2]
times = []
for _ in range(200):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    t = time.perf_counter()
    body = urllib.request.urlopen(req, timeout=5).read()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{times[100]:.2f} ms median, {times[197]:.2f} ms p99, {len(body)} bytes")
PY
}

"$leaktop" record -p "$master" --dir "$work/rec-scrape" --listen 127.0.0.1:0 >"$work/s.out" 2>&1 &
lt=$!
pids+=("$lt")
for _ in $(seq 100); do grep -q 'serving metrics' "$work/s.out" && break; sleep 0.1; done
addr=$(sed -n 's|.*serving metrics at http://\(.*\)/metrics|\1|p' "$work/s.out")
sleep 12 # past the first smaps round: PSS, USS and swap are in the exposition
node_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" >"$work/node.log" 2>&1 &
pids+=("$!")
sleep 2
series=$("$py" -c 'import sys, urllib.request
print(sum(1 for l in urllib.request.urlopen(sys.argv[1]).read().decode().splitlines() if l and l[0] != "#"))' "http://$addr/metrics")
echo
echo "1. one scrape, 50 worker slots ($series series; 200 scrapes each, loopback)"
echo "   leaktop OpenMetrics:         $(scrape_stats "http://$addr/metrics" 'application/openmetrics-text;version=1.0.0')"
echo "   leaktop text 0.0.4:          $(scrape_stats "http://$addr/metrics" '')"
echo "   node_exporter (defaults):    $(scrape_stats "http://127.0.0.1:$node_port/metrics" '')"
kill "$lt"
wait "$lt" 2>/dev/null || true

echo
echo "2. leaktop record's CPU over 60 s of 1 s ticks, 51 processes"
read -r quiet _ < <(record quiet 0)
read -r busy n < <(record busy 1)
echo "   unscraped:            ${quiet} s  ($(awk "BEGIN{printf \"%.2f\", $quiet/60*100}") % of a core)"
echo "   scraped every 1 s:    ${busy} s  ($(awk "BEGIN{printf \"%.2f\", $busy/60*100}") % of a core, $n scrapes)"
