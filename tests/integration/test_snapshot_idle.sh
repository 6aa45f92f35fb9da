#!/bin/bash
# leaktop snapshot on idle workers of CPython 3.12 (pyenv, when present),
# 3.13, 3.14 and 3.15 (Debian's, through tests/pythons.sh): a main thread
# that waits in accept(), select() or a lock for good while a second
# thread keeps objects is answered within 1 s, by the second thread (3.12
# and 3.13: the interpreter's own pending-call queue; 3.14+: the PEP 768
# request moved on to it); a worker whose every thread waits in C is
# explained within 1 s, each thread with its system call and Python frame,
# and the request is withdrawn (3.14+) or left queued (3.12, 3.13).
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/snapshot_lib.sh
. "$(dirname "$0")/snapshot_lib.sh"

IDLE=$TESTS_SRCDIR/integration/idle_target.py
MODES="accept select lock"
PER_VERSION=6
plan $((4 * PER_VERSION))
if [ "$(id -u)" -ne 0 ]; then
   skip_rest "needs root (ptrace into the worker)"
   done_testing
fi

# start_idle PYTHON MODE: idle_target.py in MODE; sets T_PID once it waits.
start_idle() {
   "$1" "$IDLE" "$2" >"$TEST_TMP/idle.out" 2>&1 </dev/null &
   T_PID=$!
   track "$T_PID"
   wait_for 20 grep -q ready "$TEST_TMP/idle.out" || bail "the idle target did not start: $(cat "$TEST_TMP/idle.out")"
   sleep 0.3
}

# main_in SYSCALL: the target's main thread is in that system call now.
main_in() {
   [ "$(cut -d' ' -f1 "/proc/$T_PID/syscall")" = "$1" ]
}

for v in 3.12 3.13 3.14 3.15; do
   if [ "$v" = 3.12 ]; then
      python=$(ls -d /root/.pyenv/versions/3.12.*/bin/python3.12 2>/dev/null | tail -n 1)
      if [ -z "$python" ]; then
         skip_n "$PER_VERSION" "CPython 3.12: no pyenv build here"
         continue
      fi
   else
      rc=0
      python=$(bash "$TESTS_SRCDIR/pythons.sh" "$v" 2>"$TEST_TMP/fetch.err") || rc=$?
      if [ "$rc" -ne 0 ]; then
         [ "$rc" -eq 77 ] || bail "tests/pythons.sh $v failed: $(cat "$TEST_TMP/fetch.err")"
         skip_n "$PER_VERSION" "CPython $v: $(tail -n 1 "$TEST_TMP/fetch.err")"
         continue
      fi
   fi
   case $v in
   3.12 | 3.13) route="pending call" fate="the request stays queued and runs when a thread next runs Python code" ;;
   *) route="remote exec (PEP 768)" fate="the request is withdrawn" ;;
   esac

   for mode in $MODES; do
      start_idle "$python" "$mode"
      case $mode in
      accept) call=288 ;; # accept4
      select) call=270 ;; # pselect6 (glibc's select)
      lock) call=202 ;;   # futex
      esac
      waiting=$(main_in "$call" && echo yes || echo "no: $(cat "/proc/$T_PID/syscall")")
      started=$(date +%s%N)
      snap "$mode$v" --top 100 --json --timeout 5
      took=$((($(date +%s%N) - started) / 1000000))
      rcheck "CPython $v, main thread in $mode ($waiting): answered in $took ms (< 1000), the Kept objects counted" "$OUT" \
         "{t[0]: t[1] for t in r['snapshot']['types']}.get('__main__.Kept', 0) > 0
          and r['snapshot']['leaktop_route'] == '$route' and $took < 1000 and '$waiting' == 'yes'"
      diag "CPython $v, $mode: $took ms"
      kill "$T_PID"
   done

   start_idle "$python" idle
   started=$(date +%s%N)
   snap "idle$v" --top 5 --timeout 5
   took=$((($(date +%s%N) - started) / 1000000))
   ok "$([ "$RC" -eq 3 ] && [ "$took" -lt 1000 ] && echo 0 || echo 1)" \
      "CPython $v, every thread waiting in C: exit 3 within 1 s ($RC, $took ms)"
   says "... naming each thread's system call and Python frame, and what becomes of the request" "$ERR" \
      "^leaktop snapshot: every thread of $T_PID waits in C and none has woken for 0\.[5-9] s: thread $T_PID in accept4\(\), under socket\.accept \(.*/socket\.py:[0-9]+\); thread [0-9]+ in futex\(\) \(a lock or a join\), under Condition\.wait \(.*/threading\.py:[0-9]+\); $fate$"
   ok "$(free_running "$T_PID" && echo 0 || echo 1)" "... and the worker is left running, no thread stopped, TracerPid 0"
   kill "$T_PID"
done

done_testing
