#!/bin/bash
# leaktop snapshot against a real CPython 3.11 worker (Debian's python3,
# through the pending-call queue): a class whose instances it retains grows
# in the diff, text and --json; with tracemalloc started by the first
# snapshot, the allocating line tops the line diff of the next, and
# --frames shows its traceback; memory malloc'd through ctypes and never
# freed, with the Python heap flat, is "native growth"; --trim reports what
# malloc_trim gave back of memory the worker freed; and through all of it
# the worker's own namespace, main loop and threads are untouched.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/snapshot_lib.sh
. "$(dirname "$0")/snapshot_lib.sh"

plan 27
if [ "$(id -u)" -ne 0 ]; then
   skip_rest "needs root (ptrace into the worker)"
   done_testing
fi

# row TITLE: the first row under the table titled TITLE in $OUT.
row() {
   awk -v t="$1" '$0 == t {getline; getline; print; exit}' "$OUT"
}

# ---- a class whose instances pile up ---------------------------------------------
start_target "$SYS_PY"
send "retain 5000"
snap first --top 10
expect_rc 0 "a first snapshot of the worker"
says "it came through the pending-call queue and lists the 5000 Retained" "$OUT" \
   "^Snapshot of $T_PID via pending call: answered in [0-9]+ ms, 3 threads paused [0-9.]+ ms at most$" \
   "^Snapshot [0-9]+ of pid $T_PID, CPython 3\.11\." '^ +5000 +[0-9.]+[BKMG]  __main__\.Retained$'
diag "one snapshot: $(answered)"

send "retain 150000"
snap second --top 10
expect_rc 0 "a second snapshot, 150000 more retained"
says "text: Retained tops the types that grew, 5000 -> 155000" "$OUT" \
   '^Compared with snapshot 1 of [0-9]{2}:[0-9]{2}:[0-9]{2}, taken' '^Types that grew most$'
row_types=$(row "Types that grew most")
ok "$(echo "$row_types" | grep -Eq '^ +5000 +155000 +\+150000  __main__\.Retained$' && echo 0 || echo 1)" \
   "text: the first row of the type diff is Retained +150000"
diag "$row_types"
says "text: the verdict is python growth" "$OUT" '^  python growth: RSS \+'

send "retain 100000"
snap third --top 10 --json
expect_rc 0 "a third snapshot, --json"
rcheck "--json: Retained tops the type diff, 155000 -> 255000, a python growth" "$OUT" \
   "r['snapshot']['pid'] == $T_PID and r['diff']['comparable'] is True
    and {k: r['diff']['types'][0][k] for k in ('name', 'before', 'before_known', 'after', 'delta')}
       == {'name': '__main__.Retained', 'before': 155000,
       'before_known': True, 'after': 255000, 'delta': 100000}
    and r['diff']['types'][0]['shallow_delta'] > 0 and r['diff']['against_number'] == 2
    and r['diff']['verdict'] == 'python growth'"

# ---- tracemalloc: the line that allocates --------------------------------------------
snap tm_start --top 10 --json --start-tracemalloc=3
rcheck "--start-tracemalloc=3 starts tracing; the diff says lines come next time" "$OUT" \
   "r['snapshot']['tracemalloc']['tracing'] is True and r['snapshot']['tracemalloc']['frames'] == 3
    and 'tracemalloc started' in r['diff']['lines_unavailable']"
send "alloc 3000"
snap tm_lines --top 10
expect_rc 0 "a snapshot after 3000 buffers of 4 KiB"
row_lines=$(row "Lines whose memory grew most")
ok "$(echo "$row_lines" | grep -Eq "^ +[^ ]+ +[0-9.]+M +\+[0-9.]+M +\+[0-9]{4} +.*snapshot_target\.py:$ALLOC_LINE$" &&
   echo 0 || echo 1)" "text: snapshot_target.py:$ALLOC_LINE tops the line diff"
diag "$row_lines"
send "alloc 2000"
snap tm_json --top 10 --json --frames 3
rcheck "--json: the allocating line tops the line diff, >= 2000 x 4 KiB more" "$OUT" \
   "r['diff']['lines'][0]['file'] == '$TARGET' and r['diff']['lines'][0]['line'] == $ALLOC_LINE
    and r['diff']['lines'][0]['size_delta'] >= 2000 * 4096
    and r['diff']['lines'][0]['count_delta'] >= 2000"
