#!/bin/bash
# leaktop snapshot against Debian's gunicorn (sync workers on CPython
# 3.11): a worker under wrk load answers with no request failing; an idle
# worker, blocked in select(), gets a request that waits, with what it is
# doing said and SIGWINCH offered, and --wake sends it; 100 requests in a
# row into a worker under load leave it serving, with no thread stopped and
# its stack as before; a worker that imported leaktop's agent answers
# through it.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/snapshot_lib.sh
. "$(dirname "$0")/snapshot_lib.sh"

GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
WRK=${WRK:-wrk}
: "${LEAKTOP_PYTHONDIR:=$(dirname "$TESTS_SRCDIR")/python}"
export LEAKTOP_PYTHONDIR
ROUNDS=100

plan 19
if [ "$(id -u)" -ne 0 ]; then
   skip_rest "needs root (ptrace into the worker)"
   done_testing
fi
[ -x "$GUNICORN" ] || { skip_rest "$GUNICORN not installed (apt-get install gunicorn)"; done_testing; }
command -v "$WRK" >/dev/null || { skip_rest "wrk not installed (apt-get install wrk)"; done_testing; }

# wrk_bg NAME SECONDS: wrk on the worker's port, loopback, in the background;
# sets WRK_PID and WRK_OUT.
wrk_bg() {
   WRK_OUT=$TEST_TMP/$1.wrk
   "$WRK" -t1 -c4 -d"$2"s --timeout 5s -s "$TESTS_SRCDIR/integration/wrk_report.lua" \
      "http://127.0.0.1:$PORT/" >"$WRK_OUT" 2>&1 </dev/null &
   WRK_PID=$!
   track "$WRK_PID"
}

# wrk_clean DESCRIPTION: the wrk run ended with requests served and not one
# failed (socket errors, timeouts, non-2xx).
wrk_clean() {
   wait "$WRK_PID"
   local line
   line=$(grep '^WRK ' "$WRK_OUT")
   ok "$(echo "$line" | grep -Eq '^WRK requests [1-9][0-9]* connect 0 read 0 write 0 status 0 timeout 0 ' &&
      echo 0 || echo 1)" "$1"
   diag "${line:-$(cat "$WRK_OUT")}"
}

# serves N: N requests to the worker, each answered "ok ... W".
serves() {
   "$PY" - "$PORT" "$1" "$W" <<'PYEOF'
import sys, urllib.request
port, n, worker = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for _ in range(n):
    body = urllib.request.urlopen("http://127.0.0.1:%s/" % port, timeout=10).read().decode()
    assert body.startswith("ok ") and body.split()[2] == worker, body
PYEOF
}

# One sync worker; a long timeout keeps its select() from returning by
# itself (gunicorn waits timeout / 2) while the idle request waits.
start_gunicorn 1 --timeout 120
W=$(cat /proc/"$G"/task/*/children | awk '{print $1}')
T_PID=$W

# ---- idle: the main thread sits in select() --------------------------------------------
snap idle --top 5 --timeout 2
expect_rc 3 "an idle worker: no answer within --timeout 2"
says "... it says the main thread waits in select() under SyncWorker.wait, and offers SIGWINCH" "$ERR" \
   "^leaktop snapshot: waiting [0-9.]+ s for the main thread, which is in p?select6?\(\), under SyncWorker\.wait \(.*/gunicorn/workers/sync\.py:[0-9]+\)$" \
   '^leaktop snapshot: --wake would send SIGWINCH \(gunicorn.s worker handles it in Python and carries on\)$'
t0=$EPOCHREALTIME
snap woken --top 5 --wake
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f", (b - a) * 1000}')
expect_rc 0 "the same worker with --wake answers (the earlier request runs first)"
says "... through the pending-call queue, after sending SIGWINCH" "$OUT" \
   "^Snapshot of $W via pending call: answered in [0-9]+ ms" '^Snapshot [0-9]+ of pid '"$W"', CPython 3\.11\.'
