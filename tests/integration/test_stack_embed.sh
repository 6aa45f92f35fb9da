#!/bin/bash
# leaktop stack on an embedder: Debian's uwsgi with its Python 3 plugin,
# whose executable has no interpreter (libpython3.11.so is found through
# /proc/PID/maps), and whose workers are forked from a master that
# initialized Python, without PyOS_AfterFork_Child (uwsgi's default): the
# worker's thread state keeps the master's TID. A request parks in a known
# function at a known line; its stack must show the Python frames merged
# with uwsgi's and libc's native frames, and the worker must still serve.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stack_lib.sh
. "$(dirname "$0")/stack_lib.sh"

UWSGI=${UWSGI:-/usr/bin/uwsgi}
plan 16
if [ ! -x "$UWSGI" ] || ! "$UWSGI" --plugin python3 --help >/dev/null 2>&1; then
   skip_rest "uwsgi with the Python 3 plugin is missing (apt-get install uwsgi-core uwsgi-plugin-python3)"
   done_testing
fi

APP=$TEST_TMP/embed_app.py
cat >"$APP" <<'PY'
import os, time

RELEASE = os.environ["EMBED_RELEASE"]

def park():
    while not os.path.exists(RELEASE):
        time.sleep(0.05)  # LINE-PARK

def application(environ, start_response):
    if environ["PATH_INFO"] == "/park":
        park()  # LINE-CALL
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok %d\n" % os.getpid()]
PY
line() { grep -n "LINE-$1" "$APP" | cut -d: -f1; }

# start_uwsgi NAME ARGS...: a uwsgi master with one worker serving the app
# on an ephemeral loopback port; sets UPORT and UWORKER.
start_uwsgi() {
   local name=$1 log=$TEST_TMP/$1.log
   shift
   EMBED_RELEASE=$TEST_TMP/$name.release "$UWSGI" --plugin python3 --master --processes 1 \
      --die-on-term --http-socket 127.0.0.1:0 --wsgi-file "$APP" "$@" >"$log" 2>&1 </dev/null &
   track $!
   wait_for 20 grep -qs "spawned uWSGI worker 1" "$log" ||
      bail "uwsgi did not start: $(tail -n 5 "$log")"
   UPORT=$(sed -n 's/.*bound to TCP address 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
   UWORKER=$(sed -n 's/.*spawned uWSGI worker 1 (pid: \([0-9]*\).*/\1/p' "$log" | head -n 1)
}

# get NAME PATH: an HTTP GET in the background, its body to $TEST_TMP/NAME.body.
get() {
   "$PY" - "$UPORT" "$2" >"$TEST_TMP/$1.body" 2>&1 <<'PY' &
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
c.request("GET", sys.argv[2])
print(c.getresponse().read().decode().strip())
PY
   track $!
}

# parked: the worker's Python stack has reached park (read without stopping it).
parked() {
   "$LEAKTOP" stack --python-only "$UWORKER" 2>/dev/null | grep -q "^  park ($APP:$(line PARK))"
}

# ---- a single-threaded worker, forked after Python was initialized ------------
start_uwsgi plain
check "the worker maps libpython3.11 (the executable has no interpreter)" \
   grep -q 'libpython3\.11\.so' /proc/"$UWORKER"/maps
get parked /park
wait_for 15 parked || diag "$("$LEAKTOP" stack "$UWORKER" 2>&1)"

run merged stack "$UWORKER"
is_rc 0 "leaktop stack on the uwsgi worker"
check "the header names uwsgi and CPython 3.11, found in libpython" \
   grep -Eq "^Process $UWORKER \(uwsgi\), CPython 3\.11" "$OUT"
check "park at its line, under libc's clock_nanosleep (time.sleep)" \
   above "$OUT" '^  clock_nanosleep+0x[0-9a-f]* (libc.so.6)' "^  park ($APP:$(line PARK))"
check "application at its call line, below park" \
   above "$OUT" "^  park (" "^  application ($APP:$(line CALL))"
check "uwsgi's plugin and core frames below the Python ones" \
   bash -c "grep -A30 '^  application (' '$OUT' | grep -q 'uwsgi_request_wsgi+0x[0-9a-f]* (python3[0-9]*_plugin.so)' &&
            grep -A30 '^  application (' '$OUT' | grep -q '^  main+0x[0-9a-f]* (uwsgi-core)'"
check "no eval-loop frame left unmerged" bash -c "! grep -q _PyEval_EvalFrameDefault '$OUT'"
check "the frames belong to the worker's main thread, under its own TID" \
   grep -q "^Thread $UWORKER (uwsgi)" "$OUT"

run pyonly stack --python-only --json "$UWORKER"
check "--python-only: park and application, on the worker's TID" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for t in d["threads"] if t["tid"] == int(sys.argv[2])][0]
names = [(f["function"], f["line"]) for f in t["frames"]]
assert names[:2] == [("park", int(sys.argv[3])), ("application", int(sys.argv[4]))], names
' "$OUT" "$UWORKER" "$(line PARK)" "$(line CALL)"

run prof stack "$UWORKER" --duration 1 --rate 50 --folded "$TEST_TMP/embed.folded"
check "a profile's folded stacks run from uwsgi's main through application to park" \
   grep -Eq "main \(uwsgi-core\);.*application \($APP:$(line CALL)\);park \($APP:$(line PARK)\);.*clock_nanosleep \(libc.so.6\) [0-9]+$" \
   "$TEST_TMP/embed.folded"

touch "$TEST_TMP/plain.release"
check "the parked request completes after all that" \
   wait_for 15 grep -q "^ok $UWORKER\$" "$TEST_TMP/parked.body"
get after /
check "the worker still serves requests" wait_for 15 grep -q "^ok $UWORKER\$" "$TEST_TMP/after.body"
released() {
   not_stopped "$1" && grep -q '^TracerPid:[[:space:]]*0$' /proc/"$1"/status
}
check "the worker was never left stopped or traced" released "$UWORKER"

# ---- a worker with two core threads (--enable-threads) ---------------------------
# Core 0 runs on the main thread (the thread state from the master, with
# its stale TID), core 1 on a thread the worker started (a fresh state).
start_uwsgi threads --enable-threads --threads 2
get tparked1 /park
get tparked2 /park
both_parked() {
   [ "$("$LEAKTOP" stack --python-only "$UWORKER" 2>/dev/null | grep -c "^  park (")" -eq 2 ]
}
wait_for 15 both_parked || diag "$("$LEAKTOP" stack "$UWORKER" 2>&1)"
run threads stack --json "$UWORKER"
is_rc 0 "leaktop stack on a threaded uwsgi worker, both cores parked"
check "threaded worker: park above application in both threads, the main one and the other" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
parked = []
for t in d["threads"]:
    py = [(f["function"], f["line"]) for f in t["frames"] if f["kind"] == "python"]
    if py:
        assert py == [("park", int(sys.argv[3])), ("application", int(sys.argv[4]))], py
        parked.append(t["tid"])
main = int(sys.argv[2])
assert len(parked) == 2 and main in parked, (parked, main)
' "$OUT" "$UWORKER" "$(line PARK)" "$(line CALL)"
check "threaded worker: the other thread starts in libc, not in main" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for t in d["threads"] if t["tid"] != int(sys.argv[2]) and len(t["frames"]) > 2][0]
native = [f for f in t["frames"] if f["kind"] == "native"]
assert native[-1]["module"] == "libc.so.6" and not any(f.get("function") == "main" for f in native), native[-3:]
' "$OUT" "$UWORKER"
touch "$TEST_TMP/threads.release"

done_testing
