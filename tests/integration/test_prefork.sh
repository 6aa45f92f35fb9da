#!/bin/bash
# leaktop --batch against a pre-fork Python server (data/demo_service.py on
# Debian's python3) under loopback load: roles and parents, RSS against
# VmRSS, PSS/USS, growth of the one leaking worker against the flat others,
# and a recycled worker (max-requests) as a new generation.
. "$(dirname "$0")/lib.sh"

plan 24

# ---- service A: 4 workers, worker 1 keeps 2 MiB per request -----------------
start_service a --workers 4 --leaky-worker 1 --leak-kib 2048 || bail "demo service did not start"
A=$SVC_PID
A_PORT=$SVC_PORT
wait_for 10 has_children "$A" 4 || bail "service A did not fork 4 workers"
# Warm up every worker (first-request allocations, the transient buffer's
# heap growth) before anything is measured, then let them go idle.
load "$A_PORT" --rate 20 --count 16 || bail "warm-up load failed"
GROWER=$(leaky_pid a)
A_WORKERS=$(cat /proc/"$A"/task/*/children | tr '\n' ' ')
export A GROWER A_WORKERS
sleep 1

# ---- one tick on the idle tree -------------------------------------------
OUT1=$TEST_TMP/idle.jsonl
rc=0
timeout -k 5 30 "$LEAKTOP" --batch -n 1 -p "$A" >"$OUT1" 2>"$OUT1.err" || rc=$?
ok "$rc" "leaktop --batch -n 1 -p MASTER exits 0"
[ "$rc" -eq 0 ] || diag "$(cat "$OUT1.err")"
# Read the truth right away: the tree is idle, so RSS is stable.
jcheck "idle: one JSON line, RSS within 1% of VmRSS for every process" "$OUT1" \
   'len(ticks) == 1 and all(within(p["rss_kib"], vmrss(p["pid"]), 1) for p in procs(last, envint("A")))' \
   '[(p["pid"], p["rss_kib"], vmrss(p["pid"])) for p in procs(last)]'
diag "RSS vs VmRSS, largest error: $(jq_ "$OUT1" '"%.3f%%" % max(abs(p["rss_kib"] - vmrss(p["pid"])) * 100.0 / vmrss(p["pid"]) for p in procs(last))')"
jcheck "batch output follows the schema" "$OUT1" 'not schema_errors()' 'schema_errors()[:20]'
jcheck "one tree, rooted at the master" "$OUT1" \
   'len(last["trees"]) == 1 and last["trees"][0]["root_pid"] == envint("A")' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "master has role master, depth 0, generation 1" "$OUT1" \
   'proc(last, envint("A"))["role"] == "master" and proc(last, envint("A"))["depth"] == 0 and proc(last, envint("A"))["generation"] == 1' \
   'proc(last, envint("A"))'
jcheck "all 4 workers found, role worker, ppid the master, depth 1" "$OUT1" \
   'pids(last, envint("A"), "worker") == envints("A_WORKERS") and all(proc(last, w)["ppid"] == envint("A") and proc(last, w)["depth"] == 1 for w in envints("A_WORKERS")) and tree(last, envint("A"))["workers"] == 4' \
   '[(p["pid"], p["ppid"], p["role"], p["depth"]) for p in procs(last)]' 'envints("A_WORKERS")'
jcheck "start_ticks match /proc/PID/stat" "$OUT1" \
   'all(p["start_ticks"] == start_ticks(p["pid"]) for p in procs(last)) and tree(last, envint("A"))["root_start_ticks"] == start_ticks(envint("A"))' \
   '[(p["pid"], p["start_ticks"], start_ticks(p["pid"])) for p in procs(last)]'
jcheck "PSS and USS present, USS <= PSS <= RSS, no smaps_error" "$OUT1" \
   'all(p["pss_kib"] is not None and p["uss_kib"] is not None and 0 < p["uss_kib"] <= p["pss_kib"] <= p["rss_kib"] and p["smaps_error"] is None for p in procs(last))' \
   '[(p["pid"], p["uss_kib"], p["pss_kib"], p["rss_kib"], p["smaps_error"]) for p in procs(last)]'
# PSS moves whenever any process on the host maps or drops a page shared with
# these (libpython, libc: other tests start Pythons in parallel), so a later
# read cannot check it. Private memory is steadier: a worker's private pages
# are its own heap; the master's also count file pages nobody else maps yet.
jcheck "USS within 2% (workers) or 10% (master) of a later smaps_rollup, swap present" "$OUT1" \
   'all(within(p["uss_kib"], smaps(p["pid"])["Private_Clean"] + smaps(p["pid"])["Private_Dirty"], 2 if p["role"] == "worker" else 10) and p["swap_kib"] is not None for p in procs(last))' \
   '[(p["pid"], p["role"], p["uss_kib"], smaps(p["pid"])["Private_Clean"] + smaps(p["pid"])["Private_Dirty"]) for p in procs(last)]'
jcheck "anon + file + shmem = RSS" "$OUT1" \
   'all(p["rss_anon_kib"] + p["rss_file_kib"] + p["rss_shmem_kib"] == p["rss_kib"] for p in procs(last))' \
   '[(p["pid"], p["rss_anon_kib"], p["rss_file_kib"], p["rss_shmem_kib"], p["rss_kib"]) for p in procs(last)]'
jcheck "tree totals: total_rss = sum of RSS, total_pss = sum of PSS" "$OUT1" \
   'tree(last, envint("A"))["total_rss_kib"] == sum(p["rss_kib"] for p in procs(last)) and tree(last, envint("A"))["total_pss_kib"] == sum(p["pss_kib"] for p in procs(last))' \
   '{k: v for k, v in tree(last, envint("A")).items() if k not in ("processes", "exited")}'
jcheck "growth is null on the first tick (too few samples)" "$OUT1" \
   'all(p["growth_kib_per_min"] is None for p in procs(last))' \
   '[(p["pid"], p["growth_kib_per_min"]) for p in procs(last)]'

# ---- growth: ~30 s of load, the leaky worker keeps 2 MiB per request --------
OUT2=$TEST_TMP/growth.jsonl
leaktop_bg "$OUT2" --batch -n 36 -d 1 --smaps-interval 5 -p "$A"
sleep 3 # a few idle ticks first
# 4 req/s for 28 s: each worker serves ~28 requests, so the grower keeps ~56 MiB.
load "$A_PORT" --rate 4 --duration 28
leaktop_done 40 "leaktop --batch -n 36 -d 1 exits 0 (growth run)"
jcheck "growth run: 36 ticks numbered 1..36, interval_s 1" "$OUT2" \
   '[t["tick"] for t in ticks] == list(range(1, 37)) and all(abs(t["interval_s"] - 1) < 1e-6 for t in ticks)' \
   '[t["tick"] for t in ticks]'
jcheck "growth run follows the schema" "$OUT2" 'not schema_errors()' 'schema_errors()[:20]'
jcheck "the leaky worker's RSS grew by >= 40 MiB during the run" "$OUT2" \
   'series(envint("GROWER"), "rss_kib")[-1] - series(envint("GROWER"), "rss_kib")[0] >= 40 * 1024' \
   'series(envint("GROWER"), "rss_kib")'
jcheck "the leaky worker grows > 10 MiB/min" "$OUT2" \
   'proc(last, envint("GROWER"))["growth_kib_per_min"] > 10 * 1024' \
   'series(envint("GROWER"), "growth_kib_per_min")'
jcheck "the other workers and the master stay within +-1 MiB/min" "$OUT2" \
   'all(abs(p["growth_kib_per_min"]) < 1024 for p in procs(last) if p["pid"] != envint("GROWER"))' \
   '[(p["pid"], p["role"], p["growth_kib_per_min"], series(p["pid"], "rss_kib")[0], p["rss_kib"]) for p in procs(last)]'
diag "growth KiB/min at the last tick: $(jq_ "$OUT2" '", ".join("%s %d: %s" % ("grower" if p["pid"] == envint("GROWER") else p["role"], p["pid"], p["growth_kib_per_min"]) for p in procs(last))')"
jcheck "the leaky worker's PSS is re-read on the smaps cadence (5 s)" "$OUT2" \
   '3 <= len(set(series(envint("GROWER"), "pss_kib"))) <= 12 and series(envint("GROWER"), "pss_kib")[-1] - series(envint("GROWER"), "pss_kib")[0] >= 30 * 1024' \
   'series(envint("GROWER"), "pss_kib")'

# ---- service B: max-requests recycles workers ------------------------------
start_service b --workers 2 --max-requests 6 --leak-kib 64 || bail "demo service B did not start"
B=$SVC_PID
B_PORT=$SVC_PORT
wait_for 10 has_children "$B" 2 || bail "service B did not fork 2 workers"
B_FIRST=$(cat /proc/"$B"/task/*/children | tr '\n' ' ')
export B B_FIRST
OUT3=$TEST_TMP/recycle.jsonl
leaktop_bg "$OUT3" --batch -n 10 -d 1 -p "$B"
sleep 2.5
# 20 requests over 2 workers that take 6 each: both first-generation workers
# are replaced (accept() hands connections out in turn).
load "$B_PORT" --rate 10 --count 20
leaktop_done 30 "leaktop --batch -n 10 exits 0 (recycling run)"
jcheck "first tick: the 2 original workers, generation 1" "$OUT3" \
   'pids(first, envint("B"), "worker") == envints("B_FIRST") and all(proc(first, w)["generation"] == 1 for w in envints("B_FIRST"))' \
   '[(p["pid"], p["role"], p["generation"]) for p in procs(first)]'
jcheck "last tick: 2 workers, new PIDs, generation >= 2" "$OUT3" \
   'len(pids(last, envint("B"), "worker")) == 2 and tree(last, envint("B"))["workers"] == 2 and all(w not in envints("B_FIRST") and proc(last, w)["generation"] >= 2 for w in pids(last, envint("B"), "worker"))' \
   '[(p["pid"], p["role"], p["generation"]) for p in procs(last)]'
jcheck "the recycled workers appear in exited (generation 1, lifetime, how)" "$OUT3" \
   'all(any(e["pid"] == w and e["generation"] == 1 and e["start_ticks"] == proc(first, w)["start_ticks"] and e["lifetime_s"] > 0 and e["how"] for e in tree(last, envint("B"))["exited"]) for w in envints("B_FIRST"))' \
   'tree(last, envint("B"))["exited"]'
jcheck "exited workers are not listed among the live processes" "$OUT3" \
   'not set(e["pid"] for e in tree(last, envint("B"))["exited"]) & set(pids(last, envint("B")))' \
   'pids(last, envint("B"))'

done_testing
