#!/bin/bash
# leaktop's cooperative agent (python/leaktop_agent.py) asked by leaktop's
# own client (src/inject/AgentClient.c, through tests/integration/
# agent_request): in Debian's gunicorn, whose workers install it from
# post_worker_init; who may ask; a squatted socket name; fork; timeouts and
# size limits; a target in a container's PID and network namespaces.
. "$(dirname "$0")/lib.sh"

GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
: "${LEAKTOP_PYTHONDIR:=$(dirname "$TESTS_SRCDIR")/python}"
: "${AGENT_REQUEST:=$(dirname "$TESTS_SRCDIR")/tests/integration/agent_request}"
# Agents and clients run as nobody: they read copies, not the tree.
LEAKTOP_PYTHONDIR=$(readable_copy "$LEAKTOP_PYTHONDIR")
AGENT_REQUEST=$(readable_copy "$AGENT_REQUEST")
export LEAKTOP_PYTHONDIR
TARGET=$(readable_copy "$TESTS_SRCDIR/integration/agent_target.py")

plan 17
[ -x "$AGENT_REQUEST" ] || bail "AGENT_REQUEST=$AGENT_REQUEST is not built (make check builds it)"
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
   skip_rest "needs root and setpriv (clients and agents of other users)"
   done_testing
fi

_asked=0
TIMEOUT_MS=10000
# request PID REQUEST [SETPRIV_ARGS...]: the client (waiting TIMEOUT_MS) as
# root or as setpriv makes it; its exit status in RC, its reply in
# $REPLY_FILE, its message in $REPLY_FILE.err, its run time in TOOK (s).
request() {
   local pid=$1 req=$2 prefix=()
   shift 2
   [ $# -eq 0 ] || prefix=(setpriv "$@")
   _asked=$((_asked + 1))
   REPLY_FILE=$TEST_TMP/reply$_asked.json
   RC=0
   local t0=$EPOCHREALTIME
   timeout -k 5 30 "${prefix[@]}" "$AGENT_REQUEST" "$pid" "$req" "$TIMEOUT_MS" \
      >"$REPLY_FILE" 2>"$REPLY_FILE.err" || RC=$?
   TOOK=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
}

# refused DESCRIPTION PATTERN: the last request failed (exit 1), printed
# nothing, and its message matches PATTERN.
refused() {
   ok "$([ "$RC" -eq 1 ] && [ ! -s "$REPLY_FILE" ] && grep -q -e "$2" "$REPLY_FILE.err" &&
      echo 0 || echo 1)" "$1"
   diag "exit $RC: $(cat "$REPLY_FILE.err")"
}

# start_py NAME ARGS...: agent_target.py in the background (as root unless
# ARGS start with setpriv options, given as SETPRIV=...); sets PY_PID.
start_py() {
   local name=$1
   shift
   "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" </dev/null &
   track $!
   wait_for 20 grep -qs '^READY' "$TEST_TMP/$name.out" ||
      bail "$name did not start: $(cat "$TEST_TMP/$name.err")"
   PY_PID=$(awk '/^READY/{print $2; exit}' "$TEST_TMP/$name.out")
}

