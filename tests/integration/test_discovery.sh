#!/bin/bash
# With no target, leaktop finds every Python service tree on the host: a
# Python process with children (recognised from its executable or from a
# mapped interpreter, so a loader-run Python counts), or a lone large one.
# A PATTERN picks the trees whose root's command line matches.
. "$(dirname "$0")/lib.sh"

plan 9

# A parent that forks N sleeping children; optional ballast MiB in the parent.
cat >"$TEST_TMP/family.py" <<'PY'
import os, sys, time
children, ballast = int(sys.argv[1]), int(sys.argv[2])
keep = b"x" * (ballast << 20)
for _ in range(children):
    if os.fork() == 0:
        while os.getppid() != 1:
            time.sleep(0.5)
        os._exit(0)
while True:
    time.sleep(1)
PY

"$SYS_PY" "$TEST_TMP/family.py" 2 0 leaktop-discovery-tree &
TREE=$!
track "$TREE"
# The interpreter run through the dynamic loader: /proc/PID/exe is the
# loader, only /proc/PID/maps shows python3.
LOADER=$(ls /lib64/ld-linux-x86-64.so.2 2>/dev/null || ls /lib/ld-linux*.so* | head -1)
"$LOADER" "$(readlink -f "$SYS_PY")" "$TEST_TMP/family.py" 1 0 leaktop-discovery-loader &
LOADED=$!
track "$LOADED"
# A lone Python process over 64 MiB, and a small lone one.
"$SYS_PY" "$TEST_TMP/family.py" 0 96 leaktop-discovery-big &
BIG=$!
track "$BIG"
"$SYS_PY" "$TEST_TMP/family.py" 0 0 leaktop-discovery-small &
SMALL=$!
track "$SMALL"
# Not Python: a shell with children.
sh -c 'sleep 60 & sleep 60 & wait' &
SHELLTREE=$!
track "$SHELLTREE"
export TREE LOADED BIG SMALL SHELLTREE

wait_for 10 has_children "$TREE" 2 || bail "the test tree did not fork"
wait_for 10 has_children "$LOADED" 1 || bail "the loader-run tree did not fork"
wait_for 10 has_children "$SHELLTREE" 2 || bail "the shell did not fork"
wait_for 10 sh -c "[ \$(awk '/VmRSS/ {print \$2}' /proc/$BIG/status) -gt 70000 ]" ||
   bail "the big process did not grow"

OUT=$TEST_TMP/all.jsonl
timeout 30 "$LEAKTOP" --batch -n 1 >"$OUT" 2>"$OUT.err"
ok $? "leaktop with no target exits 0"
jcheck "a Python parent is a tree root, master of its 2 workers" "$OUT" \
   'tree(last, envint("TREE")) is not None and len(pids(last, envint("TREE"), "worker")) == 2 and proc(last, envint("TREE"))["role"] == "master"' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "a loader-run Python (interpreter only in maps) is found too" "$OUT" \
   'tree(last, envint("LOADED")) is not None and len(pids(last, envint("LOADED"), "worker")) == 1' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "a lone Python process over 64 MiB is shown, as single" "$OUT" \
   'tree(last, envint("BIG")) is not None and proc(last, envint("BIG"))["role"] == "single"' \
   '[(t["root_pid"], t["name"], t["total_rss_kib"]) for t in last["trees"]]'
jcheck "a small lone Python process is not" "$OUT" \
   'proc(last, envint("SMALL")) is None' '[t["root_pid"] for t in last["trees"]]'
jcheck "a shell with children is not a Python tree" "$OUT" \
   'proc(last, envint("SHELLTREE")) is None' '[t["root_pid"] for t in last["trees"]]'

OUT=$TEST_TMP/pattern.jsonl
timeout 30 "$LEAKTOP" --batch -n 1 'leaktop-discovery-(tree|loader)' >"$OUT" 2>"$OUT.err"
ok $? "leaktop PATTERN exits 0"
jcheck "PATTERN selects exactly the matching trees, each once" "$OUT" \
   'sorted(t["root_pid"] for t in last["trees"]) == sorted([envint("TREE"), envint("LOADED")])' \
   '[(t["root_pid"], t["name"]) for t in last["trees"]]'
jcheck "the workers (same command line) stay inside their tree" "$OUT" \
   'len(pids(last, envint("TREE"))) == 3 and len(pids(last, envint("LOADED"))) == 2' \
   '[(p["pid"], p["role"]) for p in procs(last)]'

done_testing
