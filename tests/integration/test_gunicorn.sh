#!/bin/bash
# leaktop --batch against Debian's gunicorn (sync workers, max_requests):
# master and workers found and named, RSS against VmRSS, PSS/USS, and a
# worker recycled by --max-requests as a new generation.
. "$(dirname "$0")/lib.sh"

GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
plan 12
[ -x "$GUNICORN" ] || { skip_rest "$GUNICORN not installed (apt-get install gunicorn)"; done_testing; }

start_gunicorn 3 --max-requests 8 --max-requests-jitter 0
# Warm each worker up (first request imports and allocates), below max-requests.
load "$PORT" --rate 20 --count 9 || bail "warm-up load failed"
sleep 1
G_WORKERS=$(cat /proc/"$G"/task/*/children | tr '\n' ' ')
export G G_WORKERS

OUT1=$TEST_TMP/idle.jsonl
rc=0
timeout -k 5 30 "$LEAKTOP" --batch -n 1 -p "$G" >"$OUT1" 2>"$OUT1.err" || rc=$?
ok "$rc" "leaktop --batch -n 1 -p GUNICORN_MASTER exits 0"
[ "$rc" -eq 0 ] || diag "$(cat "$OUT1.err")"
jcheck "RSS within 1% of VmRSS for master and workers" "$OUT1" \
   'all(within(p["rss_kib"], vmrss(p["pid"]), 1) for p in procs(last, envint("G")))' \
   '[(p["pid"], p["rss_kib"], vmrss(p["pid"])) for p in procs(last)]'
diag "RSS vs VmRSS, largest error: $(jq_ "$OUT1" '"%.3f%%" % max(abs(p["rss_kib"] - vmrss(p["pid"])) * 100.0 / vmrss(p["pid"]) for p in procs(last))')"
jcheck "batch output follows the schema" "$OUT1" 'not schema_errors()' 'schema_errors()[:20]'
jcheck "one tree named gunicorn, rooted at the master" "$OUT1" \
   'len(last["trees"]) == 1 and tree(last, envint("G"))["name"] == "gunicorn"' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "master: role master, name gunicorn" "$OUT1" \
   'proc(last, envint("G"))["role"] == "master" and proc(last, envint("G"))["name"] == "gunicorn"' \
   'proc(last, envint("G"))'
jcheck "3 workers: role worker, name gunicorn, ppid the master" "$OUT1" \
   'pids(last, envint("G"), "worker") == envints("G_WORKERS") and all(proc(last, w)["name"] == "gunicorn" and proc(last, w)["ppid"] == envint("G") for w in envints("G_WORKERS")) and tree(last, envint("G"))["workers"] == 3' \
   '[(p["pid"], p["ppid"], p["role"], p["name"]) for p in procs(last)]' 'envints("G_WORKERS")'
jcheck "PSS and USS present, USS <= PSS <= RSS" "$OUT1" \
   'all(p["pss_kib"] is not None and p["uss_kib"] is not None and 0 < p["uss_kib"] <= p["pss_kib"] <= p["rss_kib"] for p in procs(last))' \
   '[(p["pid"], p["uss_kib"], p["pss_kib"], p["rss_kib"], p["smaps_error"]) for p in procs(last)]'
jcheck "workers share pages with the master: worker PSS < RSS" "$OUT1" \
   'all(proc(last, w)["pss_kib"] < proc(last, w)["rss_kib"] for w in envints("G_WORKERS"))' \
   '[(p["pid"], p["pss_kib"], p["rss_kib"]) for p in procs(last)]'

# ---- recycling: --max-requests 8 ----------------------------------------------
OUT2=$TEST_TMP/recycle.jsonl
leaktop_bg "$OUT2" --batch -n 12 -d 1 -p "$G"
sleep 2.5
# 45 requests over 3 workers that each take 8 (5 are already spent on warm-up
# at most): every original worker is recycled at least once.
load "$PORT" --rate 10 --count 45
leaktop_done 40 "leaktop --batch -n 12 exits 0 (recycling run)"
jcheck "first tick: the original workers are generation 1" "$OUT2" \
   'pids(first, envint("G"), "worker") == envints("G_WORKERS") and all(proc(first, w)["generation"] == 1 for w in envints("G_WORKERS"))' \
   '[(p["pid"], p["role"], p["generation"]) for p in procs(first)]'
jcheck "a replacement worker (new PID) has generation >= 2" "$OUT2" \
   'any(p["role"] == "worker" and p["pid"] not in envints("G_WORKERS") and p["generation"] >= 2 and p["ppid"] == envint("G") for p in procs(last))' \
   '[(p["pid"], p["role"], p["generation"]) for p in procs(last)]'
jcheck "a recycled original worker appears in exited" "$OUT2" \
   'any(e["pid"] in envints("G_WORKERS") and e["generation"] == 1 and e["lifetime_s"] > 0 and e["how"] for e in tree(last, envint("G"))["exited"])' \
   'tree(last, envint("G"))["exited"]'

done_testing
