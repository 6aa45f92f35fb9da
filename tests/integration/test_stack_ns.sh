#!/bin/bash
# leaktop stack on container-like targets (needs root for unshare):
#   - a Python in its own PID namespace, where it is PID 1 and its threads
#     have TIDs that differ from the host's: each thread is shown under its
#     host TID with the namespace's TID beside it (NSpid), and CPython's
#     thread states, which record the namespace's TIDs, land on the right
#     threads;
#   - a Python in its own mount namespace too, run from a directory that is
#     empty on the host (the interpreter is bind-mounted there only inside),
#     so its files are reached only through /proc/PID/root;
#   - a Python in a chroot, whose maps show paths as the host sees them, so
#     /proc/PID/root does not lead to its files: /proc/PID/map_files does.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stack_lib.sh
. "$(dirname "$0")/stack_lib.sh"

plan 17
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null ||
   ! unshare --pid --fork --mount-proc true 2>/dev/null; then
   skip_rest "needs root and unshare (util-linux) with PID namespaces"
   done_testing
fi

SCRIPT=$TEST_TMP/ns_target.py
cat >"$SCRIPT" <<'PY'
import os, signal, threading, time

# PID 1 of a namespace ignores signals it has no handler for.
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

def worker_wait(ready):
    ready.append(threading.get_native_id())
    time.sleep(1000)  # LINE-WORKER

ready = []
threading.Thread(target=worker_wait, args=(ready,), daemon=True).start()
while not ready:
    time.sleep(0.01)
print("ready", os.getpid(), ready[0], flush=True)
time.sleep(1000)  # LINE-MAIN
PY

