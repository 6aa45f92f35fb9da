# shellcheck shell=bash
# Helpers of the stack tests (test_stack*.sh), sourced after lib.sh: the
# threaded target program stack_target.py and queries over leaktop stack's
# text output.

SCRIPT=$TESTS_SRCDIR/integration/stack_target.py

# line NAME: the line of stack_target.py marked LINE-NAME.
line() { grep -n "LINE-$1" "$SCRIPT" | cut -d: -f1; }

# is_rc EXPECTED DESCRIPTION: the last run's exit status, with its stderr.
is_rc() {
   ok "$([ "$RC" -eq "$1" ] && echo 0 || echo 1)" "$2 (exit $RC)"
   [ "$RC" -eq "$1" ] || diag "$(cat "$ERR")"
}

# thread_block FILE PATTERN: the frames of the thread whose frames match
# PATTERN (text output: blocks start with "Thread ").
thread_block() {
   awk -v pat="$2" '/^Thread /{if (hit) exit; block=""; hit=0}
      {block = block $0 "\n"; if ($0 ~ pat) hit=1}
      END{if (hit) printf "%s", block}' "$1"
}

# above FILE FIRST SECOND: FIRST appears on an earlier line than SECOND.
above() {
   local a b
   a=$(grep -n -m1 -e "$2" "$1" | cut -d: -f1)
   b=$(grep -n -m1 -e "$3" "$1" | cut -d: -f1)
   [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}

# not_stopped PID: no thread of PID is in a stop (t or T).
not_stopped() {
   ! grep -q '^State:[[:space:]]*[tT]' /proc/"$1"/task/*/status 2>/dev/null
}

# never_stopped PID N: runs leaktop stack --python-only N times on PID
# while watching every thread's state; fails if one was ever stopped.
never_stopped() {
   local loop seen=0
   (for _ in $(seq "$2"); do "$LEAKTOP" stack --python-only "$1" >/dev/null 2>&1; done) &
   loop=$!
   while alive "$loop"; do
      not_stopped "$1" || seen=1
   done
   wait "$loop"
   [ "$seen" -eq 0 ] || echo "a thread of $1 was seen stopped"
   return "$seen"
}

# start_python PYTHON [EXTRA_THREADS]: runs the target; sets PY_PID once
# every thread is in its function (seen through --python-only, which does
# not stop it).
start_python() {
   "$1" "$SCRIPT" "${2:-0}" >"$TEST_TMP/target.out" 2>&1 </dev/null &
   PY_PID=$!
   track "$PY_PID"
   wait_for 15 grep -qs ready "$TEST_TMP/target.out" &&
      wait_for 15 python_ready "$PY_PID"
}
python_ready() {
   "$LEAKTOP" stack --python-only "$1" >"$TEST_TMP/ready.out" 2>&1 &&
      grep -q "reader (.*:$(line RECV))" "$TEST_TMP/ready.out" &&
      grep -q "leaf_sleep (.*:$(line SLEEP))" "$TEST_TMP/ready.out"
}