rcheck "--frames 3: the top traceback is the allocating line, then its caller" "$OUT" \
   "r['snapshot']['tracebacks'][0]['frames'][:2] == [['$TARGET', $ALLOC_LINE], ['$TARGET', $ALLOC_CALL]]"
snap tm_frames --top 5 --frames 3
says "text --frames 3: the top traceback, innermost first" "$OUT" \
   '^Top tracebacks, most recent call first$'
tb=$(awk '/^Top tracebacks/ {getline; getline; print; getline; print; exit}' "$OUT")
ok "$(printf '%s\n' "$tb" | head -n 1 | grep -q "snapshot_target\.py:$ALLOC_LINE$" &&
   printf '%s\n' "$tb" | tail -n 1 | grep -Eq "^ {22}.*snapshot_target\.py:$ALLOC_CALL$" &&
   echo 0 || echo 1)" "text --frames 3: line $ALLOC_LINE, then line $ALLOC_CALL under it"
diag "$tb"
snap tm_stop --top 5 --json --stop-tracemalloc
rcheck "--stop-tracemalloc stops tracing after collecting" "$OUT" \
   "r['snapshot']['tracemalloc']['tracing'] is False and len(r['snapshot']['lines']) > 0"
untouched "after 8 snapshots: no sys.last_*, no new name in __main__, no exception in its loop"
runs_on "after 8 snapshots: its loop and its second thread run, none stopped, TracerPid 0"

# ---- native memory ------------------------------------------------------------------
start_target "$SYS_PY"
snap native0 --top 5
send "native 24"
snap native1 --top 5
expect_rc 0 "a snapshot after 24 MiB malloc'd through ctypes, never freed"
says "text: native growth, RSS up by 24 MiB or so" "$OUT" \
   '^  native growth: RSS \+2[0-9]\.[0-9] MiB, allocated blocks [-+][0-9.]+%' \
   '^  \(tracemalloc was off: --start-tracemalloc and two more snapshots confirm\)$'
snap native2 --top 5 --json --start-tracemalloc
send "native 24"
snap native3 --top 5 --json
rcheck "--json with tracemalloc tracing: native growth, traced memory flat" "$OUT" \
   "r['diff']['verdict'] == 'native growth' and r['diff']['rss_delta_kib'] >= 20 * 1024
    and abs(r['diff']['traced_delta_bytes']) < 1 << 20"

# ---- allocator retention --------------------------------------------------------------
send "churn 32"
rss_before=$(awk '/^VmRSS/{print $2}' /proc/"$T_PID"/status)
snap trim --top 5 --trim
rss_after=$(awk '/^VmRSS/{print $2}' /proc/"$T_PID"/status)
expect_rc 0 "--trim after 32 MiB malloc'd and 30 freed in holes"
says "text: malloc_trim returned about 30 MiB; retention in the allocator, not a leak" "$OUT" \
   '^  malloc_trim returned (2[4-9]|3[0-9])\.[0-9] MiB \(RSS [0-9.]+ MiB -> [0-9.]+ MiB\)$' \
   '^  retention in the allocator \(malloc_trim returned [0-9.]+ MiB\), not a leak:'
diag "$(grep -E '^  (malloc_trim returned|retention in)' "$OUT")"
ok "$([ $((rss_before - rss_after)) -ge $((24 * 1024)) ] && echo 0 || echo 1)" \
   "the worker's VmRSS fell by as much: $rss_before -> $rss_after KiB"
untouched "native target: no sys.last_*, no new name in __main__, no exception in its loop"
runs_on "native target: its loop and its second thread run, none stopped, TracerPid 0"

# ---- the result directory ------------------------------------------------------------------
left=$(find "/tmp/leaktop-$(id -u)" -name "*snapshot-$T_PID-*" 2>&1)
ok "$([ -z "$left" ] && echo 0 || echo 1)" "every result file read was removed"
diag "$left"

done_testing
