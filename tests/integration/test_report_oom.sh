#!/bin/bash
# leaktop report over a recording of a tree in a memory cgroup of the
# test's own: a worker that leaks until the cgroup's OOM killer takes it, a
# worker whose memory spikes and falls back, and a control. The report
# (Markdown and HTML) counts the OOM kill, shows the killed worker's end as
# one in the timeline and the exited summary, judges the spiking worker as
# spikes, not growth, and the control as neither.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgroup_lib.sh"

plan 8

make_cgroup $((300 * 1024 * 1024)) || { skip_n 8 "$CG_WHY"; done_testing; }
TREE=
end_tree() {
   [ -n "$TREE" ] || return 0
   local all p
   all="$TREE $(descendants "$TREE")"
   for p in $all; do kill -TERM "$p" 2>/dev/null; done
   wait_gone 5 $all || for p in $all; do kill -KILL "$p" 2>/dev/null; done
   TREE=
}
trap 'rc=$?; end_tree; remove_cgroup; (exit $rc); _cleanup' EXIT

cat >"$TEST_TMP/tree.py" <<'PY'
import os, sys, time
go = sys.argv[1]
def leaker():  # 32 MiB/s once go exists, until the OOM killer
    keep = []
    while os.getppid() != 1:
        if os.path.exists(go):
            keep.append(bytearray(8 << 20))
        time.sleep(0.25)
def spiker():  # 40 MiB for half a second, every two seconds
    while os.getppid() != 1:
        b = bytearray(40 << 20)
        time.sleep(0.5)
        del b
        time.sleep(1.5)
def control():
    keep = bytearray(8 << 20)
    while os.getppid() != 1:
        time.sleep(0.25)
for role in (leaker, spiker, control):
    if os.fork() == 0:
        # A file each: three processes sharing one stdout lost lines under load.
        with open(os.path.join(os.path.dirname(go), role.__name__ + ".pid"), "w") as f:
            f.write(str(os.getpid()))
        role()
        sys.exit(0)
while True:  # reaps late, so that a zombie tells how its child ended
    time.sleep(3)
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        pass
PY
sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" "$3" "$4"' sh "$CG_DIR" "$SYS_PY" \
   "$TEST_TMP/tree.py" "$TEST_TMP/go" >"$TEST_TMP/tree.out" 2>&1 </dev/null &
TREE=$!
wait_for 10 has_children "$TREE" 3 || bail "the tree did not fork 3 workers"
wait_for 5 eval '[ -s "$TEST_TMP/leaker.pid" ] && [ -s "$TEST_TMP/spiker.pid" ] && [ -s "$TEST_TMP/control.pid" ]' ||
   bail "the workers did not say who they are"
LEAKER=$(cat "$TEST_TMP/leaker.pid")
SPIKER=$(cat "$TEST_TMP/spiker.pid")
CONTROL=$(cat "$TEST_TMP/control.pid")
[[ $LEAKER =~ ^[0-9]+$ && $SPIKER =~ ^[0-9]+$ && $CONTROL =~ ^[0-9]+$ ]] ||
   bail "unreadable worker PIDs: '$LEAKER' '$SPIKER' '$CONTROL'"

REC=$TEST_TMP/rec
"$LEAKTOP" record -p "$TREE" --dir "$REC" -d 0.25 --smaps-interval 1 \
   >"$TEST_TMP/rec.out" 2>"$TEST_TMP/rec.err" </dev/null &
REC_PID=$!
track "$REC_PID"
# The spikes first, long enough for a verdict on them; then the leak.
sleep 45
touch "$TEST_TMP/go"
wait_for 60 eval '! alive "$LEAKER"' || diag "the leaker was not killed"
sleep 4
kill -TERM "$REC_PID"
wait_exit "$REC_PID" 20
ok $? "the recorder ends cleanly"
end_tree

MD=$TEST_TMP/report.md
HTML=$TEST_TMP/report.html
"$LEAKTOP" report --dir "$REC" --md "$MD" --html "$HTML" >"$TEST_TMP/report.out" 2>&1
ok $? "leaktop report writes both files"
[ -s "$MD" ] || diag "$(cat "$TEST_TMP/report.out")"

check "the Markdown counts one OOM kill in the window" \
   grep -Eq 'OOM kills in the window[^0-9]*1\b' "$MD"
check "the killed worker's end is an OOM kill, in the timeline and the exited summary" \
   bash -c "grep -Ei 'PID $LEAKER([^0-9].*)?oom kill' '$MD' | grep -q . &&
            grep -Eic 'oom kill' '$HTML' | grep -qv '^0$'"
check "the spiking worker is judged as spikes" \
   grep -Eq "PID $SPIKER([^0-9].*)?spikes" "$MD"
check "the spiking worker is never said to grow" \
   bash -c "! grep -E 'PID $SPIKER([^0-9]|\$)' '$MD' | grep -qi 'grows'"
check "the control is neither growing nor spiking" \
   bash -c "! grep -E 'PID $CONTROL([^0-9]|\$)' '$MD' | grep -Eqi 'grows|spikes'"
check "the HTML has the three workers' charts" \
   bash -c "for p in $LEAKER $SPIKER $CONTROL; do grep -Eq \"PID \$p([^0-9]|\\\$)\" '$HTML' || exit 1; done"

diag "$(grep -E "PID ($LEAKER|$SPIKER|$CONTROL)([^0-9]|$)" "$MD" | head -12)"
done_testing
