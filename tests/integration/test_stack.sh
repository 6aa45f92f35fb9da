#!/bin/bash
# leaktop stack on real targets: a Python program with threads in known
# functions at known lines, a C program with known frames, a native
# process; refusals; and the target is never left stopped, even when
# leaktop is killed while it holds the threads.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stack_lib.sh
. "$(dirname "$0")/stack_lib.sh"

plan 51

start_python "$SYS_PY" || bail "the Python target did not start: $(cat "$TEST_TMP/target.out")"

run merged stack "$PY_PID"
is_rc 0 "stack of a Python 3.11 process"
check "the header names the process and CPython 3.11" grep -Eq "^Process $PY_PID .*CPython 3\.11" "$OUT"
thread_block "$OUT" "mid_sleep" >"$TEST_TMP/main.txt"
check "main thread: leaf_sleep at its line" grep -q "^  leaf_sleep ($SCRIPT:$(line SLEEP))" "$TEST_TMP/main.txt"
check "main thread: mid_sleep and <module> at their lines" \
   grep -q -e "^  mid_sleep ($SCRIPT:$(line MID))" -e "^  <module> ($SCRIPT:$(line MAIN))" "$TEST_TMP/main.txt"
check "main thread: Python frames innermost first" above "$TEST_TMP/main.txt" leaf_sleep '<module>'
check "main thread: the thread line says it sleeps" grep -Eq "^Thread $PY_PID \(.*\) sleeping" "$TEST_TMP/main.txt"
check "main thread: libc's clock_nanosleep under time.sleep" \
   above "$TEST_TMP/main.txt" '^  clock_nanosleep+0x[0-9a-f]* (libc.so.6)' leaf_sleep
check "main thread: native frames outside Python too (Py_BytesMain, __libc_start_main)" \
   above "$TEST_TMP/main.txt" '<module>' '__libc_start_main'
check "main thread: no eval-loop frame left unmerged" bash -c "! grep -q _PyEval_EvalFrameDefault '$TEST_TMP/main.txt'"
thread_block "$OUT" "reader \(" >"$TEST_TMP/reader.txt"
check "reader thread: reader at its line, under libc recv" \
   above "$TEST_TMP/reader.txt" '(libc.so.6)' "^  reader ($SCRIPT:$(line RECV))"
check "reader thread: threading's Thread.run below it" above "$TEST_TMP/reader.txt" reader 'Thread.run (.*threading.py:[0-9]*)'
thread_block "$OUT" "spin \(" >"$TEST_TMP/spin.txt"
# The loop's backward jump may carry the `while` line: either line of the loop.
check "spinner thread: spin at its loop, running, holding the GIL" \
   grep -q -e "^  spin ($SCRIPT:$(line SPIN))" -e "^  spin ($SCRIPT:$(($(line SPIN) - 1)))" "$TEST_TMP/spin.txt"
check "spinner thread: the only [GIL] holder" bash -c "grep -q 'running \[GIL\]' '$TEST_TMP/spin.txt' && [ \$(grep -c '\[GIL\]' '$OUT') -eq 1 ]"
check "unknown native code shows as module+offset, never a wrong neighbour" \
   grep -Eq '^  python3\.11\+0x[0-9a-f]+$' "$OUT"
check "target running again after the dump" not_stopped "$PY_PID"

run json stack --json "$PY_PID"
check "--json: valid, with Python frames, lines and native modules" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["pid"] == int(sys.argv[2]) and d["python"].startswith("3.11") and d["native"]
frames = [f for t in d["threads"] for f in t["frames"]]
py = [f for f in frames if f["kind"] == "python"]
assert any(f["function"] == "leaf_sleep" and f["line"] == int(sys.argv[3]) for f in py), py
assert any(f["kind"] == "native" and f["module"] == "libc.so.6" for f in frames)
assert sum(t["gil"] for t in d["threads"]) == 1
' "$OUT" "$PY_PID" "$(line SLEEP)"

check "--python-only, 40 times: no thread of the target was ever stopped" \
   never_stopped "$PY_PID" 40
run pyonly stack --python-only --json "$PY_PID"
check "--python-only: Python frames, no native ones" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["native"] and d["pause_ms"] is None
kinds = {f["kind"] for t in d["threads"] for f in t["frames"]}
assert kinds == {"python"}, kinds
' "$OUT"

# ---- other interpreters, when this machine has them -----------------------------
for v in 3.12 3.13; do
   other=$(ls -d /root/.pyenv/versions/"$v".*/bin/python"$v" 2>/dev/null | tail -n 1)
   if [ -z "$other" ] || [ ! -x "$other" ]; then
      ok 0 "# SKIP CPython $v: no pyenv build here"
      continue
   fi
   kill "$PY_PID"
   start_python "$other" || bail "the $v target did not start"
   run "py$v" stack "$PY_PID"
   check "CPython $v (pyenv, libpython): frames, lines and time.sleep's native frames" \
      above "$OUT" '^  clock_nanosleep' "^  leaf_sleep ($SCRIPT:$(line SLEEP))"
