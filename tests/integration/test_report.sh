#!/bin/bash
# leaktop report over a recording that leaktop record made of the demo tree
# under load, its leaky worker retaining memory per request, its command
# line starting with hostile text (HTML, a line separator, invalid UTF-8),
# two heap snapshots and a stack profile of the leaky worker taken while it
# recorded: the Markdown's sections and facts (the leaky worker first and
# largest, its heap diff), the HTML opened by Debian's headless chromium
# (its sections, charts and flame graph in the DOM, the optional script
# run under the policy, no console message, no CSP violation; printed to
# PDF with the labels as text and no raster image), each SVG well-formed
# XML, no network reference, the hostile text escaped; private files never
# written through a link, --redact, --from/--to, and the refusals.
. "$(dirname "$0")/lib.sh"

plan 25

HOSTILE=$'</script><img src=x onerror=alert(1)>\u2028\xff|x'
# The leaky worker keeps its buffers in objects of a class named with the
# same kind of text (a type name cannot hold invalid UTF-8): the heap
# diff's type names are hostile too.
HOSTILE_TYPE=$'</script><img src=x onerror=alert(2)>\u2028|y'
SVC_ARGV0=$HOSTILE start_service report --workers 3 --leak-kib 128 --retain-as "$HOSTILE_TYPE" ||
   bail "the demo service did not start"
wait_for 20 has_children "$SVC_PID" 3 || bail "the demo service did not boot 3 workers"
wait_for 10 eval '[ -n "$(leaky_pid report)" ]' || bail "the demo service named no leaky worker"
LEAKY=$(leaky_pid report)
load_bg "$SVC_PORT" --rate 40 --duration 60

# The snapshot and profile stores, the recorder's and the commands' alike.
export XDG_STATE_HOME=$TEST_TMP/state
mkdir -p -m 700 "$XDG_STATE_HOME"
REC=$TEST_TMP/rec
"$LEAKTOP" record -p "$SVC_PID" --dir "$REC" -d 0.2 --smaps-interval 1 \
   >"$TEST_TMP/rec.out" 2>"$TEST_TMP/rec.err" &
REC_PID=$!
track "$REC_PID"
sleep 4
"$LEAKTOP" snapshot "$LEAKY" --start-tracemalloc --timeout 10 >"$TEST_TMP/snap1.out" 2>&1 ||
   diag "the first snapshot failed: $(cat "$TEST_TMP/snap1.out")"
"$LEAKTOP" stack "$LEAKY" --duration 3 >"$TEST_TMP/stack.out" 2>&1 ||
   diag "the profile failed: $(cat "$TEST_TMP/stack.out")"
sleep 10
"$LEAKTOP" snapshot "$LEAKY" --timeout 10 >"$TEST_TMP/snap2.out" 2>&1 ||
   diag "the second snapshot failed: $(cat "$TEST_TMP/snap2.out")"
sleep 10
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
   eval 'for s in "(master PID $SVC_PID)" "### Impact" "### RSS over the window" \
      "## Timeline" "## Provenance" "**Peak RSS of the tree:**"; do grep -qF "$s" "$MD" || exit 1; done'
check "the leaky worker is the first row of the impact table, the largest" "$PY" -c '
import re, sys
# Cells split at the pipes the report did not escape.
rows = [re.split(r"(?<!\\)\|", l) for l in open(sys.argv[1], encoding="utf-8") if re.match(r"\| \d+ \|", l)]
assert rows[0][1].strip() == sys.argv[2], rows[0]
size = lambda s: float(s[:-1]) * {"K": 1, "M": 1024, "G": 1 << 20}[s[-1]]
assert all(size(rows[0][6].strip()) > 2 * size(r[6].strip()) for r in rows[1:]), rows
assert len(rows) == 4, rows
' "$MD" "$LEAKY"
check "the timeline has the recorder's start and the workers'" \
   eval 'grep -q "UTC: recorder started" "$MD" && grep -q "UTC: PID $LEAKY started" "$MD"'
check "the Markdown stays under 60 KB" test "$(stat -c %s "$MD")" -lt 61440
check "the Markdown has the leaky worker's heap diff, a line of the service that grew first" \
   eval 'sed -n "/^## Heap snapshot diffs/,/^## Timeline/p" "$MD" | grep -q "^- PID $LEAKY: 2 snapshots" &&
      sed -n "/^## Heap snapshot diffs/,/^## Timeline/p" "$MD" | grep -m1 "^  - " | grep -qF "demo\\_service.py:"' 

# ---- HTML ---------------------------------------------------------------
HTML=$TEST_TMP/report.html
"$LEAKTOP" report --dir "$REC" --html "$HTML" 2>"$TEST_TMP/html.err"
check "--html writes one private file" eval '[ $? -eq 0 ] && [ "$(stat -c %a "$HTML")" = 600 ]'
check "one script, allowed by its hash alone; no network reference" "$PY" -c '
import base64, hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
assert len(scripts) == 1 and html.count("<script") == 1, len(scripts)
digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
policy = "default-src '"'"'none'"'"'; style-src '"'"'unsafe-inline'"'"'; script-src '"'"'sha256-%s'"'"'" % digest
assert "Content-Security-Policy\" content=\"%s\"" % policy in html, policy
assert not re.search(r"https?://", html, re.I)
' "$HTML"
check "the heap diff's hostile type name is escaped, with no line separator" "$PY" -c '
import sys
html = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
heaps = html[html.index("id=\"heap-diffs\""):html.index("id=\"flames\"")]
assert "__main__.&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;\ufffd|y" in heaps, heaps[:3000]
assert "alert(2)>" not in html and "\u2028" not in html
' "$HTML"
check "each chart and the flame graph are well-formed XML (xmllint)" "$PY" -c '
import re, subprocess, sys
svgs = re.findall(r"<svg .*?</svg>", open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read(), re.S)
assert len(svgs) == 5, len(svgs)
for svg in svgs:
    subprocess.run(["xmllint", "--noout", "-"], input=svg.encode("utf-8", "surrogateescape"), check=True)
