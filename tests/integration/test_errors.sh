#!/bin/bash
# Bad input gets a clear message and a non-zero exit; what leaktop may not
# read (smaps of another user's process) is null with a reason, never 0.
. "$(dirname "$0")/lib.sh"

plan 20

# A PID that is not running: count down from pid_max.
pid=$(($(cat /proc/sys/kernel/pid_max) - 1))
while [ -e "/proc/$pid" ]; do pid=$((pid - 1)); done

run nopid --batch -n 1 -p "$pid"
ok "$([ "$RC" -eq 1 ] && echo 0 || echo 1)" "nonexistent PID: exit 1 (got $RC)"
check "nonexistent PID: stderr names the PID" grep -q -w "$pid" "$ERR"
check "nonexistent PID: no JSON on stdout" test ! -s "$OUT"

run badopt --batch --no-such-option
check "unknown option: non-zero exit" test "$RC" -ne 0
check "unknown option: usage hint on stderr" grep -Eqi -- "usage|--help" "$ERR"
check "unknown option: the message names the option" grep -q -- "--no-such-option" "$ERR"

run baddelay --batch -n 1 -d banana -p 1
check "malformed -d: non-zero exit" test "$RC" -ne 0 -a "$RC" -ne 124
check "malformed -d: message on stderr" test -s "$ERR"

run badpid --batch -n 1 -p 12abc
check "malformed -p: non-zero exit with a message" test "$RC" -ne 0 -a "$RC" -ne 124 -a -s "$ERR"

run help --help
check "--help: exit 0" test "$RC" -eq 0
check "--help: usage on stdout, naming --batch" grep -q -- '--batch' "$OUT"

run version --version
check "--version: exit 0" test "$RC" -eq 0
check "--version: prints leaktop and a version" grep -Eq 'leaktop.*[0-9]+\.[0-9]+' "$OUT"

run nomatch --batch -n 1 "no-such-service-$$-xyzzy"
ok "$([ "$RC" -eq 1 ] && echo 0 || echo 1)" "pattern matching nothing: exit 1 (got $RC)"
check "pattern matching nothing: message on stderr" test -s "$ERR"

# ---- unprivileged leaktop against root's processes ---------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
   skip_rest "needs root and setpriv to run leaktop as nobody"
   done_testing
fi
start_service priv --workers 1 --leak-kib 16 || bail "demo service did not start"
wait_for 10 has_children "$SVC_PID" 1 || bail "service did not fork its worker"
export SVC_PID
NOBODY_OUT=$TEST_TMP/nobody.jsonl
rc=0
(cd / && timeout -k 5 30 setpriv --reuid=65534 --regid=65534 --clear-groups \
   "$(readable_copy "$LEAKTOP")" --batch -n 1 -p "$SVC_PID") >"$NOBODY_OUT" 2>"$NOBODY_OUT.err" </dev/null || rc=$?
ok "$rc" "leaktop as nobody against root's service: exit 0"
[ "$rc" -eq 0 ] || diag "$(cat "$NOBODY_OUT.err")"
jcheck "as nobody: master and worker found, RSS present (within 1% of VmRSS)" "$NOBODY_OUT" \
   'len(procs(last)) == 2 and all(within(p["rss_kib"], vmrss(p["pid"]), 1) for p in procs(last))' \
   '[(p["pid"], p["rss_kib"], vmrss(p["pid"])) for p in procs(last)]'
jcheck "as nobody: PSS, USS and swap are null, never 0" "$NOBODY_OUT" \
   'all(p["pss_kib"] is None and p["uss_kib"] is None and p["swap_kib"] is None for p in procs(last)) and tree(last, envint("SVC_PID"))["total_pss_kib"] is None' \
   '[(p["pid"], p["pss_kib"], p["uss_kib"], p["swap_kib"]) for p in procs(last)]' 'tree(last, envint("SVC_PID"))["total_pss_kib"]'
jcheck "as nobody: smaps_error explains (permission)" "$NOBODY_OUT" \
   'all(p["smaps_error"] and any(w in p["smaps_error"].lower() for w in ("permission", "denied", "eacces", "privilege")) for p in procs(last))' \
   '[(p["pid"], p["smaps_error"]) for p in procs(last)]'
jcheck "as nobody: output follows the schema" "$NOBODY_OUT" 'not schema_errors()' 'schema_errors()[:20]'

done_testing
