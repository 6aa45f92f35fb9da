#!/bin/bash
# Stack-dump benchmark (not part of make check): figures, not pass/fail, on
# one gunicorn sync worker (Debian's gunicorn, tests/integration/wsgi_app.py):
#   1. one-shot dump wall time: leaktop stack vs eu-stack -p vs gdb bt;
#   2. target pause per thread per sample (median, p99) over a 100 Hz profile;
#   3. the worker's requests/s under load while sampled at 100 Hz, Python
#      only and with native frames, vs unsampled (Python load generator).
# Usage: bench/stacks.sh [BUILDDIR] [SECONDS per throughput run, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
top_src=$(dirname "$here")
leaktop=${1:-$top_src}/src/leaktop
secs=${2:-10}
[ -x "$leaktop" ] || { echo "build leaktop first (make)" >&2; exit 1; }
tmp=$(mktemp -d)
gunicorn --chdir "$top_src/tests/integration" -w 1 -b 127.0.0.1:0 wsgi_app:app \
   >"$tmp/gunicorn.log" 2>&1 &
master=$!
trap 'kill $master 2>/dev/null; wait $master 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
   grep -qs "Booting worker" "$tmp/gunicorn.log" && break
   sleep 0.1
done
worker=$(pgrep -P "$master" | head -n 1)
port=$(sed -n 's/.*Listening at: http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/gunicorn.log")
echo "gunicorn master $master, worker $worker, port $port"

echo "1. one-shot dump of the worker, wall time in ms (best of 10):"
echo "   leaktop stack (native + Python): $(wall_of "$leaktop" stack "$worker")"
echo "   leaktop stack --python-only:     $(wall_of "$leaktop" stack --python-only "$worker")"
echo "   eu-stack -p (native only):       $(wall_of eu-stack -p "$worker")"
echo "   gdb thread apply all bt:         $(wall_of gdb -batch -p "$worker" -ex 'thread apply all bt')"

# requests/s for secs seconds with 4 client threads, ms=1 of CPU per request
load() {
   python3 - "$port" "$secs" <<'PY'
import http.client, sys, threading, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
count = [0] * 4
end = time.monotonic() + secs
def client(i):
    while time.monotonic() < end:
        c = http.client.HTTPConnection("127.0.0.1", port)
        c.request("GET", "/?ms=1")
        c.getresponse().read()
        c.close()
        count[i] += 1
threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("%.0f" % (sum(count) / secs))
PY
}
echo "2./3. under load (${secs} s each):"
base=$(load)
echo "   unsampled:                 $base req/s"
for mode in python-only native; do
   flag=
   [ "$mode" = python-only ] && flag=--python-only
   "$leaktop" stack "$worker" $flag --duration "$((secs + 1))" --rate 100 >"$tmp/$mode.out" &
   lt=$!
   sampled=$(load)
   wait "$lt"
   echo "   sampled 100 Hz, $mode: $sampled req/s ($(python3 -c "print('%+.1f%%' % (100.0 * ($sampled - $base) / $base))"))"
   grep "Pause per thread" "$tmp/$mode.out" | sed 's/^/      /' || true
done
