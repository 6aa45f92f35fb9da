#!/bin/bash
# New code as an event (issue 14), against Debian's gunicorn serving a copy
# of wsgi_app.py: a quiet run and a HUP reload with nothing changed are no
# deploy; a HUP after the app file was replaced is one, in --batch and in a
# recording (read back with leaktop dump); a USR2 re-exec is a new master;
# workers that leak from a deploy on grow, in the tree's verdict, since it;
# Debian's uwsgi re-execs its master in place on HUP.
. "$(dirname "$0")/lib.sh"

GUNICORN=${GUNICORN:-/usr/bin/gunicorn}
UWSGI=${UWSGI:-/usr/bin/uwsgi}
plan 22
[ -x "$GUNICORN" ] || {
   skip_rest "$GUNICORN not installed (apt-get install gunicorn)"
   done_testing
}

APP=$TEST_TMP/app
mkdir "$APP" || bail "cannot make $APP"
cp "$TESTS_SRCDIR/integration/wsgi_app.py" "$APP/" || bail "cannot copy the app"
"$GUNICORN" -w 2 -b 127.0.0.1:0 --chdir "$APP" --worker-tmp-dir "$TEST_TMP" wsgi_app:app \
   >"$TEST_TMP/gunicorn.out" 2>"$TEST_TMP/gunicorn.err" </dev/null &
G=$!
track "$G"
wait_for 20 grep -qs 'Listening at: http://127.0.0.1:[0-9]' "$TEST_TMP/gunicorn.err" ||
   bail "gunicorn did not start: $(tail -n 5 "$TEST_TMP/gunicorn.err")"
wait_for 20 has_children "$G" 2 || bail "gunicorn did not boot 2 workers"

workers() {
   cat /proc/"$G"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | sort -n | tr '\n' ' '
}
# replaced OLD: the master has 2 workers again, none of them in OLD.
# shellcheck disable=SC2317 # called through wait_for
replaced() {
   local now w
   now=$(workers)
   [ "$(wc -w <<<"$now")" -eq 2 ] || return 1
   for w in $now; do
      case " $1 " in *" $w "*) return 1 ;; esac
   done
}
# reload: HUP, and wait for both workers to be new.
reload() {
   local old
   old=$(workers)
   kill -HUP "$G"
   wait_for 20 replaced "$old" || bail "HUP did not replace the workers ($old -> $(workers))"
}

REC=$TEST_TMP/rec
mkdir -m 700 "$REC"
"$LEAKTOP" record --dir "$REC" -p "$G" >/dev/null 2>"$TEST_TMP/record.err" </dev/null &
REC_PID=$!
track "$REC_PID"
OUT=$TEST_TMP/batch.jsonl
leaktop_bg "$OUT" --batch -d 1 -n 28 -p "$G"

# Longer than a look at the code files (5 s), twice: once quiet, once after a
# reload that loads the same files.
sleep 6
reload
sleep 6
T_QUIET=$(date +%s.%N)
# A deploy: the new version written beside it and renamed over it, then HUP.
sed 's/^    body = b"ok/    body = b"v2 ok/' "$APP/wsgi_app.py" >"$APP/wsgi_app.py.new"
mv "$APP/wsgi_app.py.new" "$APP/wsgi_app.py"
T_CHANGE=$(date +%s.%N)
reload
NEW_WORKERS=$(workers)
export T_QUIET T_CHANGE NEW_WORKERS G
leaktop_done 40 "leaktop --batch -n 28 exits 0"

# The newest deploy of the tree in the last tick, for the checks below.
D='tree(last, envint("G"))["deploys"][0]'
jcheck "no deploy while nothing changed (a quiet run, a HUP reload of the same files)" "$OUT" \
   'all(tree(t, envint("G"))["deploys_total"] == 0 and tree(t, envint("G"))["deploys"] == [] for t in ticks if t["time"] < float(env("T_QUIET")))' \
   '[(t["tick"], t["time"], tree(t, envint("G"))["deploys"]) for t in ticks if tree(t, envint("G"))["deploys"]][:3]' \
   'env("T_QUIET")'
jcheck "one deploy after the app file was replaced and the workers reloaded" "$OUT" \
   'tree(last, envint("G"))["deploys_total"] == 1 and len(tree(last, envint("G"))["deploys"]) == 1' \
   'tree(last, envint("G"))["deploys"]'
jcheck "it is code-changed, first run by one of the reloaded workers" "$OUT" \
   "${D}[\"kind\"] == \"code-changed\" and ${D}[\"pid\"] in envints(\"NEW_WORKERS\") and ${D}[\"file\"] == \"wsgi_app.py\"" \
   "$D" 'envints("NEW_WORKERS")'
jcheck "the change time is the rename's (within 1 s), the new code runs after it" "$OUT" \
   "abs(${D}[\"code_changed\"] - float(env(\"T_CHANGE\"))) < 1 and ${D}[\"code_changed\"] <= ${D}[\"time\"] < float(env(\"T_CHANGE\")) + 5" \
   "$D" 'env("T_CHANGE")'
