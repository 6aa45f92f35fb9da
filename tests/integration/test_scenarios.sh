#!/bin/bash
# The growth classifier on real processes: five pre-fork trees on loopback,
# all watched by ONE leaktop --batch run (the classifier's clocks are in
# seconds, so a faster tick does not shorten the wait: the trees share it).
#   A  scenario_server.py: idle-leak (grows while idle), stable, cache
#      (bounded: plateau), payload (large transient buffers: spikes)
#   B  scenario_server.py: per-request retention, stable
#   C  scenario_server.py: per-request retention at a perfectly constant rate
#      (time and traffic cannot be told apart: inconclusive), stable
#   D  Debian's gunicorn, scenario_app.py: per-request retention, stable
#   E  scenario_server.py: four large flat workers (worker multiplication)
# scenario_load.py drives each worker with bursts and idle gaps (C's grower:
# a steady rate); every request is a line with the worker's PID in one access
# log, leaktop's traffic source. A second run on tree A uses the automatic
# (cpu) source.
#
# Scaled for CI: SCENARIO_RATE KiB/min of growth (default 3 MiB/min), ticks
# of SCENARIO_TICK s, SCENARIO_SECONDS of watching. bench/scenarios.sh runs
# the full-length variant (1 MiB/min, 1 s ticks) through this same script.
. "$(dirname "$0")/lib.sh"

GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
RATE=${SCENARIO_RATE:-3072}
TICK=${SCENARIO_TICK:-0.5}
WATCH=${SCENARIO_SECONDS:-280}
TICKS=$(awk "BEGIN { print int($WATCH / $TICK) }")
# Bursty load serves 64 requests a minute, the constant one 4 a second:
# the KiB kept per request that make RATE KiB/min.
PER_BURSTY=$((RATE / 64))
PER_CONSTANT=$((RATE / 240))

plan 30
[ -x "$GUNICORN" ] || { skip_rest "$GUNICORN not installed (apt-get install gunicorn)"; done_testing; }

LOG=$TEST_TMP/access.log
: >"$LOG"

# start_scenario NAME ROLE...: a scenario_server.py tree; sets NAME (the
# master's PID), NAME_PORTS and NAME_PIDS (the workers', in ROLE order).
start_scenario() {
   local name=$1 out=$TEST_TMP/$1.out
   shift
   "$SYS_PY" "$TESTS_SRCDIR/integration/scenario_server.py" --access-log "$LOG" "$@" \
      >"$out" 2>"$TEST_TMP/$name.err" </dev/null &
   track $!
   printf -v "$name" %s $!
   wait_for 20 grep -qs '^PIDS ' "$out" ||
      bail "scenario server $name did not start: $(cat "$TEST_TMP/$name.err")"
   printf -v "${name}_PORTS" %s "$(sed -n 's/^PORTS //p' "$out")"
   printf -v "${name}_PIDS" %s "$(sed -n 's/^PIDS //p' "$out")"
}

start_scenario A "idle-leak:$RATE" stable cache:100:6144 payload:40
start_scenario B "per-request:$PER_BURSTY" stable
start_scenario C "per-request:$PER_CONSTANT" stable
# 64 MiB each: TreeVerdict's "large" worker.
start_scenario E large:64 large:64 large:64 large:64
export SCENARIO_GROWER_FILE=$TEST_TMP/gunicorn.grower SCENARIO_RETAIN_KIB=$PER_BURSTY
GUNICORN_APP=scenario_app:app start_gunicorn 2 --access-logfile "$LOG" \
   --access-logformat '%(p)s %(r)s %(s)s'
