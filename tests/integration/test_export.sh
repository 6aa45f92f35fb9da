#!/bin/bash
# leaktop record --listen and --textfile against Debian's real Prometheus and
# node_exporter, on loopback: a demo service with one leaking worker and one
# control is recorded; Prometheus scrapes /metrics every second (OpenMetrics,
# negotiated) and node_exporter's textfile collector reads the .prom file;
# the per-slot series and the leaking slot's verdict stateset are asserted as
# Prometheus stores them. promtool lints the classic format, the python
# client's strict parser reads the OpenMetrics one; hostile clients (a slow
# loris, a 1 MiB request head, a thousand connections) delay no tick.
. "$(dirname "$0")/lib.sh"

plan 32

PROMQ="$SYS_PY $LIB_DIR/promq.py"

# ---- the service and the recorder --------------------------------------------
start_service ex --workers 2 --leaky-worker 0 --leak-kib 64 || bail "demo service did not start"
SVC=$SVC_PID
wait_for 10 has_children "$SVC" 2 || bail "the service did not fork 2 workers"
load "$SVC_PORT" --rate 20 --count 20 || bail "warm-up load failed"
LEAKY=$(leaky_pid ex)
CONTROL=$(cat /proc/"$SVC"/task/*/children | tr ' ' '\n' | grep -v "^$LEAKY\$" | grep . | head -1)
load_bg "$SVC_PORT" --rate 20

mkdir -p "$TEST_TMP/textfiles"
leaktop_bg "$TEST_TMP/rec.out" record -p "$SVC" --dir "$TEST_TMP/rec" --listen 127.0.0.1:0 \
   --textfile "$TEST_TMP/textfiles/leaktop.prom" --group demo --export-pid
wait_for 10 grep -q 'serving metrics at' "$TEST_TMP/rec.out" ||
   bail "no listening address: $(cat "$TEST_TMP/rec.out.err")"
ADDR=$(sed -n 's|.*serving metrics at http://\(.*\)/metrics|\1|p' "$TEST_TMP/rec.out")
ok "$([[ $ADDR == 127.0.0.1:[0-9]* ]] && echo 0 || echo 1)" "record says where it serves ($ADDR)"
wait_for 10 test -s "$TEST_TMP/textfiles/leaktop.prom" || bail "no textfile written"

# ---- Prometheus and node_exporter ----------------------------------------------
NODE_PORT=$(free_port)
prometheus-node-exporter --collector.disable-defaults --collector.textfile \
   --collector.textfile.directory="$TEST_TMP/textfiles" \
   --web.listen-address="127.0.0.1:$NODE_PORT" >"$TEST_TMP/node.log" 2>&1 </dev/null &
track $!
PROM_PORT=$(free_port)
RULES=$(dirname "$TESTS_SRCDIR")/doc/prometheus/leaktop.rules.yml
cat >"$TEST_TMP/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ['$RULES']
scrape_configs:
  - job_name: leaktop
    static_configs: [{targets: ['$ADDR']}]
  - job_name: node
    static_configs: [{targets: ['127.0.0.1:$NODE_PORT']}]
YML
prometheus --config.file="$TEST_TMP/prometheus.yml" --web.listen-address="127.0.0.1:$PROM_PORT" \
   --storage.tsdb.path="$TEST_TMP/tsdb" >"$TEST_TMP/prometheus.log" 2>&1 </dev/null &
track $!
PROM=http://127.0.0.1:$PROM_PORT
# The first scrape comes seconds after start: poll, never sleep.
check "Prometheus has both targets up" $PROMQ targets "$PROM" 2 60

rules=$($PROMQ rules "$PROM" 2>&1)
ok "$("$SYS_PY" -c 'import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if len(r) >= 9 and all(h == "ok" for _, h in r) else 1)' "$rules" 2>/dev/null && echo 0 || echo 1)" \
   "Prometheus loads the shipped rules, every one healthy"
[ -n "$rules" ] && diag "rules: $rules"

q() { $PROMQ query "$PROM" "$1"; }
qcheck() { # qcheck DESC EXPR PYTHON_EXPR_OVER_r
   local out rc=0
   out=$(q "$2") || rc=$?
   [ "$rc" -ne 0 ] || "$SYS_PY" -c 'import json, sys
r = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)' "$out" "$3" || rc=1
   ok "$rc" "$1"
   [ "$rc" -eq 0 ] || diag "$2 -> $out"
}

wait_for 20 bash -c "$PROMQ query $PROM 'leaktop_worker_info{job=\"leaktop\"}' | grep -q '\"pid\": \"$LEAKY\"'" ||
   diag "no info series for the leaky worker $LEAKY"
SLOTS=$(q 'leaktop_worker_info{job="leaktop"}')
LEAKY_SLOT=$("$SYS_PY" -c 'import json, sys
print([s["metric"]["slot"] for s in json.loads(sys.argv[1]) if s["metric"]["pid"] == sys.argv[2]][0])' "$SLOTS" "$LEAKY" 2>/dev/null)
CONTROL_SLOT=$("$SYS_PY" -c 'import json, sys
print([s["metric"]["slot"] for s in json.loads(sys.argv[1]) if s["metric"]["pid"] == sys.argv[2]][0])' "$SLOTS" "$CONTROL" 2>/dev/null)
ok "$([[ $LEAKY_SLOT =~ ^[12]$ && $CONTROL_SLOT =~ ^[12]$ && $LEAKY_SLOT != "$CONTROL_SLOT" ]] && echo 0 || echo 1)" \
   "the info series map the two workers to slots 1 and 2 (leaky $LEAKY_SLOT, control $CONTROL_SLOT)"
qcheck "RSS series for the master and both slots, labelled by group and slot, none by pid" \
   'leaktop_worker_rss_bytes{job="leaktop"}' \
   'sorted(s["metric"]["slot"] for s in r) == ["1", "2", "master"] and all(s["metric"]["group"] == "demo" and "pid" not in s["metric"] and float(s["value"][1]) > 1e6 for s in r)'
qcheck "PSS, USS, swap, anon, growth, confidence, traffic, start time for each slot" \
   'count by (__name__) ({job="leaktop",slot=~"1|2",__name__=~"leaktop_worker_(pss_bytes|uss_bytes|swap_bytes|anon_bytes|growth_bytes_per_second|verdict_confidence_ratio|traffic_per_second|start_time_seconds|time_to_limit_seconds)"})' \
   'len(r) == 9 and all(s["value"][1] == "2" for s in r)'
qcheck "at most 20 series per slot (with the opt-in pid info)" \
   'count by (slot) ({job="leaktop",slot="1"})' 'len(r) == 1 and int(r[0]["value"][1]) <= 20'
qcheck "the verdict stateset has one true state per slot" \
   'sum by (slot) (leaktop_worker_verdict{job="leaktop"})' \
   'len(r) == 3 and all(s["value"][1] == "1" for s in r)'
meta=$($PROMQ metadata "$PROM" leaktop_worker_verdict)
ok "$(grep -q '"type": "stateset"' <<<"$meta" && echo 0 || echo 1)" \
   "Prometheus negotiated OpenMetrics: the verdict is stored as a stateset"
meta=$($PROMQ metadata "$PROM" leaktop_worker_rss_bytes)
ok "$(grep -q '"unit": "bytes"' <<<"$meta" && echo 0 || echo 1)" "and the RSS with its unit, bytes"
qcheck "group series: workers 2, limit and usage, all four exit reasons" \
   '{job="leaktop",group="demo",__name__=~"leaktop_group_(workers|memory_limit_bytes|memory_usage_bytes|worker_exits_total)"}' \
   'any(s["metric"]["__name__"] == "leaktop_group_workers" and s["value"][1] == "2" for s in r) and sorted(s["metric"].get("reason") for s in r if s["metric"]["__name__"] == "leaktop_group_worker_exits_total") == ["crash", "oom_kill", "recycle", "unknown"]'

# ---- the verdict, as Prometheus stores it ---------------------------------------
out=$($PROMQ wait "$PROM" "leaktop_worker_verdict{job=\"leaktop\",slot=\"$LEAKY_SLOT\",leaktop_worker_verdict=~\"grows_with_traffic|grows_with_time\"} == 1" 150) && rc=0 || rc=1
ok "$rc" "the leaking slot's stateset says grows within 150 s"
[ "$rc" -eq 0 ] || diag "$(q "leaktop_worker_verdict{job=\"leaktop\"} == 1")"
qcheck "the control slot does not grow" \
   "leaktop_worker_verdict{job=\"leaktop\",slot=\"$CONTROL_SLOT\",leaktop_worker_verdict=~\"grows.*|native_growth|recycled_growth\"} == 1" \
   'len(r) == 0'
qcheck "the leaking slot has a confidence and a positive growth rate" \
   "leaktop_worker_verdict_confidence_ratio{job=\"leaktop\",slot=\"$LEAKY_SLOT\"} > 0 and on(slot) leaktop_worker_growth_bytes_per_second{job=\"leaktop\",slot=\"$LEAKY_SLOT\"} > 0" \
   'len(r) == 1'

alerting() { # alerting NAME SLOT: the alert is pending or firing for the slot
   $PROMQ alerts "$PROM" | "$SYS_PY" -c 'import json, sys
a = json.load(sys.stdin)
sys.exit(0 if any(x["labels"]["alertname"] == sys.argv[1] and x["labels"].get("slot") == sys.argv[2] and x["labels"].get("job") == "leaktop" for x in a) else 1)' "$1" "$2"
}
wait_for 60 alerting LeaktopWorkerLeakSuspected "$LEAKY_SLOT" && rc=0 || rc=1
ok "$rc" "the shipped warning LeaktopWorkerLeakSuspected is pending for the leaking slot"
[ "$rc" -eq 0 ] || diag "$($PROMQ alerts "$PROM")"
alerting LeaktopWorkerLeakSuspected "$CONTROL_SLOT" && rc=1 || rc=0
ok "$rc" "and not for the control slot"

# ---- through node_exporter's textfile collector ---------------------------------
qcheck "node_exporter read the textfile without error" \
   'node_textfile_scrape_error{job="node"}' 'len(r) == 1 and r[0]["value"][1] == "0"'
qcheck "and serves the same per-slot series" \
   'leaktop_worker_rss_bytes{job="node",group="demo"}' \
   'sorted(s["metric"]["slot"] for s in r) == ["1", "2", "master"]'
qcheck "the leaking slot's verdict through the textfile too" \
   "leaktop_worker_verdict{job=\"node\",slot=\"$LEAKY_SLOT\",leaktop_worker_verdict=~\"grows_with_traffic|grows_with_time\"} == 1" \
   'len(r) == 1'
mode=$(stat -c %a "$TEST_TMP/textfiles/leaktop.prom")
ok "$([ "$mode" = 644 ] && [ ! -e "$TEST_TMP/textfiles/leaktop.prom.tmp" ] && echo 0 || echo 1)" \
   "the textfile is 0644 (node_exporter's user reads it) and no temporary is left ($mode)"

# ---- the formats, checked by their own tools -----------------------------------
$PROMQ scrape "http://$ADDR/metrics" >"$TEST_TMP/classic.txt" 2>"$TEST_TMP/classic.ctype"
check "promtool check metrics passes the classic format" \
   bash -c "promtool check metrics <'$TEST_TMP/classic.txt'"
om=$($PROMQ openmetrics "http://$ADDR/metrics" 2>&1) && rc=0 || rc=1
[ "$rc" -ne 0 ] || "$SYS_PY" -c 'import json, sys
d = json.loads(sys.argv[1]); f = d["families"]
ok = d["content_type"].startswith("application/openmetrics-text; version=1.0.0") and f["leaktop_worker_verdict"]["type"] == "stateset" and f["leaktop_build"]["type"] == "info" and f["leaktop_samples"]["type"] == "counter" and f["leaktop_worker_rss_bytes"]["unit"] == "bytes"
sys.exit(0 if ok else 1)' "$om" || rc=1
ok "$rc" "the OpenMetrics exposition passes python3-prometheus-client's strict parser"
[ "$rc" -eq 0 ] || diag "$om"

# ---- a scrape reads nothing ------------------------------------------------------
# The server is the recorder's one other thread (libmicrohttpd names it):
# traced alone (no -f, which would take every thread) over 20 scrapes, it
# accepts and sends, and opens nothing.
SERVER_TID=$(grep -l MHD /proc/"$LT_PID"/task/*/comm | head -1 | cut -d/ -f5)
strace -qq -p "$SERVER_TID" -e trace=openat,open,accept4,accept,sendto,sendmsg,write,writev \
   -o "$TEST_TMP/server.strace" &
