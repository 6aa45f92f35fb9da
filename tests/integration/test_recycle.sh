#!/bin/bash
# Growth masked by recycling, on Debian's gunicorn (2 sync workers,
# --max-requests 100 with jitter 20: each worker recycled about every 50 s
# at 2 requests/s): an app that keeps 64 KiB of every request gets
# "grows with traffic, recycled" within 3 minutes; the controls, recycled
# alike, get no such verdict: the same app keeping nothing, and one keeping
# 64 KiB of its first 50 requests only (a plateau in every generation). Two
# leaktops watch the three services: one on the access log, one on the
# default source (CPU time). Worker slots stay 1..2 across the generations.
. "$(dirname "$0")/lib.sh"

GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
TICKS=${RECYCLE_TICKS:-200}
plan 16
[ -x "$GUNICORN" ] || { skip_rest "$GUNICORN not installed (apt-get install gunicorn)"; done_testing; }

LOG=$TEST_TMP/access.log
RECYCLING=(--max-requests 100 --max-requests-jitter 20 --access-logfile "$LOG"
   --access-logformat '%(p)s %(r)s %(s)s')
RETAIN_KIB=64 GUNICORN_APP=retain_app:app GUNICORN_NAME=leak start_gunicorn 2 "${RECYCLING[@]}"
GL=$G PL=$PORT
RETAIN_KIB=0 GUNICORN_APP=retain_app:app GUNICORN_NAME=control start_gunicorn 2 "${RECYCLING[@]}"
GC=$G PC=$PORT
RETAIN_KIB=64 RETAIN_LIMIT=50 GUNICORN_APP=retain_app:app GUNICORN_NAME=plateau start_gunicorn 2 "${RECYCLING[@]}"
GP=$G PP=$PORT
export GL GC GP

OUT_LOG=$TEST_TMP/log.jsonl
OUT_CPU=$TEST_TMP/cpu.jsonl
leaktop_bg "$OUT_CPU" --batch -d 1 -n "$TICKS" -p "$GL" -p "$GC" -p "$GP"
LT_CPU=$LT_PID
leaktop_bg "$OUT_LOG" --batch -d 1 -n "$TICKS" -p "$GL" -p "$GC" -p "$GP" --traffic "log:$LOG"
load_bg "$PL" --rate 4 --duration $((TICKS + 5))
load_bg "$PC" --rate 4 --duration $((TICKS + 5))
load_bg "$PP" --rate 4 --duration $((TICKS + 5))
leaktop_done $((TICKS + 60)) "leaktop --traffic log: exits 0 after $TICKS ticks"
LT_PID=$LT_CPU LT_OUT=$OUT_CPU leaktop_done 30 "leaktop (default traffic source) exits 0"

jcheck "batch output follows the schema" "$OUT_LOG" 'not schema_errors()' 'schema_errors()[:20]'

# Seconds from leaktop's first tick to the tree's first recycled verdict.
FIRST='next((s for s, v in tree_verdicts(envint("GL")) if v.endswith(", recycled")), None)'
diag "leaking tree, access log: recycled verdict at $(jq_ "$OUT_LOG" "$FIRST") s, settled at $(jq_ "$OUT_LOG" 'settled_at(tree_verdicts(envint("GL")), "grows with traffic, recycled")') s"
diag "leaking tree, CPU time: recycled verdict at $(jq_ "$OUT_CPU" "$FIRST") s: $(jq_ "$OUT_CPU" 'tree(last, envint("GL"))["verdict"]["label"]')"
diag "evidence: $(jq_ "$OUT_LOG" 'tree(last, envint("GL"))["verdict"]["evidence"]')"
diag "ends: $(jq_ "$OUT_LOG" 'tree(last, envint("GL"))["ends"]'), control $(jq_ "$OUT_LOG" 'tree(last, envint("GC"))["ends"]')"

jcheck "access log: the leaking tree is 'grows with traffic, recycled' within 180 s, to the end" \
   "$OUT_LOG" \
   '(settled_at(tree_verdicts(envint("GL")), "grows with traffic, recycled") or 1e9) <= 180' \
   'changes(tree_verdicts(envint("GL")))' \
   '[(sl["slot"], [(g["generation"], g["lifetime_s"], g["growth_kib"], g["units"], g["measured"]) for g in sl["generations"]]) for sl in tree(last, envint("GL"))["slots"]]'
jcheck "CPU time: the leaking tree gets a recycled verdict within 180 s" "$OUT_CPU" \
   "($FIRST or 1e9) <= 180" 'changes(tree_verdicts(envint("GL")))'