D=$G
read -r A_LEAK A_STABLE A_CACHE A_PAYLOAD <<<"$A_PIDS"
read -r B_GROWER B_STABLE <<<"$B_PIDS"
read -r C_GROWER C_STABLE <<<"$C_PIDS"
wait_for 10 test -s "$SCENARIO_GROWER_FILE" || bail "no gunicorn worker claimed the grower role"
D_GROWER=$(cat "$SCENARIO_GROWER_FILE")
D_STABLE=$(cat /proc/"$D"/task/*/children | tr ' ' '\n' | grep -vx "$D_GROWER" | tr -d '\n')

# Every worker's first requests allocate for good (imports, buffers): warm up.
# shellcheck disable=SC2086,SC2153 # port lists; PORT is start_gunicorn's
"$PY" -c 'import sys, urllib.request as u
for port in sys.argv[1:]:
    for _ in range(4):
        u.urlopen("http://127.0.0.1:%s/" % port, timeout=10).read()' \
   $A_PORTS $B_PORTS $C_PORTS $E_PORTS "$PORT" "$PORT" "$PORT" || bail "warm-up failed"

targets=()
for port in $A_PORTS $B_PORTS $E_PORTS; do targets+=("$port:bursty"); done
read -r port port_stable <<<"$C_PORTS"
targets+=("$port:constant:4" "$port_stable:bursty" "$PORT:bursty:2")

OUT=$TEST_TMP/scenarios.jsonl
leaktop_bg "$TEST_TMP/cpu.jsonl" --batch -d "$TICK" -n "$TICKS" -p "$A"
CPU_PID=$LT_PID
leaktop_bg "$OUT" --batch -d "$TICK" -n "$TICKS" -p "$A,$B,$C,$D,$E" --traffic "log:$LOG"
rc=0
timeout -k 5 $((WATCH + 60)) "$PY" "$TESTS_SRCDIR/integration/scenario_load.py" "$WATCH" \
   "${targets[@]}" >"$TEST_TMP/load.out" || rc=$?
ok "$rc" "load: every request answered ($(awk '{ n += $2 } END { print n }' "$TEST_TMP/load.out") in ${WATCH} s)"
leaktop_done 60 "leaktop --batch on the five trees exits 0"
LT_PID=$CPU_PID LT_OUT=$TEST_TMP/cpu.jsonl leaktop_done 30 "leaktop --batch with the cpu source exits 0"
jcheck "batch output follows the schema" "$OUT" 'not schema_errors()' 'schema_errors()[:10]'

TABLE=()
# expect NAME WANT [never] PID...: every PID's verdict at the end of the run
# is WANT, held from some tick on (the run is under 5 minutes); with never,
# no tick called any of them growing. Records the time to the verdict.
expect() {
   local name=$1 want=$2 never=0
   shift 2
   [ "$1" = never ] && never=1 && shift
   export WANT=$want PIDQ="$*"
   jcheck "$name: $want" "$OUT" \
      'all(settled_at(verdicts(p), env("WANT")) is not None for p in envints("PIDQ"))' \
      '[(p, changes(verdicts(p))) for p in envints("PIDQ")]'
   [ "$never" -eq 0 ] || jcheck "$name: never grows with time or traffic at any tick" "$OUT" \
      'not any(ever_grows(p) for p in envints("PIDQ"))' \
      '[(p, changes(verdicts(p))) for p in envints("PIDQ")]'
   record "$name" "$want" 'max(settled_at(verdicts(p), env("WANT")) or float("inf") for p in envints("PIDQ"))'
}
# expect_tree NAME WANT ROOT: the tree's verdict at the end of the run.
expect_tree() {
   export WANT=$2 ROOTQ=$3
   jcheck "tree $1: $2" "$OUT" 'settled_at(tree_verdicts(envint("ROOTQ")), env("WANT")) is not None' \
      'changes(tree_verdicts(envint("ROOTQ")))'
   record "tree $1" "$2" 'settled_at(tree_verdicts(envint("ROOTQ")), env("WANT")) or float("inf")'
}
# record NAME WANT EXPR: a row of the time-to-verdict table, EXPR's seconds.
record() {
   TABLE+=("$(printf '%-26s %-32s %8.0f s' "$1" "$2" "$(jq_ "$OUT" "$3")")")
}

expect "idle accumulation" "grows with time" "$A_LEAK"
expect "stable control (A)" stable never "$A_STABLE"
expect "bounded cache" plateau never "$A_CACHE"
expect "large transient payloads" spikes never "$A_PAYLOAD"
expect "per-request retention" "grows with traffic" "$B_GROWER"
expect "stable control (B)" stable never "$B_STABLE"
expect "constant traffic" "inconclusive: traffic constant" never "$C_GROWER"
expect "stable control (C)" stable never "$C_STABLE"
expect "gunicorn per-request" "grows with traffic" "$D_GROWER"
expect "gunicorn stable control" stable never "$D_STABLE"
# shellcheck disable=SC2086 # one PID per word
expect "many large flat workers" stable never $E_PIDS
export PIDQ="$A $B $C $D $E"
jcheck "no master ever grows" "$OUT" 'not any(ever_grows(p) for p in envints("PIDQ"))' \
   '[(p, changes(verdicts(p))) for p in envints("PIDQ")]'
expect_tree A "one worker grows" "$A"
expect_tree B "one worker grows" "$B"
expect_tree D "one worker grows" "$D"
expect_tree E "worker multiplication" "$E"

# The automatic source: CPU time, here a weak signal (a request costs well
# under a millisecond), yet growth while idle is still growth with time.
export PIDQ=$A_LEAK WANT="grows with time"
jcheck "cpu source: idle accumulation grows with time" "$TEST_TMP/cpu.jsonl" \
   'settled_at(verdicts(envint("PIDQ")), env("WANT")) is not None' 'changes(verdicts(envint("PIDQ")))'
export PIDQ="$A_STABLE $A_CACHE $A_PAYLOAD"
jcheck "cpu source: stable, cache and payload never grow" "$TEST_TMP/cpu.jsonl" \
   'not any(ever_grows(p) for p in envints("PIDQ"))' '[(p, changes(verdicts(p))) for p in envints("PIDQ")]'

diag "time to the correct verdict (held to the end; growth $RATE KiB/min, tick $TICK s):"
for row in "${TABLE[@]}"; do diag "TTV $row"; done

done_testing
