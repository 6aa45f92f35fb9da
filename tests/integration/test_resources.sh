#!/bin/bash
# Open fds and threads in --batch against real Python workers that leak
# them (tests/integration/resource_workers.py): sockets whose peer closed
# (CLOSE_WAIT) against a loopback server this test starts, file handles,
# threads, and asyncio tasks holding connections open; a control worker
# that opens and closes the same every half second, and the master, show
# none. Each leak shows in its counts, its fd kinds and its verdict.
. "$(dirname "$0")/lib.sh"

plan 14

PORTS=$TEST_TMP/ports
PIDS=$TEST_TMP/pids
"$SYS_PY" "$LIB_DIR/resource_workers.py" server "$PORTS" &
track $!
"$SYS_PY" "$LIB_DIR/resource_workers.py" master "$PORTS" "$PIDS" &
MASTER=$!
track "$MASTER"
wait_for 10 test -s "$PIDS" || bail "the workers did not start"
worker() { awk -v k="$1" '$1 == k { print $2 }' "$PIDS"; }
CLOSEWAIT=$(worker closewait) FILES=$(worker files) THREADS=$(worker threads)
TASKS=$(worker asyncio) CONTROL=$(worker control)
export MASTER CLOSEWAIT FILES THREADS TASKS CONTROL

# 65 ticks: the detector names a steady leak from 40 to 50 s of history on.
OUT=$TEST_TMP/resources.jsonl
rc=0
timeout -k 5 120 "$LEAKTOP" --batch -n 65 -p "$MASTER" --smaps-interval 5 >"$OUT" 2>"$OUT.err" || rc=$?
ok "$rc" "leaktop --batch -n 65 -p MASTER exits 0"
[ "$rc" -eq 0 ] || diag "$(cat "$OUT.err")"
jcheck "batch output follows the schema" "$OUT" 'not schema_errors()' 'schema_errors()[:10]'

# The truth of the processes that hold still, read now.
jcheck "fds and threads of the master match /proc/PID/fd and status" "$OUT" \
   'proc(last, envint("MASTER"))["fds"] == fd_count(envint("MASTER")) and proc(last, envint("MASTER"))["threads"] == status_kib(envint("MASTER"), "Threads")' \
   'proc(last, envint("MASTER"))["fds"]' 'fd_count(envint("MASTER"))'
jcheck "fd_limit is each process's RLIMIT_NOFILE" "$OUT" \
   'all(p["fd_limit"] == fd_limit(p["pid"]) for p in procs(last))' \
   '[(p["pid"], p["fd_limit"], fd_limit(p["pid"])) for p in procs(last)]'

CW='proc(last, envint("CLOSEWAIT"))'
jcheck "CLOSE_WAIT leak: fds +80 or more over the window, as many CLOSE_WAIT sockets" "$OUT" \
   "$CW[\"fds_change\"] >= 80 and $CW[\"close_wait\"] >= 80 and $CW[\"fd_kinds\"][\"tcp_states\"][\"CLOSE_WAIT\"] >= 80" \
   "$CW"
jcheck "CLOSE_WAIT leak: the verdict says grows/fds: CLOSE_WAIT, with its step and a time to the fd limit" "$OUT" \
   "$CW[\"verdict\"][\"resources\"][\"label\"].startswith(\"grows/fds: CLOSE_WAIT +\") and \"grows/fds: CLOSE_WAIT\" in $CW[\"verdict\"][\"summary\"] and \"CLOSE_WAIT\" in $CW[\"verdict\"][\"resources\"][\"next_step\"] and 0 < $CW[\"fd_limit_in_s\"] < 1e6" \
   "$CW[\"verdict\"]" "$CW[\"fd_limit_in_s\"]"

FI='proc(last, envint("FILES"))'
jcheck "file leak: fds +80 or more, files among its kinds, the verdict grows/fds" "$OUT" \
   "$FI[\"fds_change\"] >= 80 and $FI[\"fd_kinds\"][\"files\"] >= 80 and $FI[\"close_wait\"] == 0 and $FI[\"verdict\"][\"resources\"][\"label\"].startswith(\"grows/fds +\")" \
   "$FI"

TH='proc(last, envint("THREADS"))'
jcheck "thread leak: threads +40 or more (as status counts them), the verdict grows/threads, fds flat" "$OUT" \
   "$TH[\"threads_change\"] >= 40 and abs($TH[\"threads\"] - status_kib(envint(\"THREADS\"), \"Threads\")) <= 5 and $TH[\"verdict\"][\"resources\"][\"label\"].startswith(\"grows/threads +\") and not $TH[\"verdict\"][\"resources\"][\"fds_grow\"]" \
   "$TH" 'status_kib(envint("THREADS"), "Threads")'

TA='proc(last, envint("TASKS"))'
jcheck "asyncio tasks holding connections: ESTABLISHED +80 or more, an epoll fd, the verdict grows/fds: ESTABLISHED" "$OUT" \
   "$TA[\"fds_change\"] >= 80 and $TA[\"established\"] >= 80 and $TA[\"fd_kinds\"][\"epoll\"] >= 1 and $TA[\"verdict\"][\"resources\"][\"label\"].startswith(\"grows/fds: ESTABLISHED +\")" \
   "$TA"

jcheck "control worker: no fds or threads verdict at any tick" "$OUT" \
   'all(v is None for v in resources(envint("CONTROL")))' 'sorted(set(map(str, resources(envint("CONTROL")))))'
jcheck "control worker: fds and threads flat over the window" "$OUT" \
   'abs(proc(last, envint("CONTROL"))["fds_change"] or 0) <= 3 and (proc(last, envint("CONTROL"))["threads_change"] or 0) == 0' \
   'proc(last, envint("CONTROL"))'
jcheck "master: no fds or threads verdict at any tick" "$OUT" \
   'all(v is None for v in resources(envint("MASTER")))' 'sorted(set(map(str, resources(envint("MASTER")))))'
# Six 10 s buckets at least, the first maybe seen for a tick: no leak is
# named in the first 40 s.
jcheck "no fds or threads verdict in the first 40 s" "$OUT" \
   'all(p["verdict"]["resources"]["label"] is None for t in ticks if t["time"] - first["time"] < 39.5 for p in procs(t))' \
   '[(round(t["time"] - first["time"]), p["pid"]) for t in ticks for p in procs(t) if p["verdict"]["resources"]["label"]][:3]'
jcheck "fd kinds add up to at most the fd count read with them" "$OUT" \
   'all(sum(v for k, v in p["fd_kinds"].items() if k != "tcp_states") <= p["fds"] + 2 * 5 for p in procs(last))' \
   '[(p["pid"], p["fds"], p["fd_kinds"]) for p in procs(last)]'

done_testing