jcheck "its text names the worker and the file" "$OUT" \
   "${D}[\"text\"].startswith(\"a worker started (PID %d) after wsgi_app.py changed at \" % ${D}[\"pid\"])" \
   "${D}[\"text\"]"
jcheck "the deploy shows from a tick at most 6 s after the reload" "$OUT" \
   'min(t["time"] for t in ticks if tree(t, envint("G"))["deploys_total"] == 1) < float(env("T_CHANGE")) + 6' \
   '[(t["time"], tree(t, envint("G"))["deploys_total"]) for t in ticks][-12:]'
D_PID=$(jq_ "$OUT" "${D}[\"pid\"]")
D_START=$(jq_ "$OUT" "${D}[\"start_ticks\"]")
D_CHANGED=$(jq_ "$OUT" "${D}[\"code_changed\"]")
export D_PID D_START D_CHANGED

# ---- the recording -----------------------------------------------------------
# A live leaktop finds the running recorder and loads the tree's history from it.
run primed --batch -n 1 -p "$G"
ok "$RC" "leaktop --batch -n 1 with the recorder running exits 0"
jcheck "a live leaktop gets the recorded deploy with the history" "$OUT" \
   "tree(last, envint(\"G\"))[\"deploys_total\"] == 1 and ${D}[\"pid\"] == envint(\"D_PID\") and ${D}[\"kind\"] == \"code-changed\"" \
   'tree(last, envint("G"))["deploys"]' "open(\"$ERR\").read()"
kill -TERM "$REC_PID"
rc=0
wait_exit "$REC_PID" 10 || rc=$?
ok "$rc" "leaktop record ends 0 on SIGTERM"
[ "$rc" -eq 0 ] || diag "$(cat "$TEST_TMP/record.err")"
run dump dump --dir "$REC"
ok "$RC" "leaktop dump --dir exits 0"
[ "$RC" -eq 0 ] || diag "$(cat "$ERR")"
jcheck "leaktop dump gives the same deploy back, and none before the change" "$TEST_TMP/dump.out" \
   "tree(last, envint(\"G\"))[\"deploys_total\"] == 1 and ${D}[\"kind\"] == \"code-changed\" and ${D}[\"pid\"] == envint(\"D_PID\") and ${D}[\"start_ticks\"] == envint(\"D_START\") and ${D}[\"file\"] == \"wsgi_app.py\" and abs(${D}[\"code_changed\"] - float(env(\"D_CHANGED\"))) < 0.01 and all(tree(t, envint(\"G\"))[\"deploys_total\"] == 0 for t in ticks if t[\"time\"] < float(env(\"T_QUIET\")))" \
   'tree(last, envint("G"))["deploys"]' 'env("D_PID"), env("D_CHANGED")'

# ---- USR2: a new master ------------------------------------------------------
OLD_WORKERS=$(workers)
OUT2=$TEST_TMP/usr2.jsonl
leaktop_bg "$OUT2" --batch -d 1 -n 12 -p "$G"
sleep 3
kill -USR2 "$G"
# The new master: a child of the old one that is not one of its workers.
# shellcheck disable=SC2317 # called through wait_for
new_master() {
   local w
   for w in $(workers); do
      case " $OLD_WORKERS " in *" $w "*) ;; *) echo "$w" && return 0 ;; esac
   done
   return 1
}
wait_for 20 new_master >/dev/null || bail "USR2 started no new master"
NEW_MASTER=$(new_master)
export NEW_MASTER
wait_for 20 has_children "$NEW_MASTER" 2 || bail "the new master booted no workers"
leaktop_done 40 "leaktop --batch -n 12 exits 0 (USR2 run)"
jcheck "USR2: one deploy, a new master, at the new master's start" "$OUT2" \
   "tree(last, envint(\"G\"))[\"deploys_total\"] == 1 and ${D}[\"kind\"] == \"new-master\" and ${D}[\"pid\"] == envint(\"NEW_MASTER\") and abs(${D}[\"time\"] - proc(last, envint(\"NEW_MASTER\"))[\"start_time\"]) < 0.01" \
   'tree(last, envint("G"))["deploys"]' 'env("NEW_MASTER")'
jcheck "USR2: the new master's workers are in the tree, and add no deploy" "$OUT2" \
   'len([p for p in procs(last, envint("G")) if p["ppid"] == envint("NEW_MASTER")]) == 2 and all(tree(t, envint("G"))["deploys_total"] <= 1 for t in ticks)' \
   '[(p["pid"], p["ppid"]) for p in procs(last, envint("G"))]'

