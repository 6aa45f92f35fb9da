#!/bin/bash
# The tree's memory cgroup: limit, usage and headroom in the batch output, and
# a worker killed by the OOM killer summarised as such. Runs in a child cgroup
# the test creates under its own (v2, or the v1 memory controller).
set -u
plan=6
echo "1..$plan"
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$1"; then ok "$2"; else notok "$2"; fi; }
skip_all() {
   for i in $(seq $plan); do echo "ok $i # SKIP $1"; done
   exit 0
}

limit=$((200 * 1024 * 1024))
. "$(dirname "$0")/cgroup_lib.sh"
make_cgroup "$limit" || skip_all "$CG_WHY"
dir=$CG_DIR

work=$(mktemp -d)
tree_pid=
cleanup() {
   [ -n "$tree_pid" ] && kill "$tree_pid" 2>/dev/null
   [ -n "$tree_pid" ] && wait "$tree_pid" 2>/dev/null
   # Children exit when they see their parent gone.
   remove_cgroup
   rm -rf "$work"
}
trap cleanup EXIT

# A parent with two children: one stays small, one grows by 8 MiB every
# 0.25 s until the cgroup's OOM killer takes it. The parent does not reap at
# once, so the child stays a zombie that still tells how it died.
cat >"$work/tree.py" <<'PY'
import os, sys, time
go = sys.argv[1]
def child(grow):
    keep = []
    while os.getppid() != 1:
        if grow and os.path.exists(go):
            keep.append(bytearray(8 * 1024 * 1024))
        time.sleep(0.25)
    sys.exit(0)
for grow in (False, True):
    if os.fork() == 0:
        child(grow)
while True:
    time.sleep(3)
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        pass
PY
sh -c 'echo $$ > "$1/cgroup.procs" && exec python3 "$2" "$3"' sh "$dir" "$work/tree.py" "$work/go" &
tree_pid=$!
for _ in $(seq 50); do
   [ "$(pgrep -c -P "$tree_pid")" -ge 2 ] && break
   sleep 0.1
done

"$LEAKTOP" --batch -n 1 -p "$tree_pid" >"$work/first.json" 2>"$work/err"
check "python3 - '$work/first.json' '$dir' $limit <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))['trees'][0]
cg = t['cgroup']
assert cg and cg['limited'] and cg['limit_bytes'] == int(sys.argv[3]), cg
assert cg['path'] == sys.argv[2], (cg['path'], sys.argv[2])
PY" "cgroup found with its limit"
check "python3 - '$work/first.json' <<'PY'
import json, sys
cg = json.load(open(sys.argv[1]))['trees'][0]['cgroup']
assert cg['current_bytes'] > 0 and cg['headroom_bytes'] == cg['limit_bytes'] - cg['current_bytes'], cg
assert cg['oom_kills'] == 0, cg
PY" "usage and headroom reported"

touch "$work/go"
timeout 60 "$LEAKTOP" --batch -n 80 -d 0.25 -p "$tree_pid" >"$work/run.jsonl" 2>>"$work/err"
check "python3 - '$work/run.jsonl' <<'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
assert last['trees'][0]['cgroup']['oom_kills'] >= 1, last['trees'][0]['cgroup']
PY" "the OOM kill is counted"
check "python3 - '$work/run.jsonl' <<'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
ex = last['trees'][0]['exited']
assert any('OOM' in e['how'] and e['end'] == 'oom kill' for e in ex), ex
ends = last['trees'][0]['ends']
assert ends['oom_kills'] >= 1 and ends['crashes'] == 0, ends
PY" "the killed worker is summarised as an OOM kill, counted apart from crashes"
check "python3 - '$work/run.jsonl' <<'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
e = [e for e in last['trees'][0]['exited'] if 'OOM' in e['how']][0]
assert e['peak_rss_kib'] > 100 * 1024 and e['lifetime_s'] > 0, e
PY" "its peak RSS and lifetime are kept"
check "python3 - '$work/run.jsonl' <<'PY'
import json, sys
ticks = [json.loads(l) for l in open(sys.argv[1])]
grew = [p['growth_kib_per_min'] for t in ticks for p in t['trees'][0]['processes']
        if p['growth_kib_per_min'] is not None and p['growth_kib_per_min'] > 50 * 1024]
assert grew, 'no tick showed the growing worker'
PY" "the growing worker showed its growth before it died"
python3 -c "import json,sys; print(\"# exited:\", json.loads(open(sys.argv[1]).readlines()[-1])[\"trees\"][0][\"exited\"])" "$work/run.jsonl"
[ -s "$work/err" ] && sed 's/^/# stderr: /' "$work/err"
exit $((fails > 0))