STRACE=$!
sleep 1
for _ in $(seq 20); do $PROMQ scrape "http://$ADDR/metrics" >/dev/null 2>&1; done
sleep 0.5
kill -INT "$STRACE"
wait "$STRACE" 2>/dev/null
accepts=$(grep -c 'accept' "$TEST_TMP/server.strace")
opens=$(grep -c 'open' "$TEST_TMP/server.strace")
ok "$([ "$accepts" -ge 20 ] && [ "$opens" -eq 0 ] && echo 0 || echo 1)" \
   "the server thread served 20 scrapes ($accepts accepts) and opened nothing ($opens opens)"
[ "$opens" -eq 0 ] || diag "$(grep open "$TEST_TMP/server.strace" | head -5)"

# ---- refusals, each explained ------------------------------------------------------
refuses "a port in use is refused, saying so" 1 "*127.0.0.1:$PROM_PORT*Address already in use*another program has that port*" \
   timeout 10 "$LEAKTOP" record -p "$SVC" --dir "$TEST_TMP/rec-busy" --listen "127.0.0.1:$PROM_PORT"
ok "$([ ! -e "$TEST_TMP/rec-busy" ] && echo 0 || echo 1)" "and leaves no recording directory behind"
refuses "a malformed --listen is a usage error" 2 "*is not HOST:PORT*" \
   timeout 10 "$LEAKTOP" record -p "$SVC" --dir "$TEST_TMP/rec-bad" --listen "localhost:http"
