# shellcheck shell=bash
# Checks shared by test_uwsgi.sh and test_celery.sh over one leaktop --batch
# run ($OUT) of a real server whose worker $GROWER retains memory per unit of
# work (grower_app.py) while the workers $STABLE keep none. Source after lib.sh.

# check_totals DESCRIPTION TRUTH FACTOR: every worker of $WORKERS has as its
# traffic total FACTOR times its count in TRUTH ("PID:COUNT ...", a worker
# not there counted none).
check_totals() {
   export TRUTH=$2 FACTOR=$3
   jcheck "$1" "$OUT" \
      'all(proc(last, w)["traffic"]["total"] == float(env("FACTOR")) * dict((int(a), int(b)) for a, b in (x.split(":") for x in env("TRUTH").split())).get(w, 0) for w in envints("WORKERS"))' \
      '[(p["pid"], p["traffic"]["total"]) for p in procs(last)]' 'env("TRUTH")'
}

# check_verdicts ROOT UNIT: 5 checks (UNIT: request, task). The grower's traffic has idle ticks and
# busy ones; its verdict ends on grows with traffic, the stable workers' on
# stable, neither they nor ROOT ever grow; the tree's verdict ends on one
# worker grows. Prints the time each verdict was reached and held.
check_verdicts() {
   local root=$1 unit=$2 table=()
   export ROOTQ=$root
   jcheck "idle gaps are seen: some ticks of the grower are idle, some not" "$OUT" \
      'any(t["idle"] for t in series(envint("GROWER"), "traffic")) and not all(t["idle"] for t in series(envint("GROWER"), "traffic"))'
   local name want pidq
   for name in grower stable; do
      if [ "$name" = grower ]; then
         want="grows with traffic" pidq=$GROWER
      else
         want=stable pidq=$STABLE
      fi
      export WANT=$want PIDQ=$pidq
      jcheck "$name ($pidq): $want" "$OUT" \
         'all(settled_at(verdicts(p), env("WANT")) is not None for p in envints("PIDQ"))' \
         '[(p, changes(verdicts(p))) for p in envints("PIDQ")]'
      table+=("$(printf '%-8s %-20s %5.0f s' "$name" "$want" \
         "$(jq_ "$OUT" 'max(settled_at(verdicts(p), env("WANT")) or float("inf") for p in envints("PIDQ"))')")")
   done
   export PIDQ="$STABLE $root"
   jcheck "the stable workers and the master never grow at any tick" "$OUT" \
      'not any(ever_grows(p) for p in envints("PIDQ"))' '[(p, changes(verdicts(p))) for p in envints("PIDQ")]'
   jcheck "tree: one worker grows" "$OUT" \
      'settled_at(tree_verdicts(envint("ROOTQ")), "one worker grows") is not None' \
      'changes(tree_verdicts(envint("ROOTQ")))'
   diag "${unit}s per worker while watched: $TRUTH(grower $GROWER)"
   diag "time to the verdict (held to the end; $RETAIN_KIB KiB per $unit):"
   local row
   for row in "${table[@]}"; do diag "TTV $row"; done
   export PIDQ=$GROWER
   diag "grower's verdicts: $(jq_ "$OUT" 'changes(verdicts(envint("PIDQ")))')"
}
