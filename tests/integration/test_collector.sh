#!/bin/bash
# leaktop's snapshot collector (python/leaktop_collector.py) inside real
# Python processes, run the way an injected pending call runs it
# (PyRun_SimpleString of a bootstrap that execs its source), on Debian's
# python3 and the pyenv 3.12/3.13 builds when present: what it reports, the
# private result directory and its refusals, and what it leaves behind.
# Each target has a /tmp of its own (a private mount namespace), which the
# test reads the way leaktop does, through /proc/PID/root.
. "$(dirname "$0")/lib.sh"

# Targets run as nobody: they read copies, not the tree.
COLLECTOR=$(readable_copy "${LEAKTOP_PYTHONDIR:-$(dirname "$TESTS_SRCDIR")/python}/leaktop_collector.py")
TARGET=$(readable_copy "$TESTS_SRCDIR/integration/collector_target.py")
ALLOC_LINE=$(grep -n '# ALLOC_LINE' "$TARGET" | cut -d: -f1)

PYS=("$SYS_PY")
for p in "${HOME:-/root}"/.pyenv/versions/3.1[234]*/bin/python3; do
   [ -x "$p" ] && PYS+=("$p")
done

plan $((8 * ${#PYS[@]} + 12))

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
   ! unshare -m --propagation private sh -c 'mount -t tmpfs none /mnt' 2>/dev/null; then
   skip_rest "needs root, setpriv and unshare -m (a private /tmp per target)"
   done_testing
fi

_targets=0

# start_target PYTHON [SETPRIV_ARGS...]: the target under PYTHON in a mount
# namespace with its own /tmp, as root or as setpriv makes it; sets T_PID,
# T_OUT, T_FD (its command pipe), T_VERSION and T_DIR (its result directory
# as seen from here).
start_target() {
   local py=$1 name
   shift
   _targets=$((_targets + 1))
   name=$TEST_TMP/target$_targets
   mkfifo "$name.in"
   local prefix=()
   [ $# -eq 0 ] || prefix=(setpriv "$@")
   # The new /tmp hides the old one: a clone under /tmp gets the folders
   # of the target and the collector bound back at their own paths.
   unshare -m --propagation private sh -c '
      case "$1 $2" in */tmp/*) mount --bind /tmp /mnt || exit 1 ;; esac
      mount -t tmpfs -o mode=1777,size=256m leaktop-test /tmp || exit 1
      for dir in "$1" "$2"; do
         case $dir in
         /tmp/*) mkdir -p "$dir" && mount --bind "/mnt${dir#/tmp}" "$dir" || exit 1 ;;
         esac
      done
      shift 2
      exec "$@"' sh "$(dirname "$TARGET")" "$(dirname "$COLLECTOR")" \
      "${prefix[@]}" "$py" "$TARGET" "$COLLECTOR" \
      <"$name.in" >"$name.out" 2>"$name.err" &
   T_PID=$!
   track "$T_PID"
   exec {T_FD}>"$name.in"
   T_OUT=$name.out
   wait_for 20 grep -q '^READY' "$T_OUT" || bail "target did not start: $(cat "$name.err")"
   [ "$(awk '/^READY/{print $2}' "$T_OUT")" = "$T_PID" ] || bail "the target's pid is not $T_PID"
   T_VERSION=$(awk '/^READY/{print $3}' "$T_OUT")
   T_DIR=/proc/$T_PID/root/tmp/leaktop-$(stat -c %u /proc/"$T_PID")
}

stop_target() {
   printf 'quit\n' >&"$T_FD"
   exec {T_FD}>&-
   wait_gone 10 "$T_PID" || diag "target $T_PID did not quit"
}

more_lines() { # more_lines FILE N: FILE has more than N lines
   [ "$(lines "$1")" -gt "$2" ]
}

_asked=0
# ask COMMAND: sends one command to the target and waits for its answer,
# which goes to the file $ANSWER.
ask() {
   local n
   n=$(lines "$T_OUT")
   printf '%s\n' "$1" >&"$T_FD"
   wait_for 30 more_lines "$T_OUT" "$n" || bail "no answer to '$1': $(tail -n 5 "$T_OUT.err" 2>/dev/null)"
   _asked=$((_asked + 1))
   ANSWER=$TEST_TMP/answer$_asked.json
   tail -n 1 "$T_OUT" >"$ANSWER"
}

# snapshot SEQ REQUEST: runs the collector; RESULT is the copy of the file
# it wrote (empty when it wrote none).
snapshot() {
   ask "run $2"
   RESULT=$TEST_TMP/result-$T_PID-$1.json
   cat "$T_DIR/snapshot-$T_PID-$1.json" >"$RESULT" 2>/dev/null || : >"$RESULT"
}

clean_run='r["rc"] == 0 and r["new_main_names"] == [] and r["last"] == []'

# ---- each interpreter, as root ----------------------------------------------
for py in "${PYS[@]}"; do
   start_target "$py"
   v=$T_VERSION
   ask "retain 5000"
   snapshot 1 '{"seq": 1, "top": 10}'
   rcheck "$v: the bootstrap leaves no name in __main__ and no sys.last_*" "$ANSWER" "$clean_run"
   rcheck "$v: the retained class is counted exactly, and every type is listed" "$RESULT" \
      'any(t[:2] == ["__main__.Retained", 5000] for t in r["types"])
       and len(r["types"]) == r["types_total"] > 10'
   rcheck "$v: pid, seq, version, RSS, blocks, gc; no tracing, no errors" "$RESULT" \
      "r['pid'] == $T_PID and r['seq'] == 1 and r['python'] == '$v' and r['rss_kib'] > 1000
       and r['allocated_blocks'] > 5000 and r['gc']['objects'] >= 5000
       and len(r['gc']['counts']) == 3 and r['tracemalloc']['tracing'] is False
       and 'lines' not in r and r['errors'] == [] and r['truncated'] is False"
   snapshot 2 '{"seq": 2, "start_tracemalloc": 5}'
   rcheck "$v: start_tracemalloc starts tracing with 5 frames" "$RESULT" \
      'r["tracemalloc"]["tracing"] is True and r["tracemalloc"]["frames"] == 5'
   ask "alloc 3000"
   snapshot 3 '{"seq": 3, "frames": 5}'
   rcheck "$v: the allocating line tops the traced lines" "$RESULT" \
      "r['lines'][0]['file'] == '$TARGET' and r['lines'][0]['line'] == $ALLOC_LINE
       and r['lines'][0]['size'] >= 3000 * 4096 and r['lines'][0]['count'] >= 3000"
   rcheck "$v: its traceback tops the tracebacks, innermost frame first" "$RESULT" \
      "r['tracebacks'][0]['frames'][0] == ['$TARGET', $ALLOC_LINE]
       and len(r['tracebacks'][0]['frames']) >= 2
       and r['tracebacks'][0]['frames'][1][0] == '$TARGET'"
   snapshot 4 '{"seq": 4, "stop_tracemalloc": true}'
   snapshot 5 '{"seq": 5}'
   rcheck "$v: stop_tracemalloc stops tracing" "$RESULT" \
      'r["tracemalloc"]["tracing"] is False and "lines" not in r'
   left=$(find "$T_DIR" -mindepth 1 ! -name 'snapshot-*.json' 2>&1)
   ok "$([ -z "$left" ] && echo 0 || echo 1)" "$v: only result files in the directory, no .tmp"
   diag "$left"
   stop_target
done

# ---- Debian's python as nobody: the directory, symlinks, limits, faults -----
start_target "$SYS_PY" --reuid=65534 --regid=65534 --clear-groups
ROOT=/proc/$T_PID/root/tmp
nothing_written() { # nothing_written DIR SEQ
   [ -z "$(find "$ROOT/victim" -mindepth 1 2>&1)" ] &&
      [ -z "$(find "$ROOT" -name "*snapshot-$T_PID-$2*" 2>&1)" ]
}
install -d -o 65534 -g 65534 -m 700 "$ROOT/victim"
ln -s /tmp/victim "$T_DIR"
snapshot 1 '{"seq": 1}'
ok "$(nothing_written "$T_DIR" 1 && echo 0 || echo 1)" \
   "a symlink at the directory's path (to a private dir of the same user) is not followed"
rm "$T_DIR"

install -d -o 65534 -g 65534 -m 755 "$T_DIR"
snapshot 2 '{"seq": 2}'
ok "$(nothing_written "$T_DIR" 2 && echo 0 || echo 1)" \
   "a directory others can read gets nothing"
chmod 700 "$T_DIR"

ln -s /tmp/victim/planted "$T_DIR/.snapshot-$T_PID-3.tmp"
snapshot 3 '{"seq": 3}'
ok "$([ ! -e "$ROOT/victim/planted" ] && echo 0 || echo 1)" \
   "a symlink at the temporary file's path is not written through"
rcheck "... and the result is written beside it all the same" "$RESULT" 'r["seq"] == 3'
st=$(stat -c '%n %u %a %F' "$T_DIR/snapshot-$T_PID-3.json" 2>&1) || true
dst=$(stat -c '%u %a' "$T_DIR/" 2>&1) || true
ok "$([ "$st" = "$T_DIR/snapshot-$T_PID-3.json 65534 600 regular file" ] &&
   [ "$dst" = "65534 700" ] && echo 0 || echo 1)" \
   "the result is a regular file snapshot-PID-SEQ.json, nobody's, 0600, in nobody's 0700 dir"
diag "file: $st; dir: $dst"

ask "churn 10000"
snapshot 4 '{"seq": 4, "trim": true}'
rcheck "malloc_trim(0) returns the freed 40 MB and the result says so" "$RESULT" \
   'r["trim"]["rss_after_kib"] < r["trim"]["rss_before_kib"] - 20000'

ask "classes 300"
snapshot 5 '{"seq": 5, "top": 200, "max_bytes": 4096}'
size=$(stat -c %s "$RESULT")
rcheck "max_bytes 4096: shortened lists, truncated ($size bytes)" "$RESULT" \
   "r['truncated'] is True and $size <= 4097 and 0 < len(r['types']) < 200"

# Sizes come from the type struct: a metaclass's __basicsize__ property, an
# instance's __sizeof__, __len__ (of a tuple subclass), __repr__ or
# __getattr__ is never called.
ask "tripwire 40"
basic=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["basicsize"])' "$ANSWER")
snapshot 8 '{"seq": 8}'
rcheck "Wired is counted, its shallow size 40 x its real tp_basicsize ($basic)" "$RESULT" \
   "[t for t in r['types'] if t == ['__main__.Wired', 40, 40 * $basic]]"
ask "tripped"
rcheck "no property, __sizeof__, __len__, __repr__ or __getattr__ of Wired ran" "$ANSWER" \
   "r['tripped'] == []"

ask "retain 300000"
snapshot 6 '{"seq": 6, "deadline_ms": 1}'
rcheck "deadline_ms 1: counting stops early and says so" "$RESULT" \
   'r["truncated"] is True and any("deadline reached" in e for e in r["errors"])
    and sum(t[1] for t in r["types"]) < r["gc"]["objects"]'

ask "break"
snapshot 7 '{"seq": 7}'
rcheck "a collector whose parts raise leaves no name in __main__ and no sys.last_*" \
   "$ANSWER" "$clean_run"
rcheck "... and still reports, with each failed part in errors" "$RESULT" \
   "r['pid'] == $T_PID and r['rss_kib'] > 0 and 'types' not in r
    and 'types: RuntimeError: broken by the test' in r['errors']
    and 'allocated_blocks: RuntimeError: broken by the test' in r['errors']"
stop_target

done_testing