refuses "a textfile not named .prom is refused" 1 "*must end in .prom*textfile collector*" \
   timeout 10 "$LEAKTOP" record -p "$SVC" --dir "$TEST_TMP/rec-bad" --textfile "$TEST_TMP/leaktop.txt"

# ---- hostile clients -------------------------------------------------------------
T0=$(date +%s)
hostile=$(timeout -k 5 90 "$SYS_PY" "$LIB_DIR/hostile_http.py" "${ADDR##*:}" 20 2>&1)
T1=$(date +%s)
diag "hostile clients: $hostile"
ok "$("$SYS_PY" -c 'import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if d["scrape_after"].endswith("200 OK") else 1)' "$hostile" 2>/dev/null && echo 0 || echo 1)" \
   "after a slow loris, a 1 MiB head and 1000 connections, /metrics answers 200"
ok "$("$SYS_PY" -c 'import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if not d["huge_head"].endswith("200 OK") else 1)' "$hostile" 2>/dev/null && echo 0 || echo 1)" \
   "the 1 MiB request head is refused, not served"
fds=$(ls /proc/"$LT_PID"/fd | wc -l)
ok "$([ "$fds" -lt 120 ] && echo 0 || echo 1)" "the recorder holds $fds fds after the clients left"

kill -TERM "$LT_PID"
leaktop_done 20 "the recorder exits 0 on SIGTERM"
"$LEAKTOP" dump --dir "$TEST_TMP/rec" --from "@$T0" --to "@$T1" >"$TEST_TMP/during.jsonl" 2>"$TEST_TMP/dump.err"
gap=$("$SYS_PY" -c 'import json, sys
t = [json.loads(l)["time"] for l in open(sys.argv[1])]
print("%.2f %d" % (max(b - a for a, b in zip(t, t[1:])), len(t)))' "$TEST_TMP/during.jsonl" 2>&1)
ok "$("$SYS_PY" -c 'import sys; g, n = sys.argv[1].split(); sys.exit(0 if float(g) <= 2.0 and int(n) >= 15 else 1)' "$gap" 2>/dev/null && echo 0 || echo 1)" \
   "no tick came more than one interval late while they ran (largest gap, ticks: $gap)"

done_testing
