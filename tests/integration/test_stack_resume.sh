#!/bin/bash
# The native path lets the target go before the slow work: while its
# threads are stopped leaktop only copies registers, stacks and Python
# frames; unwinding and symbol lookup (which open the target's ELF files,
# libunwind through /proc/PID/maps, the symbolizer through /proc/PID/root)
# run after every thread is detached. Seen from outside with strace: the
# order of leaktop's ptrace and openat system calls.
. "$(dirname "$0")/lib.sh"

plan 7

if ! command -v strace >/dev/null; then
   skip_rest "strace is not installed"
   done_testing
fi

SCRIPT=$TEST_TMP/target.py
cat >"$SCRIPT" <<'PY'
import threading, time

def crunch():
    while True:
        sum(range(10000))

threading.Thread(target=crunch, daemon=True).start()
print("ready", flush=True)
time.sleep(1000)
PY
"$SYS_PY" "$SCRIPT" >"$TEST_TMP/target.out" 2>&1 </dev/null &
T_PID=$!
track "$T_PID"
wait_for 15 grep -q ready "$TEST_TMP/target.out" || bail "the target did not start"

# traced NAME ARGS...: leaktop ARGS under strace; its trace in $TEST_TMP/NAME.trace.
traced() {
   local name=$1
   shift
   RC=0
   OUT=$TEST_TMP/$name.out
   TRACE=$TEST_TMP/$name.trace
   # LeakSanitizer (--enable-sanitizers) cannot run under a tracer.
   ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
      timeout -k 5 60 strace -o "$TRACE" -e trace=ptrace,openat "$LEAKTOP" "$@" >"$OUT" 2>&1 ||
      RC=$?
}

# stopped_opens TRACE: the files opened while any thread was seized (from a
# PTRACE_SEIZE to the PTRACE_DETACH of the last thread seized), but the
# thread list, one per line.
stopped_opens() {
   awk '/ptrace\(PTRACE_SEIZE, [0-9]+/ { seized++ }
        /ptrace\(PTRACE_DETACH, [0-9]+/ { seized-- }
        seized > 0 && /openat\(/ && !/"\/proc\/[0-9]+\/task"/ { print }' "$1"
}

# windows TRACE: how many stop windows (all threads seized, then all detached).
windows() {
   awk '/ptrace\(PTRACE_SEIZE/ { if (!seized) n++; seized++ }
        /ptrace\(PTRACE_DETACH/ { seized-- }
        END { print n + 0 }' "$1"
}

traced dump stack "$T_PID"
ok "$RC" "leaktop stack under strace (exit $RC)"
check "the dump has Python frames and named native frames" \
   eval "grep -q '^  crunch (' '$OUT' && grep -q '^  clock_nanosleep+0x[0-9a-f]* (libc.so.6)' '$OUT'"
threads=$(ls /proc/"$T_PID"/task | wc -l)
seized=$(grep -Ec "ptrace\(PTRACE_SEIZE, [0-9]+, NULL, 0\) += 0$" "$TRACE")
detached=$(grep -Ec "ptrace\(PTRACE_DETACH, [0-9]+, NULL, 0\) += 0$" "$TRACE")
check "each of the $threads threads seized once and detached once ($seized, $detached)" \
   test "$seized" -eq "$threads" -a "$detached" -eq "$threads"
opened=$(stopped_opens "$TRACE")
check "nothing is opened while the threads are stopped" test -z "$opened"
diag "$opened"
# The unwinder's and the symbolizer's ELF files, opened after the detach.
after=$(awk '/ptrace\(PTRACE_DETACH/ { d++ } d == '"$threads"' && /openat\(.*"\/proc\/[0-9]+\/root\/.*libc\.so/ { n++ }
   END { print n + 0 }' "$TRACE")
check "libc's ELF file, whose symbols name the frames, is read after the last detach ($after opens)" \
   test "$after" -ge 1

# A profile: the same order in every sample.
traced prof stack "$T_PID" --duration 0.5 --rate 50
ok "$RC" "a 0.5 s profile under strace (exit $RC, $(windows "$TRACE") samples)"
opened=$(stopped_opens "$TRACE")
check "in none of its samples is anything opened while the threads are stopped" \
   test -z "$opened" -a "$(windows "$TRACE")" -ge 5
diag "$opened"

done_testing
