#!/bin/bash
# leaktop snapshot on Debian's own CPython 3.13 (trixie: the pending-call
# queue), 3.14 and 3.15 (sid: PEP 768 remote execution), fetched by
# tests/pythons.sh and run through their own loader: the route each takes,
# a retained class growing in the diff, native growth, the worker
# untouched; and a 3.14 or 3.15 started with -X disable-remote-debug
# refused with the reason; a request that times out stays queued on 3.13
# and is withdrawn on 3.14 and 3.15, as leaktop says. Skipped only when
# the Debian mirror cannot be reached.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/snapshot_lib.sh
. "$(dirname "$0")/snapshot_lib.sh"

PER_VERSION=10
plan $((3 * PER_VERSION + 2 * 3))
if [ "$(id -u)" -ne 0 ]; then
   skip_rest "needs root (ptrace into the worker)"
   done_testing
fi


for v in 3.13 3.14 3.15; do
   rc=0
   python=$(bash "$TESTS_SRCDIR/pythons.sh" "$v" 2>"$TEST_TMP/fetch.err") || rc=$?
   n=$PER_VERSION
   [ "$v" = 3.13 ] || n=$((n + 3))
   if [ "$rc" -ne 0 ]; then
      [ "$rc" -eq 77 ] || bail "tests/pythons.sh $v failed: $(cat "$TEST_TMP/fetch.err")"
      skip_n "$n" "CPython $v: $(tail -n 1 "$TEST_TMP/fetch.err")"
      continue
   fi
   case $v in
   3.13) route="pending call" ;;
   *) route="remote exec (PEP 768)" ;;
   esac
   route_re=${route//(/\\(}
   route_re=${route_re//)/\\)}

   start_target "$python"
   send "retain 5000"
   snap "first$v" --top 10
   expect_rc 0 "CPython $v: a first snapshot"
   says "CPython $v: through the $route, the 5000 Retained counted" "$OUT" \
      "^Snapshot of $T_PID via $route_re: answered in [0-9]+ ms, 3 threads paused [0-9.]+ ms at most$" \
      "^Snapshot [0-9]+ of pid $T_PID, CPython ${v/./\\.}\." '^ +5000 +[0-9.]+[BKMG]  __main__\.Retained$'
   diag "CPython $v, one snapshot: $(answered)"

   send "retain 150000"
   snap "second$v" --top 10 --json
   expect_rc 0 "CPython $v: a second snapshot, --json"
   rcheck "CPython $v: Retained tops the type diff, 5000 -> 155000, a python growth" "$OUT" \
      "{k: r['diff']['types'][0][k] for k in ('name', 'before', 'before_known', 'after', 'delta')}
          == {'name': '__main__.Retained', 'before': 5000,
          'before_known': True, 'after': 155000, 'delta': 150000}
       and r['diff']['verdict'] == 'python growth'"

   send "native 24"
   snap "native$v" --top 10 --json
   rcheck "CPython $v: 24 MiB malloc'd through ctypes is native growth" "$OUT" \
      "r['diff']['verdict'] == 'native growth' and r['diff']['rss_delta_kib'] >= 20 * 1024
       and abs(r['diff']['allocated_blocks_percent']) < 1"
   diag "CPython $v: $("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["diff"]["verdict_text"])' "$OUT")"

   snap "tm$v" --top 5 --start-tracemalloc
   send "alloc 2000"
   snap "lines$v" --top 5 --json
   rcheck "CPython $v: with tracemalloc started, the allocating line tops the line diff" "$OUT" \
      "r['diff']['lines'][0]['file'] == '$TARGET' and r['diff']['lines'][0]['line'] == $ALLOC_LINE
       and r['diff']['lines'][0]['size_delta'] >= 2000 * 4096"
   untouched "CPython $v: no sys.last_*, no new name in __main__, no exception in its loop"
   runs_on "CPython $v: its loop and its second thread run, none stopped, TracerPid 0"

   # A main thread asleep in C for 2 s, then looping in Python.
   "$python" -c 'import time
time.sleep(2)
while True:
    time.sleep(0.01)' </dev/null >/dev/null 2>&1 &
   T_PID=$!
   track "$T_PID"
   sleep 0.3
   # Within 0.4 s: the timeout, before leaktop's verdict that every thread
   # waits in C (0.5 s without a wake-up; test_snapshot_idle.sh).
   snap "late$v" --top 5 --timeout 0.4
   case $v in
   3.13) fate="the request stays queued and runs when a thread next runs Python code" ;;
   *) fate="the request is withdrawn" ;;
   esac
   ok "$([ "$RC" -eq 3 ] && grep -q "^leaktop snapshot: no answer within 0.4 s; $fate$" "$ERR" &&
      echo 0 || echo 1)" "CPython $v, main thread asleep: exit 3, '$fate'"
   diag "$(cat "$ERR")"
   sleep 2.2
   results=$(find "/tmp/leaktop-$(id -u)" -name "snapshot-$T_PID-*.json" | wc -l)
   [ "$v" = 3.13 ] && want=1 || want=0
   ok "$([ "$results" -eq "$want" ] && echo 0 || echo 1)" \
      "CPython $v: once awake, the worker wrote $want result file(s) for it ($results)"
   find "/tmp/leaktop-$(id -u)" -name "snapshot-$T_PID-*.json" -delete

   if [ "$v" != 3.13 ]; then
      start_target "$python" -X disable-remote-debug
      snap "disabled$v" --top 5
      expect_rc 1 "CPython $v -X disable-remote-debug: refused"
      says "... saying remote debugging is off and what else works" "$ERR" \
         '^leaktop snapshot: remote debugging is turned off in this interpreter .*-X disable-remote-debug.*leaktop honours that: use the agent instead'
      runs_on "... and the worker runs on, none of its threads stopped, TracerPid 0"
   fi
done

done_testing
