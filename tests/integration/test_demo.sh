#!/bin/bash
# leaktop --demo in batch mode: the bundled service (a master and 4 workers)
# is attached, and it goes away with leaktop, both on a normal exit and when
# leaktop is SIGKILLed (PR_SET_PDEATHSIG in the launcher, parent polling in
# the workers and the load generator).
. "$(dirname "$0")/lib.sh"

plan 12

# demo_pids LEAKTOP_PID [WHICH]: the demo processes under leaktop right now
# (WHICH: a regex over the script name, default both).
demo_pids() {
   local p
   for p in $(descendants "$1"); do
      if grep -q "demo_\(${2:-service\|load}\)\.py" /proc/"$p"/cmdline 2>/dev/null; then
         echo "$p"
      fi
   done
}

# watch_demo LEAKTOP_PID OUT [WANT]: while leaktop runs (at most 40 s),
# collects the demo's PIDs into SEEN (its children and grandchildren, as they
# come and go), the load generator's into SEEN_LOAD; stops early once OUT has
# WANT lines.
watch_demo() {
   local lt=$1 out=$2 want=${3:-0} deadline=$((SECONDS + 40))
   SEEN=""
   SEEN_LOAD=""
   while alive "$lt" && [ "$SECONDS" -lt "$deadline" ]; do
      SEEN="$SEEN $(demo_pids "$lt" | tr '\n' ' ')"
      SEEN_LOAD="$SEEN_LOAD $(demo_pids "$lt" load | tr '\n' ' ')"
      if [ "$want" -gt 0 ] && [ -s "$out" ] && [ "$(lines "$out")" -ge "$want" ]; then
         break
      fi
      sleep 0.2
   done
   SEEN=$(uniq_words "$SEEN")
   SEEN_LOAD=$(uniq_words "$SEEN_LOAD")
}

# uniq_words WORDS...: the distinct PIDs among WORDS, sorted, on one line.
uniq_words() {
   echo "$*" | tr ' ' '\n' | grep . | sort -un | tr '\n' ' '
}

# gone_within SECONDS PID...: like wait_gone, but an empty list is a failure.
# shellcheck disable=SC2317 # called through check
gone_within() { [ $# -ge 2 ] && wait_gone "$@"; }


# ---- normal exit after 5 ticks ---------------------------------------------
OUT=$TEST_TMP/demo.jsonl
leaktop_bg "$OUT" --demo --batch -n 5 -d 1
LT=$LT_PID
watch_demo "$LT" "$OUT"
rc=0
wait_exit "$LT" 60 || rc=$?
ok "$rc" "leaktop --demo --batch -n 5 exits 0"
[ "$rc" -eq 0 ] || diag "$(cat "$OUT.err")"
jcheck "5 ticks of JSON on stdout, nothing else (the demo stays off the terminal)" "$OUT" \
   'len(ticks) == 5 and not schema_errors()' 'len(ticks)' 'schema_errors()[:10]'
jcheck "the demo tree: a master running demo_service.py and 4 workers" "$OUT" \
   'len(last["trees"]) == 1 and last["trees"][0]["processes"][0]["role"] == "master" and "demo_service.py" in last["trees"][0]["processes"][0]["cmdline"] and len(pids(last, role="worker")) == 4 and last["trees"][0]["workers"] == 4' \
   '[(p["pid"], p["ppid"], p["role"], p["cmdline"][:60]) for p in procs(last)]'
read -ra JSON_PIDS <<<"$(jq_ "$OUT" '" ".join(str(p) for p in sorted(set(p for t in ticks for p in pids(t))))')"
read -ra SEEN1 <<<"$(uniq_words "$SEEN" "${JSON_PIDS[*]}")"
check "the load generator ran as a child of leaktop" test -n "$SEEN_LOAD"
# Demo_stop reaps the master, which reaps its workers: all gone at exit.
check "after exit, no demo process is left (${SEEN1[*]})" gone_within 3 "${SEEN1[@]}"
diag "$(still_alive "${SEEN1[@]}")"

# ---- SIGKILL mid-run ---------------------------------------------------------
OUT2=$TEST_TMP/demo-kill.jsonl
leaktop_bg "$OUT2" --demo --batch -d 1
LT=$LT_PID
watch_demo "$LT" "$OUT2" 3
check "leaktop --demo --batch keeps ticking (3 ticks seen)" test "$(lines "$OUT2")" -ge 3
MASTER=$(jq_ "$OUT2" 'last["trees"][0]["root_pid"]' 2>/dev/null)
read -ra KILL_PIDS <<<"$(uniq_words "$SEEN" "$(demo_pids "$LT")" "$(jq_ "$OUT2" '" ".join(str(p) for p in pids(last))' 2>/dev/null)")"
read -ra LOAD2 <<<"$SEEN_LOAD $(demo_pids "$LT" load)"
check "before the kill: master ${MASTER:-?}, 4 workers and the load generator run" \
   test -n "$MASTER" -a "${#LOAD2[@]}" -ge 1 -a "$(count_children "${MASTER:-0}")" -eq 4
kill -KILL "$LT"
wait "$LT" 2>/dev/null
check "after SIGKILL of leaktop, the master goes away within 5 s" gone_within 5 ${MASTER:+"$MASTER"}
check "... the workers too" gone_within 5 "${KILL_PIDS[@]}"
check "... and the load generator" gone_within 5 "${LOAD2[@]}"
diag "$(still_alive "${KILL_PIDS[@]}")"

# ---- a failed start is reported ------------------------------------------------
rc=0
LEAKTOP_DATADIR=$TEST_TMP/nowhere timeout -k 5 30 "$LEAKTOP" --demo --batch -n 1 \
   >"$TEST_TMP/nodata.out" 2>"$TEST_TMP/nodata.err" </dev/null || rc=$?
check "missing demo script: non-zero exit" test "$rc" -ne 0 -a "$rc" -ne 124
check "missing demo script: the message names the path and LEAKTOP_DATADIR" \
   grep -q "nowhere/demo_service.py.*LEAKTOP_DATADIR" "$TEST_TMP/nodata.err"

done_testing