says "... having said it sent SIGWINCH" "$ERR" '; sent SIGWINCH \(gunicorn'
diag "idle worker with --wake: $took ms in all, $(answered)"
check "the worker serves after the wake-up" serves 5

# ---- under load --------------------------------------------------------------------------
wrk_bg busy 4
sleep 1
snap busy --top 5
expect_rc 0 "a worker under wrk load answers"
says "... through the pending-call queue" "$OUT" "^Snapshot of $W via pending call: answered in [0-9]+ ms"
diag "busy worker: $(answered)"
wrk_clean "wrk meanwhile: requests served, 0 socket errors, 0 timeouts, 0 non-2xx"

# ---- 100 in a row -----------------------------------------------------------------------------
wrk_bg hundred 60
sleep 0.5
answered_n=0
t0=$EPOCHREALTIME
for i in $(seq "$ROUNDS"); do
   run "round$i" snapshot "$W" --top 5
   [ "$RC" -eq 0 ] && grep -q "^Snapshot of $W via pending call: answered" "$OUT" &&
      answered_n=$((answered_n + 1))
done
total=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
kill -INT "$WRK_PID"
ok "$([ "$answered_n" -eq "$ROUNDS" ] && echo 0 || echo 1)" \
   "$ROUNDS snapshots in a row under load: $answered_n answered"
stats=$(cat "$TEST_TMP"/round*.out | sed -n 's/^Snapshot of [0-9]* via [^:]*: answered in \([0-9]*\) ms, [0-9]* threads\? paused \([0-9.]*\) ms at most$/\1 \2/p' |
   sort -n | awk '{a[NR]=$1; if ($2 > p) p = $2} END{printf "answered in %d ms median, %d ms at most; longest pause %.2f ms", a[int((NR+1)/2)], a[NR], p}')
diag "$ROUNDS snapshots in $total s ($(awk -v t="$total" -v n="$ROUNDS" 'BEGIN{printf "%.0f", t * 1000 / n}') ms each end to end); $stats"
wrk_clean "wrk during the $ROUNDS: requests served, not one failed"
check "the worker still serves" serves 20
check "no thread of the worker is stopped, TracerPid 0" free_running "$W"
run stack stack "$W"
expect_rc 0 "leaktop stack on the worker afterwards"
says "... its stack is gunicorn's: SyncWorker.run under Arbiter.spawn_worker under /usr/bin/gunicorn" "$OUT" \
   "^Thread $W \(gunicorn\) " '^  SyncWorker\.run \(.*/gunicorn/workers/sync\.py:[0-9]+\)$' \
   '^  Arbiter\.spawn_worker \(.*/gunicorn/arbiter\.py:[0-9]+\)$' '^  <module> \(/usr/bin/gunicorn:[0-9]+\)$'
left=$(find "/tmp/leaktop-$(id -u)" -name "*snapshot-$W-*" 2>&1)
ok "$([ -z "$left" ] && echo 0 || echo 1)" "no result file of the worker left behind"
diag "$left"

# ---- the agent --------------------------------------------------------------------------------
kill -TERM "$G"
wait_gone 10 "$G" || bail "gunicorn did not stop"
start_gunicorn 1 -c "$TESTS_SRCDIR/integration/agent_gunicorn_conf.py"
W=$(cat /proc/"$G"/task/*/children | awk '{print $1}')
# shellcheck disable=SC2034 # snap's target
T_PID=$W
wait_for 20 grep -q "leaktop-agent-$W" /proc/net/unix || diag "no agent socket for $W yet"
snap agent --top 5
expect_rc 0 "a worker that imported leaktop_agent answers"
says "... via the agent, no thread paused" "$OUT" "^Snapshot of $W via agent: answered in [0-9]+ ms$" \
   "^Snapshot [0-9]+ of pid $W, CPython 3\.11\." '^Top types by count$'
diag "agent: $(answered)"
snap agent2 --top 5 --json
rcheck "... and a second snapshot through it has a diff" "$OUT" \
   "r['snapshot']['pid'] == $W and r['diff']['comparable'] is True"

done_testing