# ---- growth after a deploy -----------------------------------------------------
# The old master goes; the new one serves on, and gets a version that leaks
# 1 MiB every 3 s from import on.
track "$NEW_MASTER"
kill -TERM "$G"
wait_gone 20 "$G" || bail "the old master did not exit"
G=$NEW_MASTER
export G
OUT3=$TEST_TMP/growth.jsonl
leaktop_bg "$OUT3" --batch -d 1 -n 400 -p "$NEW_MASTER"
sleep 3
cat >>"$APP/wsgi_app.py" <<'PY'

# v3: keeps 1 MiB every 3 s from import on, also while idle.
import threading

_kept = []


def _leak():
    while True:
        _kept.append(b"x" * (1 << 20))
        time.sleep(3)


threading.Thread(target=_leak, daemon=True).start()
PY
reload
# A growth verdict at 20 MiB/min takes about a minute (doc/classification.md).
wait_for 300 grep -q 'growth began after new code at' "$OUT3"
kill -TERM "$LT_PID"
leaktop_done 20 "leaktop --batch ends 0 on SIGTERM (growth run)"
jcheck "one deploy: the leaking version, run by a reloaded worker" "$OUT3" \
   "tree(last, envint(\"G\"))[\"deploys_total\"] == 1 and ${D}[\"kind\"] == \"code-changed\" and ${D}[\"file\"] == \"wsgi_app.py\"" \
   'tree(last, envint("G"))["deploys"]'
jcheck "the workers grow with time" "$OUT3" \
   'tree(last, envint("G"))["verdict"]["label"] == "all workers grow" and all(verdict_of(p) == "grows with time" for p in procs(last, envint("G")) if p["role"] == "worker")' \
   'verdict_of(tree(last, envint("G")))' '[(p["pid"], verdict_of(p)) for p in procs(last, envint("G"))]'
diag "the tree's verdict named the deploy $(jq_ "$OUT3" "round(min(t['time'] for t in ticks if 'growth began after' in tree(t, envint('G'))['verdict']['evidence']) - ${D}['time'])") s after it"
jcheck "the tree's verdict says the growth began after the deploy" "$OUT3" \
   "tree(last, envint(\"G\"))[\"verdict\"][\"evidence\"].endswith(\"; growth began after new code at \" + __import__(\"time\").strftime(\"%H:%M\", __import__(\"time\").localtime(${D}[\"time\"])))" \
   'tree(last, envint("G"))["verdict"]["evidence"]'


# ---- uwsgi: the master re-execs itself on HUP --------------------------------
if [ ! -x "$UWSGI" ] || ! "$UWSGI" --plugin python3 --help >/dev/null 2>&1; then
   skip_rest "uwsgi with the Python 3 plugin is missing (apt-get install uwsgi-core uwsgi-plugin-python3)"
   done_testing
fi
UAPP=$TEST_TMP/uapp
mkdir "$UAPP" || bail "cannot make $UAPP"
cp "$TESTS_SRCDIR/integration/wsgi_app.py" "$UAPP/" || bail "cannot copy the app"
ULOG=$TEST_TMP/uwsgi.log
"$UWSGI" --plugin python3 --master --processes 2 --die-on-term --http-socket 127.0.0.1:0 \
   --wsgi-file "$UAPP/wsgi_app.py" --callable app >"$ULOG" 2>&1 </dev/null &
U=$!
track "$U"
wait_for 20 grep -qs "spawned uWSGI worker 2" "$ULOG" || bail "uwsgi did not start: $(tail -n 5 "$ULOG")"
OUT4=$TEST_TMP/uwsgi.jsonl
leaktop_bg "$OUT4" --batch -d 1 -n 16 -p "$U"
sleep 3
touch "$UAPP/wsgi_app.py"
T_TOUCH=$(date +%s.%N)
kill -HUP "$U"
wait_for 20 grep -qs "binary reloading uWSGI" "$ULOG" || bail "uwsgi did not reload: $(tail -n 5 "$ULOG")"
G=$U
export G T_TOUCH
leaktop_done 40 "leaktop --batch -n 16 exits 0 (uwsgi run)"
jcheck "uwsgi HUP: one deploy, the master re-exec'd in place, after the touched file" "$OUT4" \
   "tree(last, envint(\"G\"))[\"deploys_total\"] == 1 and ${D}[\"kind\"] == \"reexec\" and ${D}[\"pid\"] == envint(\"G\") and ${D}[\"file\"] == \"wsgi_app.py\" and abs(${D}[\"code_changed\"] - float(env(\"T_TOUCH\"))) < 1" \
   'tree(last, envint("G"))["deploys"]' 'env("T_TOUCH")'
jcheck "uwsgi HUP: the master kept its PID and start, its workers are new, no other deploy" "$OUT4" \
   'proc(last, envint("G"))["start_ticks"] == proc(first, envint("G"))["start_ticks"] and not set(pids(first, envint("G"), "worker")) & set(pids(last, envint("G"), "worker")) and all(tree(t, envint("G"))["deploys_total"] <= 1 for t in ticks)' \
   '[(p["pid"], p["role"]) for p in procs(first)]' '[(p["pid"], p["role"]) for p in procs(last)]'

done_testing