done

# ---- a C program and a native process ------------------------------------------
CSRC=$TEST_TMP/known.c
cat >"$CSRC" <<'C'
#include <unistd.h>
void c_leaf(void) { for (;;) pause(); }
void c_middle(void) { c_leaf(); }
int main(void) { c_middle(); return 0; }
C
if command -v gcc >/dev/null && gcc -g -O0 -o "$TEST_TMP/known" "$CSRC"; then
   "$TEST_TMP/known" &
   C_PID=$!
   track "$C_PID"
   sleep 0.2
   run cprog stack "$C_PID"
   is_rc 0 "a C program: native stacks"
   check "a C program: c_leaf, c_middle, main innermost first" \
      bash -c "grep -A3 '^  pause' '$OUT' | grep -q c_leaf && grep -A1 c_leaf '$OUT' | grep -q c_middle && grep -A1 c_middle '$OUT' | grep -q main"
   check "a C program: no CPython in the header" bash -c "! grep -q CPython '$OUT'"
   run cpy stack --python-only "$C_PID"
   is_rc 1 "--python-only on a C program is refused"
   check "the refusal says it is not Python and what to do" grep -q "not a Python process.*leave out --python-only" "$ERR"
else
   skip_rest "gcc is missing"
   done_testing
fi

# ---- a thread the kernel holds: never left stopped ------------------------------
# A vfork parent sleeps killable, where PTRACE_INTERRUPT cannot stop it,
# until the child exits (3 s, longer than the 2 s stop timeout). A profile
# must release it as soon as it stops, not when leaktop exits.
cat >"$TEST_TMP/vfork.c" <<'C'
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void) {
   puts("ready");
   fflush(stdout);
   if (vfork() == 0) {
      struct timespec t = {3, 0};
      nanosleep(&t, NULL);
      _exit(0);
   }
   puts("back");
   fflush(stdout);
   for (;;)
      pause();
}
C
gcc -O0 -o "$TEST_TMP/vfork" "$TEST_TMP/vfork.c"
"$TEST_TMP/vfork" >"$TEST_TMP/vfork.out" &
V_PID=$!
track "$V_PID"
wait_for 5 grep -q ready "$TEST_TMP/vfork.out"
"$LEAKTOP" stack "$V_PID" --duration 7 --rate 20 >"$TEST_TMP/vprof.out" 2>&1 &
V_LT=$!
track "$V_LT"
check "a thread stuck in the kernel is released once it stops, while leaktop still samples" \
   bash -c "for i in \$(seq 50); do grep -q back '$TEST_TMP/vfork.out' && break; sleep 0.1; done
            grep -q back '$TEST_TMP/vfork.out' && kill -0 $V_LT"
wait "$V_LT"
check "the profile of the vfork parent has its frames (vfork, then pause)" grep -q pause "$TEST_TMP/vprof.out"
kill "$V_PID"

# ---- refusals ---------------------------------------------------------------------
pid=$(($(cat /proc/sys/kernel/pid_max) - 1))
while [ -e "/proc/$pid" ]; do pid=$((pid - 1)); done
run nopid stack "$pid"
is_rc 1 "nonexistent PID"
check "nonexistent PID: the message names it" grep -q "process $pid does not exist" "$ERR"
run nopidarg stack
is_rc 2 "no PID: usage error"
run help stack --help
check "stack --help documents --python-only and --json" grep -q -e '--python-only' -e '--json' "$OUT"
run kthread stack 2
is_rc 1 "a kernel thread is refused"
check "the kernel-thread refusal says why" grep -q "kernel thread" "$ERR"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
   RC=0
   timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$(readable_copy "$LEAKTOP")" stack "$PY_PID" \
      >"$TEST_TMP/nobody.out" 2>"$TEST_TMP/nobody.err" || RC=$?
   ERR=$TEST_TMP/nobody.err
   is_rc 1 "user nobody on root's process: refused"
   check "the refusal names the reason (uid, CAP_SYS_PTRACE) and the remedy" \
      grep -q "not permitted.*uid 0.*CAP_SYS_PTRACE.*run leaktop as root" "$ERR"
else
   ok 0 "# SKIP needs root and setpriv"
   ok 0 "# SKIP needs root and setpriv"
fi

# ---- a sampled profile ---------------------------------------------------------------
# One thread spends 3/4 of its time in share_a and 1/4 in share_b, in
# random-length turns: a fixed 40 ms cycle would alias with a 50 Hz sampler
# and put every sample in the same function.
PROF=$TEST_TMP/shares.py
cat >"$PROF" <<'PY'
import random, threading, time

