#!/bin/bash
# leaktop report over a recording that leaktop record made of the demo tree
# under load, its leaky worker retaining memory per request: the Markdown's
# sections and facts (the leaky worker first and largest, the tree's
# master), a private file never written through a link, --redact,
# --from/--to, and the refusals.
. "$(dirname "$0")/lib.sh"

plan 12

start_service report --workers 3 --leak-kib 128 || bail "the demo service did not start"
wait_for 20 has_children "$SVC_PID" 3 || bail "the demo service did not boot 3 workers"
wait_for 10 eval '[ -n "$(leaky_pid report)" ]' || bail "the demo service named no leaky worker"
LEAKY=$(leaky_pid report)
load_bg "$SVC_PORT" --rate 40 --duration 60

REC=$TEST_TMP/rec
"$LEAKTOP" record -p "$SVC_PID" --dir "$REC" -d 0.2 >"$TEST_TMP/rec.out" 2>"$TEST_TMP/rec.err" &
REC_PID=$!
track "$REC_PID"
sleep 30
kill -TERM "$REC_PID"
wait "$REC_PID"
check "the recorder stopped cleanly" test $? -eq 0

MD=$TEST_TMP/report.md
"$LEAKTOP" report --dir "$REC" --md "$MD" >"$TEST_TMP/report.out" 2>"$TEST_TMP/report.err"
code=$?
check "report exits 0 and says where the report went" \
   eval '[ $code -eq 0 ] && grep -q "wrote $MD" "$TEST_TMP/report.err"'
check "the report is a private file (0600)" test "$(stat -c %a "$MD")" = 600
check "it has the summary, impact, verdicts, sparklines, timeline and provenance" \
   eval 'for s in "## demo_service (master PID $SVC_PID)" "### Impact" "### RSS over the window" \
      "## Timeline" "## Provenance" "**Peak RSS of the tree:**"; do grep -qF "$s" "$MD" || exit 1; done'
check "the leaky worker is the first row of the impact table, the largest" "$PY" -c '
import re, sys
rows = [l.split("|") for l in open(sys.argv[1]) if re.match(r"\| \d+ \|", l)]
assert rows[0][1].strip() == sys.argv[2], rows[0]
size = lambda s: float(s[:-1]) * {"K": 1, "M": 1024, "G": 1 << 20}[s[-1]]
assert all(size(rows[0][6].strip()) > 2 * size(r[6].strip()) for r in rows[1:]), rows
assert len(rows) == 4, rows
' "$MD" "$LEAKY"
check "the timeline has the recorder's start and the workers'" \
   eval 'grep -q "UTC: recorder started" "$MD" && grep -q "UTC: PID $LEAKY started" "$MD"'
check "the Markdown stays under 60 KB" test "$(stat -c %s "$MD")" -lt 61440

"$LEAKTOP" report --dir "$REC" --redact >"$TEST_TMP/redacted.md" 2>/dev/null
check "--redact to stdout: the commands lose their arguments" \
   eval '! grep -q -e "--leak-kib" -e "--workers" "$TEST_TMP/redacted.md" && grep -q "### Impact" "$TEST_TMP/redacted.md"'

ln -s "$TEST_TMP/elsewhere" "$TEST_TMP/link.md"
said=$("$LEAKTOP" report --dir "$REC" --md "$TEST_TMP/link.md" 2>&1)
code=$?
check "a --md that is a symbolic link is refused, and not followed ($said)" \
   eval '[ $code -eq 1 ] && [[ "$said" == *"symbolic link"* ]] && [ ! -e "$TEST_TMP/elsewhere" ]'

refuses "--from before the recording: exit 1, saying its span" 1 \
   "*before the recording, which runs from*" "$LEAKTOP" report --dir "$REC" --from "1d ago"
refuses "a missing directory: exit 1, naming it" 1 "*$TEST_TMP/missing*" \
   "$LEAKTOP" report --dir "$TEST_TMP/missing"
refuses "an unknown option: exit 2" 2 "*unrecognized option*" "$LEAKTOP" report --bogus

done_testing
