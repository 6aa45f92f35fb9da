#!/bin/bash
# leaktop dump over a recording that leaktop record made of the demo tree:
# JSON Lines in the --batch schema, one object per tick, CSV with one row per
# process per tick, --from/--to, and the bad inputs: a missing, empty or
# foreign directory, a newer format version, a time outside the recording,
# and bytes flipped in a sealed chunk, which cost a hole that dump (and
# replay) read around and say.
. "$(dirname "$0")/lib.sh"

plan 17

start_service dump --workers 2 || bail "the demo service did not start"
wait_for 20 has_children "$SVC_PID" 2 || bail "the demo service did not boot 2 workers"

# Ticks of 0.1 s: 300 of them seal the first chunk in half a minute, so the
# recording has a sealed chunk to damage and a second one after it.
REC=$TEST_TMP/rec
"$LEAKTOP" record -p "$SVC_PID" --dir "$REC" -d 0.1 >"$TEST_TMP/rec.out" 2>"$TEST_TMP/rec.err" &
REC_PID=$!
track "$REC_PID"
wait_for 90 eval '[ "$(stat -c %s "$REC"/1s-0000000001.seg 2>/dev/null || echo 0)" -gt 2000 ]' ||
   bail "the recorder sealed no chunk: $(cat "$TEST_TMP/rec.err")"
sleep 8
kill -TERM "$REC_PID"
wait "$REC_PID"
check "the recorder stopped cleanly" test $? -eq 0

# ---- JSON Lines --------------------------------------------------------
"$LEAKTOP" dump --dir "$REC" >"$TEST_TMP/all.jsonl" 2>"$TEST_TMP/all.err"
check "dump exits 0 and says nothing was lost" test $? -eq 0 -a ! -s "$TEST_TMP/all.err"
jcheck "every line is a tick of the --batch schema" "$TEST_TMP/all.jsonl" \
   'len(ticks) > 300 and not schema_errors()' 'schema_errors()[:3]' 'len(ticks)'
jcheck "the ticks are in time order, 0.1 s apart, with the recorder's tick numbers" \
   "$TEST_TMP/all.jsonl" \
   'all(0.05 < b["time"] - a["time"] < 0.3 and b["tick"] == a["tick"] + 1 for a, b in zip(ticks, ticks[1:]))' \
   '[(a["time"], a["tick"]) for a, b in zip(ticks, ticks[1:]) if not 0.05 < b["time"] - a["time"] < 0.3 or b["tick"] != a["tick"] + 1][:5]'
jcheck "each tick has the demo tree: the master and its 2 workers" "$TEST_TMP/all.jsonl" \
   'all(len(t["trees"]) == 1 and t["trees"][0]["root_pid"] == '"$SVC_PID"' and len(t["trees"][0]["processes"]) == 3 for t in ticks)' \
   'last["trees"]'
jcheck "PSS and USS are there, at their cadence" "$TEST_TMP/all.jsonl" \
   'any(p["pss_kib"] is not None for t in ticks for p in t["trees"][0]["processes"])'
NTICKS=$(wc -l <"$TEST_TMP/all.jsonl")

# ---- CSV -----------------------------------------------------------------
"$LEAKTOP" dump --dir "$REC" --format csv >"$TEST_TMP/all.csv" 2>/dev/null
check "CSV: a header and one row per process per tick" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 3 * int(sys.argv[2]), (len(rows), sys.argv[2])
assert {r["pid"] for r in rows} >= {sys.argv[3]}
assert all(r["rss_kib"].isdigit() for r in rows)
' "$TEST_TMP/all.csv" "$NTICKS" "$SVC_PID"

# ---- --from / --to ---------------------------------------------------------
T0=$("$PY" "$BATCHQ" "$TEST_TMP/all.jsonl" 'ticks[100]["time"]')
T1=$("$PY" "$BATCHQ" "$TEST_TMP/all.jsonl" 'ticks[200]["time"]')
"$LEAKTOP" dump --dir "$REC" --from "@${T0%.*}" --to "@${T1%.*}" >"$TEST_TMP/part.jsonl" 2>&1
jcheck "--from and --to keep the ticks between them" "$TEST_TMP/part.jsonl" \
   "len(ticks) > 0 and ticks[0]['time'] >= ${T0%.*} and ticks[-1]['time'] <= ${T1%.*} + 0.001" \
   'len(ticks)'