jcheck "the evidence: per generation growth, traffic, recycling period, restarts per hour" \
   "$OUT_LOG" \
   'r["generations"] >= 3 and r["growth_kib_per_generation"] > 2048 and 30 <= r["lifetime_s"] <= 90 and 20 <= r["restarts_per_hour"] <= 300 and r["growth_per_1000_units"] > 16 * 1024 and "restarts/h" in tree(last, envint("GL"))["verdict"]["evidence"] if (r := tree(last, envint("GL"))["recycle"]) else False' \
   'tree(last, envint("GL"))["recycle"]'
jcheck "a slot of the leaking tree has its own recycled verdict by the end" "$OUT_LOG" \
   'any(sl["recycle"] and sl["recycle"]["label"] == "grows with traffic, recycled" for sl in tree(last, envint("GL"))["slots"])' \
   '[(sl["slot"], sl["recycle"]) for sl in tree(last, envint("GL"))["slots"]]'
jcheck "the control recycled alike: a slot reached generation 3" "$OUT_LOG" \
   'max(sl["generation"] for sl in tree(last, envint("GC"))["slots"]) >= 3' \
   'tree(last, envint("GC"))["slots"]'
jcheck "access log: no recycled verdict for the control, tree or slot, at any tick" "$OUT_LOG" \
   'not any(v.endswith(", recycled") for s, v in tree_verdicts(envint("GC"))) and not any(sl["recycle"] for t in ticks for sl in tree(t, envint("GC"))["slots"])' \
   'changes(tree_verdicts(envint("GC")))' \
   '[(sl["slot"], [(g["generation"], g["growth_kib"], g["measured"]) for g in sl["generations"]]) for sl in tree(last, envint("GC"))["slots"]]'
jcheck "CPU time: no recycled verdict for the control at any tick" "$OUT_CPU" \
   'not any(v.endswith(", recycled") for s, v in tree_verdicts(envint("GC")))' \
   'changes(tree_verdicts(envint("GC")))'
jcheck "the plateau control recycled alike: a slot reached generation 3" "$OUT_LOG" \
   'max(sl["generation"] for sl in tree(last, envint("GP"))["slots"]) >= 3' \
   'tree(last, envint("GP"))["slots"]'
jcheck "access log: no recycled verdict for the plateau control, tree or slot, at any tick" "$OUT_LOG" \
   'not any(v.endswith(", recycled") for s, v in tree_verdicts(envint("GP"))) and not any(sl["recycle"] for t in ticks for sl in tree(t, envint("GP"))["slots"])' \
   'changes(tree_verdicts(envint("GP")))' \
   '[(sl["slot"], [(g["generation"], g["growth_kib"], g["measured"]) for g in sl["generations"]]) for sl in tree(last, envint("GP"))["slots"]]'
jcheck "CPU time: no recycled verdict for the plateau control at any tick" "$OUT_CPU" \
   'not any(v.endswith(", recycled") for s, v in tree_verdicts(envint("GP")))' \
   'changes(tree_verdicts(envint("GP")))'
jcheck "both trees keep two slots, 1 and 2, held by the live workers" "$OUT_LOG" \
   'all(all(sl["slot"] in (1, 2) for sl in tree(t, g)["slots"]) and (lambda held: len(held) == len(set(held)) and set(held) <= {1, 2})([p["slot"] for p in procs(t, g) if p["role"] == "worker"]) for t in ticks for g in (envint("GL"), envint("GC"))) and all(len(tree(last, g)["slots"]) == 2 for g in (envint("GL"), envint("GC")))' \
   '[(p["pid"], p["slot"], p["generation"]) for p in procs(last)]'
jcheck "a replacement takes the slot of the worker it replaced, as its next generation" "$OUT_LOG" \
   'all(any(e["slot"] == sl["slot"] and e["generation"] == sl["generation"] - 1 for e in tree(last, envint("GL"))["exited"]) for sl in tree(last, envint("GL"))["slots"])' \
   'tree(last, envint("GL"))["exited"]' 'tree(last, envint("GL"))["slots"]'
jcheck "the exited summary counts every end once: recycles, crashes, OOM kills, unknown" "$OUT_LOG" \
   'all(sum(tree(last, g)["ends"].values()) == tree(last, g)["exited_total"] >= 4 and tree(last, g)["ends"]["crashes"] == 0 and tree(last, g)["ends"]["oom_kills"] == 0 for g in (envint("GL"), envint("GC")))' \
   '[(tree(last, g)["ends"], tree(last, g)["exited_total"]) for g in (envint("GL"), envint("GC"))]'

done_testing
