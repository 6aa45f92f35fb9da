#!/bin/bash
# Diffs over every type, and readable: a worker (Debian's CPython 3.11,
# through the pending-call queue) keeps 16 new instances of its own class
# Hoard, each holding 256 KiB, between two snapshots 4 s apart. Few objects
# among thousands of builtins: the class is in the type diff all the same,
# by count and by estimated shallow size, and the line diff shows the source text
# of the line that allocates the buffers. The diff names the snapshot it
# compares with by its number and time, never by leaktop's request id.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/snapshot_lib.sh
. "$(dirname "$0")/snapshot_lib.sh"

plan 11
if [ "$(id -u)" -ne 0 ]; then
   skip_rest "needs root (ptrace into the worker)"
   done_testing
fi

HOARD_LINE=$(grep -n '# HOARD_LINE' "$TARGET" | cut -d: -f1)

start_target "$SYS_PY"
# Builtins far more numerous than 16, so a top-N list by count would cut
# Hoard off.
send "retain 3000"
snap first --json --start-tracemalloc=1
expect_rc 0 "a first snapshot, tracemalloc started"
rcheck "every type is listed, with a shallow size estimate, and types_total says how many" "$OUT" \
   "len(r['snapshot']['types']) == r['snapshot']['types_total'] > 25
    and all(len(t) == 3 and t[2] >= 0 for t in r['snapshot']['types'])
    and r['snapshot']['leaktop_number'] == 1"
first_time=$("$PY" -c 'import json, sys, time
print(time.strftime("%H:%M:%S", time.localtime(json.load(open(sys.argv[1]))["snapshot"]["time"])))' "$OUT")

send "hoard 16"
sleep 4
snap second --json
expect_rc 0 "a second snapshot 4 s later, 16 Hoards kept"
rcheck "--json: Hoard is in the count diff, +16, before known (every type was listed)" "$OUT" \
   "r['diff']['types_complete'] is True
    and [t for t in r['diff']['types'] if t['name'] == '__main__.Hoard'
         and t['delta'] == 16 and t['before'] == 0 and t['before_known']]"
# Its shallow size is the 16 instances alone (tp_basicsize each): the
# buffers are bytes, which the gc does not track; the line diff weighs them.
rcheck "--json: Hoard is ranked in the shallow-size diff, +16 instances of its basic size" "$OUT" \
   "[t for t in r['diff']['types_by_shallow_size'] if t['name'] == '__main__.Hoard'
     and t['delta'] == 16 and t['shallow_delta'] > 0 and t['shallow_delta'] % 16 == 0]"
diag "by shallow size: $("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))["diff"]
print([(t["name"], t["delta"], t["shallow_delta"]) for t in d["types_by_shallow_size"][:4]])' "$OUT")"
rcheck "--json: the line diff's first line is HOARD_LINE with its source text, 16 x 256 KiB" "$OUT" \
   "r['diff']['lines'][0]['line'] == $HOARD_LINE
    and r['diff']['lines'][0]['text'] == 'self.buf = bytes(256 << 10)  # HOARD_LINE'
    and r['diff']['lines'][0]['size_delta'] >= 16 * 256 * 1024
    and r['diff']['against_number'] == 1 and r['snapshot']['leaktop_number'] == 2"

send "hoard 16"
sleep 1
snap third
expect_rc 0 "a third snapshot, text"
third_time=$(sed -n 's/^  taken [0-9-]* \([0-9:]*\),.*/\1/p' "$OUT")
says "text: compared with snapshot 2 by number and time; a shallow-size table" "$OUT" \
   "^Compared with snapshot 2 of [0-9]{2}:[0-9]{2}:[0-9]{2}, taken [0-9.]+s earlier$" \
   '^Types whose shallow size grew most$' '^Snapshot 3 of pid '
row=$(awk '$0 == "Types whose shallow size grew most" {getline; s = 1; next}
   s && /^  \(/ {exit} s && /  __main__\.Hoard$/ {print; exit}' "$OUT")
ok "$(echo "$row" | grep -Eq '\+16  __main__\.Hoard$' && echo 0 || echo 1)" \
   "text: Hoard has a row in the shallow-size diff, +16"
diag "$row"
# Beside file:line when both fit 80 columns, else on the line below it.
src_row=$(awk '$0 == "Lines whose memory grew most" {getline; getline; print; getline; print; exit}' "$OUT")
ok "$(echo "$src_row" | grep -Eq "snapshot_target\.py:$HOARD_LINE( |\$)" &&
   echo "$src_row" | grep -Fq "self.buf = bytes(256 << 10)" && echo 0 || echo 1)" \
   "text: the line diff's first row is the allocating line, with its source"
diag "$src_row"
diag "first snapshot at $first_time, third at $third_time"
untouched "the worker is untouched: no new names, no exceptions, its own threads"
done_testing