' "$HTML"
if command -v chromium >/dev/null && command -v pdftotext >/dev/null; then
   chrome() {
      HOME=$TEST_TMP timeout -k 5 90 chromium --headless --no-sandbox --disable-gpu \
         --user-data-dir="$TEST_TMP/chromium" --enable-logging=stderr --v=0 "$@"
   }
   chrome --dump-dom "file://$HTML" >"$TEST_TMP/dom.html" 2>"$TEST_TMP/chrome.err"
   check "chromium: the DOM has the sections in order and a chart per process" "$PY" -c '
import sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
ids = ["header", "summary-0", "timeline", "charts-0", "verdicts-0", "context", "provenance"]
at = [dom.find("id=\"%s\"" % i) for i in ids]
assert all(a >= 0 for a in at) and at == sorted(at), list(zip(ids, at))
assert dom.count("<svg class=\"chart\"") == 4, dom.count("<svg")
' "$TEST_TMP/dom.html"
   check "chromium: the heap diff names the leaky worker; the flame graph has a title per frame" "$PY" -c '
import re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
heaps = dom[dom.find("id=\"heap-diffs\""):dom.find("id=\"flames\"")]
assert "id=\"heap-%s\"" % sys.argv[2] in heaps and "demo_service.py:" in heaps, heaps[:2000]
flame = re.search(r"<svg class=\"flame\".*?</svg>", dom, re.S).group(0)
frames = flame.count("<g class=\"fr ")
assert frames >= 3 and flame.count("<title>") == frames and "role=\"img\"" in flame, frames
assert "<title>all (" in flame, flame[:500]
' "$TEST_TMP/dom.html" "$LEAKY"
   check "chromium: the optional script ran (the flame graph got its zoom and search tools)" \
      eval '[ "$(grep -o "class=\"flame-tools\"" "$TEST_TMP/dom.html" | wc -l)" -eq 1 ]' 
   # The script at work: the page with one more script, allowed by its hash,
   # that clicks a frame and searches as a reader would.
   "$PY" -c '
import base64, hashlib, sys
html = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
act = ("var g = document.querySelector(\"svg.flame g.fr[data-d=\\\"2\\\"]\");"
       "g.setAttribute(\"id\", \"clicked\"); g.dispatchEvent(new MouseEvent(\"click\"));"
       "var q = document.querySelector(\".flame-tools input\"); q.value = \"demo_service\";"
       "q.dispatchEvent(new Event(\"input\"));")
digest = base64.b64encode(hashlib.sha256(act.encode()).digest()).decode()
html = html.replace("script-src ", "script-src '"'"'sha256-%s'"'"' " % digest, 1)
html = html.replace("</body>", "<script>%s</script>\n</body>" % act)
open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape").write(html)
' "$HTML" "$TEST_TMP/acted.html"
   chrome --dump-dom "file://$TEST_TMP/acted.html" >"$TEST_TMP/acted.dom" 2>"$TEST_TMP/acted.err"
   check "chromium: a click zooms a frame to the graph's width, the search marks frames" "$PY" -c '
import re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
g = re.search(r"<g[^>]*id=\"clicked\"[^>]*>.*?</g>", dom, re.S).group(0)
assert "x=\"0.0\"" in g and "width=\"1000.0\"" in g, g
assert "display: none" in dom, "nothing outside the zoomed frame was hidden"
assert "class=\"fr " in dom and " match\"" in dom and "of the samples match" in dom, "no match"
' "$TEST_TMP/acted.dom"
   check "chromium: the hostile command line and type name are text, not elements" "$PY" -c '
import sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
assert "<img" not in dom and dom.count("<script") == 1, "markup got through"
assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in dom
heaps = dom[dom.find("id=\"heap-diffs\""):dom.find("id=\"flames\"")]
assert "__main__.&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in heaps, "no hostile type"
' "$TEST_TMP/dom.html"
   check "chromium: no console message and no policy violation" \
      eval '! grep -q -e "CONSOLE" -e "Content Security Policy" -e "Refused to" "$TEST_TMP/chrome.err"'
   chrome --no-pdf-header-footer --print-to-pdf="$TEST_TMP/report.pdf" "file://$HTML" \
      >/dev/null 2>&1
   pdftotext "$TEST_TMP/report.pdf" "$TEST_TMP/report.txt" 2>/dev/null
   check "the PDF has the report's labels as text" eval \
      'grep -q "Memory incident report" "$TEST_TMP/report.txt" &&
       grep -q "RSS and traffic of PID $LEAKY\|PID $LEAKY (worker)" "$TEST_TMP/report.txt"'
   check "the PDF holds no raster image (the charts are vector)" \
      eval '[ "$(pdfimages -list "$TEST_TMP/report.pdf" 2>/dev/null | tail -n +3 | wc -l)" -eq 0 ]'
else
   skip_n 8 "needs chromium and poppler-utils"
fi

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
