#!/bin/bash
# leaktop stack on Debian's own CPython 3.13 (trixie), 3.14 and 3.15 (sid),
# fetched and unpacked by tests/pythons.sh and run through their own
# dynamic loader (so /proc/PID/exe is ld.so and the interpreter is found
# in /proc/PID/maps): the same threaded target as test_stack.sh, with its
# functions, files, lines, the native frames around them and the GIL
# holder, merged and --python-only. Skipped only when the Debian mirror
# cannot be reached.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stack_lib.sh
. "$(dirname "$0")/stack_lib.sh"

PER_VERSION=17
VERSIONS="3.13 3.14 3.15"
plan $((PER_VERSION * 3))

# skip_n N REASON

# last_frame FILE: the last frame line of a thread block.
last_frame() {
   grep '^  ' "$1" | tail -n 1
}

for v in $VERSIONS; do
   rc=0
   python=$(bash "$TESTS_SRCDIR/pythons.sh" "$v" 2>"$TEST_TMP/fetch.err") || rc=$?
   if [ "$rc" -eq 77 ]; then
      skip_n "$PER_VERSION" "CPython $v: $(tail -n 1 "$TEST_TMP/fetch.err")"
      continue
   fi
   ok "$rc" "CPython $v from Debian: tests/pythons.sh $v"
   if [ "$rc" -ne 0 ]; then
      diag "$(cat "$TEST_TMP/fetch.err")"
      skip_n $((PER_VERSION - 1)) "no CPython $v"
      continue
   fi
   diag "$(head -n 1 "$(dirname "$python")/stamp")"
   if ! start_python "$python"; then
      ok 1 "CPython $v: the target starts and parks its threads"
      diag "$(cat "$TEST_TMP/target.out" "$TEST_TMP/ready.out")"
      skip_n $((PER_VERSION - 2)) "the CPython $v target did not start"
      continue
   fi
   ok 0 "CPython $v: the target starts and parks its threads"

   run "merged$v" stack "$PY_PID"
   is_rc 0 "CPython $v: stack"
   check "CPython $v: found through /proc/PID/maps while /proc/PID/exe is the loader" \
      bash -c "readlink /proc/$PY_PID/exe | grep -q 'ld-linux-x86-64.so.2$' &&
               grep -Eq '^Process $PY_PID .*CPython ${v/./\\.}\.[0-9]+' '$OUT'"

   thread_block "$OUT" "mid_sleep" >"$TEST_TMP/main.txt"
   check "CPython $v main thread: leaf_sleep, mid_sleep and <module> at their lines, innermost first" \
      bash -c "$(declare -f above); m='$TEST_TMP/main.txt'
               above \$m '^  leaf_sleep ($SCRIPT:$(line SLEEP))' '^  mid_sleep ($SCRIPT:$(line MID))' &&
               above \$m '^  mid_sleep' '^  <module> ($SCRIPT:$(line MAIN))'"
   check "CPython $v main thread: sleeping, in libc's clock_nanosleep under time.sleep" \
      bash -c "$(declare -f above); grep -Eq '^Thread $PY_PID \(.*\) sleeping' '$TEST_TMP/main.txt' &&
               above '$TEST_TMP/main.txt' '^  clock_nanosleep+0x[0-9a-f]* (libc.so.6)' '^  leaf_sleep'"
   check "CPython $v main thread: merged into the native stack, above PyEval_EvalCode and __libc_start_main" \
      bash -c "$(declare -f above); above '$TEST_TMP/main.txt' '<module>' '^  PyEval_EvalCode+' &&
               above '$TEST_TMP/main.txt' '^  PyEval_EvalCode+' '^  __libc_start_main+'"

   thread_block "$OUT" "reader \(" >"$TEST_TMP/reader.txt"
   check "CPython $v reader thread: reader at its line, under a libc frame (recv)" \
      above "$TEST_TMP/reader.txt" '(libc.so.6)' "^  reader ($SCRIPT:$(line RECV))"
   check "CPython $v reader thread: Thread.run and _bootstrap from threading.py, then native thread start" \
      bash -c "$(declare -f above last_frame); above '$TEST_TMP/reader.txt' '^  reader' 'Thread.run (.*/threading.py:[0-9]*)' &&
               above '$TEST_TMP/reader.txt' 'Thread.run' 'Thread._bootstrap (.*/threading.py:[0-9]*)' &&
               last_frame '$TEST_TMP/reader.txt' | grep -q 'libc\.so\.6'"

   thread_block "$OUT" "spin \(" >"$TEST_TMP/spin.txt"
   check "CPython $v spinner thread: spin in its loop, running, holding the GIL" \
      bash -c "grep -q -e '^  spin ($SCRIPT:$(line SPIN))' -e '^  spin ($SCRIPT:$(($(line SPIN) - 1)))' '$TEST_TMP/spin.txt' &&
               grep -q 'running \[GIL\]' '$TEST_TMP/spin.txt'"
   check "CPython $v: one [GIL] holder among the threads" test "$(grep -c '\[GIL\]' "$OUT")" -eq 1
   check "CPython $v: the target runs again after the dump" not_stopped "$PY_PID"

   run "json$v" stack --json "$PY_PID"
   check "CPython $v --json: version, Python frames with lines, libc frames, one GIL holder" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["pid"] == int(sys.argv[2]) and d["python"].startswith(sys.argv[3] + "."), d["python"]
frames = [f for t in d["threads"] for f in t["frames"]]
py = [f for f in frames if f["kind"] == "python"]
assert any(f["function"] == "leaf_sleep" and f["line"] == int(sys.argv[4]) for f in py), py
assert any(f["kind"] == "native" and f["module"] == "libc.so.6" for f in frames)
assert sum(t["gil"] for t in d["threads"]) == 1
' "$OUT" "$PY_PID" "$v" "$(line SLEEP)"

   run "pyonly$v" stack --python-only --json "$PY_PID"
   check "CPython $v --python-only: every thread's Python frames and lines, no native frames" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["native"] and d["pause_ms"] is None
frames = [f for t in d["threads"] for f in t["frames"]]
assert {f["kind"] for f in frames} == {"python"}
got = {(f["function"], f["line"]) for f in frames}
for want in [("leaf_sleep", int(sys.argv[2])), ("reader", int(sys.argv[3])), ("<module>", int(sys.argv[4]))]:
    assert want in got, (want, got)
assert sum(t["gil"] for t in d["threads"]) == 1
' "$OUT" "$(line SLEEP)" "$(line RECV)" "$(line MAIN)"
   check "CPython $v --python-only, 20 times: no thread of the target was ever stopped" \
      never_stopped "$PY_PID" 20

   # A profile of the same target: the folded stacks carry the merged frames.
   run "prof$v" stack "$PY_PID" --duration 1 --rate 50 --folded "$TEST_TMP/prof$v.folded"
   is_rc 0 "CPython $v: a 1 s profile at 50 Hz"
   check "CPython $v profile: the spinner's folded stack runs from native thread start to spin" \
      grep -Eq "Thread._bootstrap \(.*\);.*;spin \($SCRIPT:[0-9]+\) [0-9]+$" "$TEST_TMP/prof$v.folded"
   kill "$PY_PID"
   wait_gone 5 "$PY_PID"
done

done_testing