def busy(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass

def share_a():
    busy(random.uniform(0.02, 0.04))

def share_b():
    busy(random.uniform(0.02, 0.04) / 3)

def work():
    while True:
        share_a()
        share_b()

threading.Thread(target=work, name="worker", daemon=True).start()
print("ready", flush=True)
time.sleep(1000)
PY
"$SYS_PY" "$PROF" >"$TEST_TMP/shares.out" 2>&1 &
S_PID=$!
track "$S_PID"
wait_for 15 grep -q ready "$TEST_TMP/shares.out"
# share F FOLDED: the percentage of worker samples in function F.
share() {
   awk -v f="$1 (" '/share_[ab] \(/ {n = $NF; all += n; if (index($0, f)) hit += n}
      END {if (all) printf "%d\n", 100 * hit / all; else print -1}' "$2"
}
folded_ok() {
   awk 'NF < 2 || $NF !~ /^[0-9]+$/ {bad = 1} END {exit bad || NR == 0}' "$1" &&
      grep -q ';' "$1"
}
for mode in native python-only; do
   flag=
   [ "$mode" = python-only ] && flag=--python-only
   run "prof-$mode" stack "$S_PID" $flag --duration 3 --rate 50 --folded "$TEST_TMP/$mode.folded"
   is_rc 0 "profile ($mode): 3 s at 50 Hz"
   check "profile ($mode): the folded file is 'frame;frame;... count' per line" folded_ok "$TEST_TMP/$mode.folded"
   a=$(share share_a "$TEST_TMP/$mode.folded")
   check "profile ($mode): share_a has about 3/4 of the worker's samples (got $a%)" \
      test "$a" -ge 60 -a "$a" -le 90
done
check "profile: the top stacks list share_a with a percentage" \
   bash -c "grep -Eq '^#[0-9]+ +[0-9.]+%' '$OUT' && grep -q '^  share_a (' '$OUT'"
check "profile (native): the pause per thread is reported" grep -q "Pause per thread per sample: median" "$TEST_TMP/prof-native.out"
# time.perf_counter runs in the vDSO, which has no file: its unwind table is
# read from the target's memory, and the stack goes on through libc.
in_vdso_complete() {
   grep -q '\[vdso\]' "$1" &&
      ! grep '\[vdso\]' "$1" | grep -Evq '^(libc\.so\.6\+0x[0-9a-f]+|clone3? \(libc\.so\.6\));'
}
check "profile (native): stacks caught in the vDSO unwind to the thread's start in libc" \
   in_vdso_complete "$TEST_TMP/native.folded"

# SIGKILL in the middle of a profile, 10 times.
bad=0
for i in $(seq 10); do
   "$LEAKTOP" stack "$S_PID" --duration 10 --rate 200 >/dev/null 2>&1 &
   lt=$!
   sleep "0.$((RANDOM % 5 + 2))"
   kill -KILL "$lt" 2>/dev/null
   wait "$lt" 2>/dev/null
   if ! wait_for 2 not_stopped "$S_PID" ||
      ! grep -q '^TracerPid:[[:space:]]*0$' /proc/"$S_PID"/status; then
      bad=$((bad + 1))
   fi
done
ok "$bad" "SIGKILL mid-profile, 10 times: the target never stays stopped or traced"
check "the profiled target still runs" alive "$S_PID"
kill "$S_PID"

# ---- faults: leaktop killed while it holds the threads --------------------------
# exec'd PID: PID runs leaktop itself, no longer the forked shell (a signal
# there would run this script's traps in the child).
execd() {
   [[ $(<"/proc/$1/comm") == leaktop ]] 2>/dev/null
}
# interrupt SIGNAL ROUNDS: runs leaktop stack on the target ROUNDS times and
# sends SIGNAL 0-9 ms after it starts; sets BAD (rounds after which a thread
# stayed stopped or traced) and KILLED (rounds the signal cut short).
interrupt() {
   local sig=$1 rounds=$2 i lt rc
   BAD=0 KILLED=0
   for i in $(seq "$rounds"); do
      "$LEAKTOP" stack "$PY_PID" >/dev/null 2>&1 &
      lt=$!
      until execd "$lt" || ! alive "$lt"; do :; done
      sleep "0.00$((i % 10))"
      kill -"$sig" "$lt" 2>/dev/null
      rc=0
      wait "$lt" 2>/dev/null || rc=$?
      [ "$rc" -gt 128 ] && KILLED=$((KILLED + 1))
      if ! wait_for 2 not_stopped "$PY_PID" ||
         ! grep -q '^TracerPid:[[:space:]]*0$' /proc/"$PY_PID"/status; then
         BAD=$((BAD + 1))
      fi
   done
}
kill "$PY_PID"
start_python "$SYS_PY" 40 || bail "the 42-thread target did not start"
interrupt KILL 20
ok "$BAD" "SIGKILL of leaktop mid-dump, 20 times: the target never stays stopped or traced"
diag "$KILLED of 20 runs were killed before they finished"
check "the target still runs" alive "$PY_PID"
interrupt TERM 10
ok "$BAD" "SIGTERM mid-dump, 10 times: the target is released every time"
diag "$KILLED of 10 runs ended by SIGTERM"
run after stack "$PY_PID"
is_rc 0 "a dump after all that works (nothing left attached)"
check "it still shows the 42 threads' frames" bash -c "[ \$(grep -c '^  leaf_sleep' '$OUT') -eq 41 ]"

done_testing
