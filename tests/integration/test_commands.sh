#!/bin/bash
# The command table: leaktop help and --help list the commands from it,
# help COMMAND shows one's options, an unknown one is a usage error, a first
# word close to a command's name that matches no process names the command,
# and a command's name after -- is a PATTERN.
. "$(dirname "$0")/lib.sh"

plan 13

# listed FILE INVOCATION...: FILE lists each INVOCATION with a summary
# indented below it.
listed() {
   local file=$1 typed summary
   shift
   for typed; do
      summary=$(grep -F -A1 -e "  $typed " "$file" | sed -n 2p)
      case $summary in
      "      "[a-z]*) ;;
      *)
         echo "no summary under '$typed' in: $(cat "$file")"
         return 1
         ;;
      esac
   done
}

# named PID NAME: the process's argv[0] is NAME.
named() {
   [ "$(tr '\0' '\n' </proc/"$1"/cmdline 2>/dev/null | head -n 1)" = "$2" ]
}

# exits_with STATUS FILE WORD...: the run exited with STATUS and FILE holds each WORD.
exits_with() {
   local status=$1 file=$2 word
   shift 2
   [ "$RC" -eq "$status" ] || { echo "exit $RC, not $status"; return 1; }
   for word; do
      grep -q -F -e "$word" "$file" || { echo "no '$word' in: $(cat "$file")"; return 1; }
   done
}

run help help
check "help: exit 0" test "$RC" -eq 0
check "help: lists the dashboard with its summary" listed "$OUT" "leaktop [OPTION]..."
check "help: lists stack with its summary" listed "$OUT" "leaktop stack"
check "help: lists snapshot with its summary" listed "$OUT" "leaktop snapshot"

run usage --help
check "--help: lists the commands" listed "$OUT" "leaktop stack" "leaktop snapshot" "leaktop help"

run helpstack help stack
check "help stack: exit 0 with stack's options" exits_with 0 "$OUT" --python-only --duration

run nosuch help nosuch
check "help nosuch: exit 2, the message names the word" exits_with 2 "$ERR" "'nosuch'"

run helpstakc help stakc
check "help stakc: exit 2, suggests stack" exits_with 2 "$ERR" "did you mean 'stack'?"

# Before any process named stakc runs: the word matches none.
run stakc stakc 42
check "stakc 42: exit 1, names leaktop stack" exits_with 1 "$ERR" "no process matches stakc" \
   "did you mean 'leaktop stack'?"

# A word close to a command's name that matches a process stays a PATTERN.
bash -c 'exec -a stakc sleep 300' </dev/null &
STAKC_PID=$!
track "$STAKC_PID"
wait_for 5 named "$STAKC_PID" stakc || bail "the process named stakc did not start"
export STAKC_PID
run stakcfound stakc --batch -n 1
check "stakc --batch -n 1, a process named stakc running: exit 0" exits_with 0 "$ERR"
jcheck "stakc: the process named stakc is watched" "$OUT" \
   'envint("STAKC_PID") in [p["pid"] for p in procs(last)]' '[t["root_pid"] for t in last["trees"]]'

# A process named like a command, matched as a PATTERN after --.
bash -c 'exec -a stack sleep 300' </dev/null &
STACK_PID=$!
track "$STACK_PID"
wait_for 5 named "$STACK_PID" stack || bail "the process named stack did not start"
export STACK_PID
run dashdash --batch -n 1 -- stack
check "--batch -n 1 -- stack: exit 0" exits_with 0 "$ERR"
jcheck "-- stack: the process named stack is watched" "$OUT" \
   'envint("STACK_PID") in [p["pid"] for p in procs(last)]' '[t["root_pid"] for t in last["trees"]]'

done_testing