refuses "--from before the recording: exit 1, saying its span" 1 \
   "*before the recording, which runs from*" "$LEAKTOP" dump --dir "$REC" --from "1d ago"

# ---- bad directories -------------------------------------------------------
mkdir -m 700 "$TEST_TMP/empty" "$TEST_TMP/foreign"
echo hello >"$TEST_TMP/foreign/notes.txt"
refuses "an empty directory: exit 1, saying so" 1 "*the directory is empty*" \
   "$LEAKTOP" dump --dir "$TEST_TMP/empty"
refuses "a directory that is not a recording: exit 1, saying so" 1 \
   "*is not a leaktop recording*" "$LEAKTOP" dump --dir "$TEST_TMP/foreign"
refuses "a missing directory: exit 1, naming it" 1 "*$TEST_TMP/missing*" \
   "$LEAKTOP" dump --dir "$TEST_TMP/missing"

# ---- a newer format ----------------------------------------------------------
# The header frames' major version set to 2, their CRCs made right, as a
# newer leaktop would write them.
NEWER=$TEST_TMP/newer
mkdir -m 700 "$NEWER"
"$PY" - "$REC/1s-0000000001.seg" "$NEWER/1s-0000000001.seg" <<'PYEOF'
import struct, sys, zlib
data = bytearray(open(sys.argv[1], "rb").read())
at = 8
for _ in range(2):
    length = struct.unpack_from("<I", data, at + 4)[0]
    payload = at + 16
    struct.pack_into("<H", data, payload, 2)
    struct.pack_into("<I", data, at + 8, zlib.crc32(bytes(data[payload:payload + length])))
    struct.pack_into("<I", data, at + 12, zlib.crc32(bytes(data[at:at + 12])))
    at = payload + length
open(sys.argv[2], "wb").write(data)
PYEOF
chmod 600 "$NEWER/1s-0000000001.seg"
said=$("$LEAKTOP" dump "$NEWER/1s-0000000001.seg" 2>&1)
code=$?
check "a segment of format 2.0: exit 1, naming the version and what to do ($said)" \
   eval '[ $code -eq 1 ] && [[ "$said" == *"format 2.0"* && "$said" == *"newer leaktop"* ]]'

# ---- damage ------------------------------------------------------------------
DAMAGED=$TEST_TMP/damaged
cp -a "$REC" "$DAMAGED"
SEG=$DAMAGED/1s-0000000001.seg
SIZE=$(stat -c %s "$SEG")
printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$SEG" bs=1 seek=$((SIZE / 2)) conv=notrunc 2>/dev/null
"$LEAKTOP" dump --dir "$DAMAGED" --format jsonl >"$TEST_TMP/damaged.jsonl" 2>"$TEST_TMP/damaged.err"
code=$?
check "flipped bytes: dump exits 0 and says which time range was lost" \
   eval '[ $code -eq 0 ] && grep -q "lost the records between .* (1s-0000000001.seg, bytes" "$TEST_TMP/damaged.err"'
jcheck "it reads around the hole: ticks before or after it, fewer than in the whole" \
   "$TEST_TMP/damaged.jsonl" "0 < len(ticks) < $NTICKS" 'len(ticks)'

TRUNCATED=$TEST_TMP/truncated
cp -a "$REC" "$TRUNCATED"
truncate -s $((SIZE * 6 / 10)) "$TRUNCATED/1s-0000000001.seg"
"$LEAKTOP" dump --dir "$TRUNCATED" >"$TEST_TMP/truncated.jsonl" 2>"$TEST_TMP/truncated.err"
code=$?
check "a truncated segment: dump exits 0 and says the range lost at its end" \
   eval '[ $code -eq 0 ] && grep -q "lost the records between .* (1s-0000000001.seg, bytes .*incomplete tail" "$TEST_TMP/truncated.err"'
jcheck "the ticks before the cut are all written" "$TEST_TMP/truncated.jsonl" \
   "0 < len(ticks) < $NTICKS" 'len(ticks)'

done_testing
