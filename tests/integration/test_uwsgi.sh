#!/bin/bash
# leaktop --batch against Debian's uwsgi with its Python 3 plugin: a master
# and three workers serving HTTP on loopback, one of them retaining memory
# per request (grower_app.py). The traffic source is uwsgi's own stats
# server (--stats on a loopback port): requests per worker, exact. Checks
# the roles, the per-worker request counts against the stats server's (and
# the io source's read syscalls beside them), and the verdicts: the grower
# grows with traffic, the other workers and the master stay stable.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/grower_lib.sh
. "$(dirname "$0")/grower_lib.sh"

UWSGI=${UWSGI:-/usr/bin/uwsgi}
WATCH=${UWSGI_SECONDS:-250}
TICK=0.5
# 2 s before the load and 6 s after it, for its last requests.
TICKS=$(awk "BEGIN { print int(($WATCH + 8) / $TICK) }")
plan 15
if [ ! -x "$UWSGI" ] || ! "$UWSGI" --plugin python3 --help >/dev/null 2>&1; then
   skip_rest "uwsgi with the Python 3 plugin is missing (apt-get install uwsgi-core uwsgi-plugin-python3)"
   done_testing
fi

# A free loopback port for the stats server (uwsgi does not say which port 0 gave).
SPORT=$(free_port)
STATS=127.0.0.1:$SPORT
# stats: "PID REQUESTS" per worker, from the stats server.
stats() {
   "$PY" - "$SPORT" <<'PY'
import json, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
for w in json.loads(data)["workers"]:
    print(w["pid"], w["requests"])
PY
}

export RETAIN_GROWER_FILE=$TEST_TMP/grower RETAIN_KIB=256
LOG=$TEST_TMP/uwsgi.log
"$UWSGI" --plugin python3 --master --processes 3 --die-on-term --http-socket 127.0.0.1:0 \
   --stats "$STATS" --chdir "$TESTS_SRCDIR/integration" --wsgi-file grower_app.py \
   >"$LOG" 2>&1 </dev/null &
U=$!
track "$U"
wait_for 20 grep -qs "spawned uWSGI worker 3" "$LOG" || bail "uwsgi did not start: $(tail -n 5 "$LOG")"
wait_for 10 grep -qs "Stats server enabled on $STATS" "$LOG" || bail "no stats server: $(tail -n 5 "$LOG")"
PORT=$(sed -n 's/.*bound to TCP address 127.0.0.1:\([0-9]*\).*/\1/p' "$LOG" | head -n 1)
WORKERS=$(sed -n 's/.*spawned uWSGI worker [0-9]* (pid: \([0-9]*\).*/\1/p' "$LOG" | tr '\n' ' ')
export U WORKERS

# Warm-up: the first requests of a worker allocate for good (imports, buffers).
"$PY" -c 'import sys, urllib.request as u
for _ in range(12):
    u.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=10).read()' "$PORT" || bail "warm-up failed"
wait_for 10 test -s "$RETAIN_GROWER_FILE" || bail "no uwsgi worker claimed the grower role"
GROWER=$(cat "$RETAIN_GROWER_FILE")
STABLE=$(echo "$WORKERS" | tr ' ' '\n' | grep -vx "$GROWER" | xargs)
export GROWER STABLE
stats >"$TEST_TMP/before.txt" || bail "the stats server does not answer"

# Side by side, the io source: read syscalls per worker.
IO_OUT=$TEST_TMP/io.jsonl
leaktop_bg "$IO_OUT" --batch -d "$TICK" -n "$TICKS" -p "$U" --traffic io
IO_PID=$LT_PID
OUT=$TEST_TMP/uwsgi.jsonl
# No --traffic: leaktop reads the stats server the master names (--stats).
leaktop_bg "$OUT" --batch -d "$TICK" -n "$TICKS" -p "$U"
sleep 2
rc=0
timeout -k 5 $((WATCH + 60)) "$PY" "$TESTS_SRCDIR/integration/scenario_load.py" "$WATCH" \
   "$PORT:bursty:2" >"$TEST_TMP/load.out" || rc=$?
ok "$rc" "load: every request answered ($(awk '{ print $2 }' "$TEST_TMP/load.out") in ${WATCH} s)"
leaktop_done 60 "leaktop --batch exits 0"
LT_PID=$IO_PID LT_OUT=$IO_OUT leaktop_done 30 "leaktop --batch --traffic io exits 0"
stats >"$TEST_TMP/after.txt"
jcheck "batch output follows the schema" "$OUT" 'not schema_errors()' 'schema_errors()[:10]'
jcheck "one tree named uwsgi, its master the root" "$OUT" \
   'len(last["trees"]) == 1 and tree(last, envint("U"))["name"] == "uwsgi" and proc(last, envint("U"))["role"] == "master"' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "the 3 workers: role worker, name uwsgi" "$OUT" \
   'pids(last, envint("U"), "worker") == envints("WORKERS") and all(proc(last, w)["name"] == "uwsgi" for w in envints("WORKERS"))' \
   '[(p["pid"], p["role"], p["name"]) for p in procs(last)]' 'envints("WORKERS")'
jcheck "without --traffic the source chosen is the master's stats server, in requests" "$OUT" \
   'last["traffic_source"] == "uwsgi requests (auto)" and last["traffic_unit"] == "requests"' \
   '(last["traffic_source"], last["traffic_unit"])'
# What each worker served while watched, by the stats server's own count.
SERVED=$(awk 'NR == FNR { b[$1] = $2; next } { printf "%s:%d ", $1, $2 - b[$1] }' \
   "$TEST_TMP/before.txt" "$TEST_TMP/after.txt")
check_totals "each worker's traffic total is the requests it served (stats server)" "$SERVED" 1
OUT=$IO_OUT check_totals "io: one read syscall per request (a GET without a body)" "$SERVED" 1
jcheck "the master serves none" "$OUT" 'proc(last, envint("U"))["traffic"]["total"] == 0' \
   'proc(last, envint("U"))["traffic"]'
check_verdicts "$U" request

done_testing