# start_ns NAME UNSHARE_ARGS... -- COMMAND...: runs COMMAND under unshare
# (--kill-child: it dies with unshare); sets NS_PID (the target's host PID),
# NS_SELF and NS_WORKER (its own PID and worker TID, as it sees them).
start_ns() {
   local name=$1
   shift
   unshare --fork --kill-child "$@" >"$TEST_TMP/$name.out" 2>&1 </dev/null &
   local u=$!
   track "$u"
   wait_for 15 grep -q '^ready ' "$TEST_TMP/$name.out" ||
      bail "the $name target did not start: $(cat "$TEST_TMP/$name.out")"
   NS_PID=$(cat /proc/"$u"/task/*/children | tr -d ' ')
   track "$NS_PID" # unshare ignores SIGTERM while it waits for it
   read -r _ NS_SELF NS_WORKER < <(grep '^ready ' "$TEST_TMP/$name.out")
}

# host_tid PID NSTID: the host TID of the thread of PID whose innermost NSpid is NSTID.
host_tid() {
   local s
   for s in /proc/"$1"/task/*/status; do
      if [ "$(awk '/^NSpid:/ {print $NF}' "$s")" = "$2" ]; then
         basename "$(dirname "$s")"
         return
      fi
   done
}

# ---- a PID namespace ----------------------------------------------------------------
start_ns pidns --pid --mount-proc -- "$SYS_PY" "$SCRIPT"
check "the target is PID 1 in its namespace, and its worker's TID differs from the host's" \
   test "$NS_SELF" = 1 -a "$(host_tid "$NS_PID" "$NS_WORKER")" != "$NS_WORKER"
WORKER_HOST=$(host_tid "$NS_PID" "$NS_WORKER")

run pidns stack "$NS_PID"
is_rc 0 "stack of a Python in another PID namespace"
check "the main thread: its host TID, and TID 1 in its PID namespace" \
   grep -Eq "^Thread $NS_PID \(python3[.0-9]*\) sleeping, TID 1 in its PID namespace\$" "$OUT"
check "the worker: its host TID, and its namespace's TID" \
   grep -Eq "^Thread $WORKER_HOST \(.*\) sleeping, TID $NS_WORKER in its PID namespace\$" "$OUT"
thread_block "$OUT" "^Thread $WORKER_HOST " >"$TEST_TMP/worker.txt"
check "the worker's Python frames are its own (worker_wait at its line, under clock_nanosleep)" \
   above "$TEST_TMP/worker.txt" '^  clock_nanosleep' "^  worker_wait ($SCRIPT:$(line WORKER))"
thread_block "$OUT" "^Thread $NS_PID " >"$TEST_TMP/main.txt"
check "the main thread's Python frames are its own (<module> at its line)" \
   bash -c "grep -q '^  <module> ($SCRIPT:$(line MAIN))' '$TEST_TMP/main.txt' &&
            ! grep -q worker_wait '$TEST_TMP/main.txt'"

run pidns-json stack --python-only --json "$NS_PID"
check "--python-only --json: tid and ns_tid of both threads, frames on the right one" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
host_main, host_worker, ns_worker = (int(x) for x in sys.argv[2:5])
by = {t["tid"]: t for t in d["threads"]}
assert by[host_main]["ns_tid"] == 1 and by[host_worker]["ns_tid"] == ns_worker, by
assert by[host_worker]["frames"][0]["function"] == "worker_wait", by[host_worker]
assert by[host_main]["frames"][0]["function"] == "<module>", by[host_main]
' "$OUT" "$NS_PID" "$WORKER_HOST" "$NS_WORKER"

run pidns-prof stack "$NS_PID" --duration 1 --rate 50 --folded "$TEST_TMP/pidns.folded"
is_rc 0 "a profile of the namespaced target"
check "its folded stacks hold the worker's thread start through worker_wait" \
   grep -Eq "Thread\._bootstrap .*;worker_wait \($SCRIPT:$(line WORKER)\);" "$TEST_TMP/pidns.folded"

# ---- a mount namespace too: files only through /proc/PID/root ----------------------
NSBIN=$TEST_TMP/nsbin
mkdir "$NSBIN"
start_ns mntns --pid --mount-proc --mount --propagation private -- \
   sh -c "mount --bind /usr/bin '$NSBIN' && exec '$NSBIN/python3.11' '$SCRIPT'"
check "the interpreter's path exists only inside: the host's $NSBIN is empty" \
   bash -c "grep -q ' $NSBIN/python3.11\$' /proc/$NS_PID/maps && [ -z \"\$(ls -A '$NSBIN')\" ]"
run mntns stack "$NS_PID"
is_rc 0 "stack of a Python in its own mount and PID namespaces"
check "CPython found through /proc/PID/root, with the Python frames" \
   bash -c "grep -Eq '^Process $NS_PID \(python3.11\), CPython 3\.11' '$OUT' &&
            grep -q '^  worker_wait ($SCRIPT:$(line WORKER))' '$OUT'"
check "native frames named from the interpreter read through /proc/PID/root" \
   grep -Eq '^  Py_BytesMain\+0x[0-9a-f]+ \(python3\.11\)$' "$OUT"

# ---- a chroot ---------------------------------------------------------------------
CHROOT=$TEST_TMP/chroot
mkdir -p "$CHROOT/usr"
cp "$SCRIPT" "$CHROOT/ns_target.py"
# /usr bind-mounted, and /lib, /lib64, /bin as the host has them (links
# into /usr on a merged-/usr system, or bind mounts).
binds="mount --bind /usr '$CHROOT/usr'"
for d in lib lib64 bin; do
   if [ -L "/$d" ]; then
      ln -s "$(readlink "/$d")" "$CHROOT/$d"
   elif [ -d "/$d" ]; then
      mkdir "$CHROOT/$d"
      binds="$binds && mount --bind /$d '$CHROOT/$d'"
   fi
done
start_ns chroot --mount --propagation private -- \
   sh -c "$binds && exec chroot '$CHROOT' /usr/bin/python3.11 /ns_target.py"
check "the chroot's maps name the interpreter by its host path, absent under /proc/PID/root" \
   bash -c "grep -q ' $CHROOT/usr/bin/python3.11\$' /proc/$NS_PID/maps &&
            [ ! -e '/proc/$NS_PID/root$CHROOT/usr/bin/python3.11' ]"
run chroot stack "$NS_PID"
is_rc 0 "stack of a Python in a chroot"
check "CPython found through /proc/PID/map_files, with the Python frames at their lines" \
   bash -c "grep -Eq '^Process $NS_PID \(python3.11\), CPython 3\.11' '$OUT' &&
            grep -q '^  worker_wait (/ns_target.py:$(line WORKER))' '$OUT' &&
            grep -q '^  <module> (/ns_target.py:$(line MAIN))' '$OUT'"
check "native frames unwound and named (libc under the Python frames, Py_BytesMain)" \
   bash -c "grep -Eq '^  clock_nanosleep\+0x[0-9a-f]+ \(libc.so.6\)$' '$OUT' &&
            grep -Eq '^  Py_BytesMain\+0x[0-9a-f]+ \(python3\.11\)$' '$OUT'"

done_testing