# ---- gunicorn ---------------------------------------------------------------
if [ -x "$GUNICORN" ]; then
   start_gunicorn 2 -c "$TESTS_SRCDIR/integration/agent_gunicorn_conf.py"
   W=$(cat /proc/"$G"/task/*/children | awk '{print $1}')
   wait_for 20 grep -q "leaktop-agent-$W" /proc/net/unix || diag "no agent socket for $W yet"

   request "$W" '{"seq": 1, "top": 10}'
   ok "$RC" "a gunicorn worker's agent answers leaktop's client (exit $RC)"
   diag "$(cat "$REPLY_FILE.err")"
   rcheck "the result is that worker's: pid, seq, Debian's python, types" "$REPLY_FILE" \
      "r['leaktop_snapshot'] == 1 and r['pid'] == $W and r['seq'] == 1
       and r['python'] == '$("$SYS_PY" -c 'import sys; print(sys.version.split()[0])')'
       and len(r['types']) == r['types_total'] > 10 and r['errors'] == []"
   request "$W" '{"seq": 2, "start_tracemalloc": 1}'
   request "$W" '{"seq": 3, "frames": 1}'
   rcheck "tracemalloc started through the agent: traced lines and tracebacks" "$REPLY_FILE" \
      'r["tracemalloc"]["tracing"] is True and len(r["lines"]) > 0 and len(r["tracebacks"]) > 0'
   body=$("$PY" -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=10).read().decode())' "$PORT" 2>&1)
   ok "$(case $body in "ok "*) echo 0 ;; *) echo 1 ;; esac)" "the workers still serve"
   diag "$body"
   request "$W" 'not json'
   rcheck "a malformed request gets a result naming the problem" "$REPLY_FILE" \
      'r["errors"][0].startswith("request: ") and "types" not in r'

   request "$W" '{"seq": 4}' --reuid=65534 --regid=65534 --clear-groups
   refused "a client running as nobody is refused by a root worker's agent" \
      "closed the connection without answering"
   request "$W" '{"seq": 5}'
   rcheck "... which answers root afterwards" "$REPLY_FILE" 'r["seq"] == 5'
   request "$G" '{"seq": 1}'
   ok "$([ "$RC" -eq 2 ] && grep -q "has no leaktop agent" "$REPLY_FILE.err" && echo 0 || echo 1)" \
      "the master, which has no agent: exit 2, 'no leaktop agent'"
   diag "exit $RC: $(cat "$REPLY_FILE.err")"
else
   for _ in 1 2 3 4 5 6 7 8; do ok 0 "# SKIP $GUNICORN not installed (apt-get install gunicorn)"; done
fi

# ---- a squatted name ----------------------------------------------------------
start_py plain "$SYS_PY" "$TARGET" plain
PLAIN=$PY_PID
start_py squat "$SYS_PY" "$TARGET" squat "$PLAIN"
SQUAT=$PY_PID
request "$PLAIN" '{"seq": 1}'
refused "a name squatted by another process is refused by the peer-pid check" \
   "held by process $SQUAT (uid 0), not by process $PLAIN"

# ---- fork ---------------------------------------------------------------------
start_py fork "$SYS_PY" "$TARGET" fork
PARENT=$PY_PID
wait_for 20 grep -q '^CHILD' "$TEST_TMP/fork.out" || bail "the forked child did not start"
CHILD=$(awk '/^CHILD/{print $2}' "$TEST_TMP/fork.out")
request "$PARENT" '{"seq": 1}'
rcheck "after os.fork() the parent's agent answers for the parent" "$REPLY_FILE" \
   "r['pid'] == $PARENT and any(t[:2] == ['__main__.Retained', 3000] for t in r['types'])"
wait_for 10 grep -q "leaktop-agent-$CHILD" /proc/net/unix
request "$CHILD" '{"seq": 1}'
rcheck "... and the child has an agent of its own (register_at_fork)" "$REPLY_FILE" \
   "r['pid'] == $CHILD and any(t[:2] == ['__main__.Retained', 3000] for t in r['types'])"

# A client that connects and sends nothing holds the agent for its read
# timeout (5 s), no longer.
start_py hold "$SYS_PY" "$TARGET" hold "$PARENT"
request "$PARENT" '{"seq": 2}'
ok "$([ "$RC" -eq 0 ] && grep -q '^CLOSED' "$TEST_TMP/hold.out" &&
   awk -v t="$TOOK" 'BEGIN{exit !(t >= 3 && t < 9)}' && echo 0 || echo 1)" \
   "a client sending nothing is dropped after the agent's timeout; the next is answered (${TOOK} s)"
diag "exit $RC: $(cat "$REPLY_FILE.err")"

# ---- the client's own limits ------------------------------------------------------
start_py flood "$SYS_PY" "$TARGET" flood
request "$PY_PID" '{"seq": 1}'
refused "a reply past the size limit is refused" "sent more than 1052672 bytes"
start_py mute "$SYS_PY" "$TARGET" mute
TIMEOUT_MS=1000 request "$PY_PID" '{"seq": 1}'
ok "$([ "$RC" -eq 1 ] && grep -q "timed out" "$REPLY_FILE.err" &&
   awk -v t="$TOOK" 'BEGIN{exit !(t < 3)}' && echo 0 || echo 1)" \
   "an agent that never answers: the client gives up after its timeout (${TOOK} s)"
diag "exit $RC: $(cat "$REPLY_FILE.err")"

# ---- the agent's own user -------------------------------------------------------
start_py nobody setpriv --reuid=65534 --regid=65534 --clear-groups "$SYS_PY" "$TARGET" serve
NOBODY=$PY_PID
request "$NOBODY" '{"seq": 1}' --reuid=65534 --regid=65534 --clear-groups
rcheck "an agent running as nobody answers a client of the same uid" "$REPLY_FILE" \
   "r['pid'] == $NOBODY"
request "$NOBODY" '{"seq": 2}' --reuid=1 --regid=1 --clear-groups
refused "... and refuses one of another non-root uid" "closed the connection without answering"

# ---- a container: its own PID and network namespaces ---------------------------
# The agent names its socket with its PID inside (1); the client finds that
# in NSpid, enters the network namespace, and sees the host PID as the peer.
if unshare -p -f -n true 2>/dev/null; then
   unshare -p -f -n "$SYS_PY" "$TARGET" serve >"$TEST_TMP/ns.out" 2>"$TEST_TMP/ns.err" </dev/null &
   track $!
   wait_for 20 grep -qs '^READY 1$' "$TEST_TMP/ns.out" || bail "no target in namespaces: $(cat "$TEST_TMP/ns.err")"
   NS_HOST=$(cat /proc/$!/task/*/children | awk '{print $1}')
   request "$NS_HOST" '{"seq": 1}'
   rcheck "a target with its own PID and network namespaces is reached (PID $NS_HOST, 1 inside)" \
      "$REPLY_FILE" "r['pid'] == 1 and any(t[:2] == ['__main__.Retained', 3000] for t in r['types'])"
   diag "$(cat "$REPLY_FILE.err")"
else
   ok 0 "# SKIP unshare -p -n is not permitted here"
fi

done_testing
