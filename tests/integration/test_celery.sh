#!/bin/bash
# leaktop --batch against Debian's celery: a prefork pool of three children
# under a worker's main process, its broker Debian's redis-server on a
# loopback port of the test's; one child retains memory per task
# (celery_tasks.py). The traffic source is io: read syscalls per process,
# which a prefork child makes two of per task (it reads each message from
# its own inqueue pipe, a length then the body) and none while idle, so
# tasks per child are counted without touching the worker. Checks the roles,
# reads against the tasks each child ran (from the worker's log), and the
# verdicts: the grower grows with traffic, the other children and the main
# process stay stable.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/grower_lib.sh
. "$(dirname "$0")/grower_lib.sh"

REDIS=${REDIS:-/usr/bin/redis-server}
WATCH=${CELERY_SECONDS:-250}
TICK=0.5
# 2 s before the load and 8 s after it, for the queue to drain.
TICKS=$(awk "BEGIN { print int(($WATCH + 10) / $TICK) }")
plan 13
if [ ! -x "$REDIS" ] || ! "$SYS_PY" -c 'import celery, redis' 2>/dev/null; then
   skip_rest "celery or redis is missing (apt-get install python3-celery python3-redis redis-server)"
   done_testing
fi

RPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REDIS" --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TEST_TMP" \
   >"$TEST_TMP/redis.log" 2>&1 </dev/null &
track $!
wait_for 10 grep -qs "Ready to accept connections" "$TEST_TMP/redis.log" ||
   bail "redis-server did not start: $(tail -n 5 "$TEST_TMP/redis.log")"

export CELERY_BROKER=redis://127.0.0.1:$RPORT/0 PYTHONPATH=$TESTS_SRCDIR/integration
export RETAIN_GROWER_FILE=$TEST_TMP/grower RETAIN_KIB=256
CLOG=$TEST_TMP/celery.log
"$SYS_PY" -m celery -A celery_tasks worker --pool prefork --concurrency 3 --loglevel INFO \
   --logfile "$CLOG" --without-mingle --without-gossip --without-heartbeat \
   >"$TEST_TMP/celery.out" 2>&1 </dev/null &
C=$!
track "$C"
wait_for 30 grep -qs "celery@.* ready" "$CLOG" || bail "celery did not start: $(tail -n 5 "$CLOG" "$TEST_TMP/celery.out")"
wait_for 10 has_children "$C" 3 || bail "celery did not fork 3 pool children"
WORKERS=$(cat /proc/"$C"/task/*/children | tr '\n' ' ')
export C WORKERS

# succeeded [FROM]: "PID TASKS" per child, from the worker's log lines from line FROM on.
succeeded() {
   tail -n +"${1:-1}" "$CLOG" | sed -n 's/.* succeeded in [0-9.e-]*s: \([0-9]*\)$/\1/p' | sort | uniq -c |
      awk '{ print $2, $1 }'
}
tasks_done() { [ "$(succeeded | awk '{ n += $2 } END { print n + 0 }')" -ge "$1" ]; }

# Warm-up: every child's first tasks allocate for good (imports, buffers).
"$SYS_PY" -c 'from celery_tasks import work
for _ in range(12):
    work.delay()' || bail "warm-up: tasks could not be sent"
wait_for 30 tasks_done 12 || bail "warm-up tasks not run: $(tail -n 5 "$CLOG")"
GROWER=$(cat "$RETAIN_GROWER_FILE")
STABLE=$(echo "$WORKERS" | tr ' ' '\n' | grep -vx "$GROWER" | xargs)
export GROWER STABLE
FROM=$(($(lines "$CLOG") + 1))

OUT=$TEST_TMP/celery.jsonl
leaktop_bg "$OUT" --batch -d "$TICK" -n "$TICKS" -p "$C" --traffic io
sleep 2
rc=0
SENT=$(timeout -k 5 $((WATCH + 60)) "$SYS_PY" "$TESTS_SRCDIR/integration/celery_load.py" "$WATCH" 2) || rc=$?
ok "$rc" "load: ${SENT:-no} tasks sent in ${WATCH} s"
rc=0
wait_for 20 tasks_done $((SENT + 12)) || rc=1
ok "$rc" "every task ran ($(succeeded | awk '{ n += $2 } END { print n + 0 }') of $((SENT + 12)))"
leaktop_done 60 "leaktop --batch --traffic io exits 0"
TASKS=$(succeeded "$FROM" | awk '{ printf "%s:%d ", $1, $2 }')
jcheck "batch output follows the schema" "$OUT" 'not schema_errors()' 'schema_errors()[:10]'
jcheck "one tree named celery, the worker's main process its root" "$OUT" \
   'len(last["trees"]) == 1 and tree(last, envint("C"))["name"] == "celery" and proc(last, envint("C"))["role"] == "master"' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "the 3 pool children: role worker, name celery" "$OUT" \
   'pids(last, envint("C"), "worker") == envints("WORKERS") and all(proc(last, w)["name"] == "celery" for w in envints("WORKERS"))' \
   '[(p["pid"], p["role"], p["name"]) for p in procs(last)]' 'envints("WORKERS")'
jcheck "the source is named: read syscalls, in reads" "$OUT" \
   'last["traffic_source"] == "read syscalls" and last["traffic_unit"] == "reads"' \
   '(last["traffic_source"], last["traffic_unit"])'
check_totals "each child's reads are twice the tasks it ran (the worker's log)" "$TASKS" 2
check_verdicts "$C" task

done_testing
