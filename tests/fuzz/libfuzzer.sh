#!/bin/bash
# Builds every fuzz target with clang's libFuzzer under ASan and UBSan and
# runs each for FUZZ_SECONDS (default 30) over a copy of its seeds, two at a
# time. Exits 1 at the first target that crashes, with its report and the
# input that did it. Run from a configured tree (config.h): .ci/run does.
#   Usage: tests/fuzz/libfuzzer.sh [TARGET...]   (default: all)
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/leaktop-fuzz.XXXXXX")
trap '[ -n "${KEEP_FUZZ:-}" ] || rm -rf "$work"' EXIT

record_sources=$(ls src/record/*.c | grep -v -e /Store.c -e /TierWriter.c -e /Recorder.c \
   -e /RecordingFinder.c -e /ResultEvents.c)
# target: seed directory, then the sources it needs besides itself, then libraries.
declare -A seeds sources libs
seeds[segment]=tests/fuzz/corpus/segment
sources[segment]="$record_sources src/util/XUtils.c"
libs[segment]="-lz -lzstd"
seeds[snapshot]=tests/unit/data
sources[snapshot]="src/snapshot/Snapshot.c src/snapshot/SnapshotDiff.c src/util/XUtils.c src/util/Text.c"
libs[snapshot]="$(pkg-config --libs json-c) -lm"
seeds[procparse]=tests/fuzz/corpus/proc
sources[procparse]="src/sample/ProcParse.c src/sample/CodeProbe.c src/util/XUtils.c"
seeds[traffic]=tests/fuzz/corpus/proc
sources[traffic]="src/traffic/TrafficParse.c src/util/XUtils.c"
libs[traffic]="$(pkg-config --libs json-c)"
seeds[cpython]=tests/fuzz/corpus/cpython
sources[cpython]="tests/fuzz/FakeMemory.c src/target/CPython.c src/target/CPythonLayout.c
   src/target/LineTable.c src/target/FrameList.c src/target/ElfSymbols.c src/target/ProcMaps.c
   src/sample/ProcParse.c src/util/XUtils.c"
libs[cpython]="-lelf"
seeds[elf]=tests/fuzz/corpus/elf
sources[elf]="src/target/ElfSymbols.c src/util/XUtils.c"
libs[elf]="-lelf"

seeds[http]=tests/fuzz/corpus/http
sources[http]="src/export/Exposition.c src/export/MetricWriter.c src/export/MetricsServer.c
   src/record/ByteBuffer.c src/record/Varint.c src/util/Text.c src/util/XUtils.c"
libs[http]="$(pkg-config --libs libmicrohttpd) -lm"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(segment snapshot procparse traffic cpython elf http)

build() {
   local t=$1
   # shellcheck disable=SC2086 # word lists
   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
      -I. -Isrc -Itests/fuzz $(pkg-config --cflags json-c) "tests/fuzz/fuzz_$t.c" \
      ${sources[$t]} ${libs[$t]:-} -o "$work/fuzz_$t"
}

run() {
   local t=$1
   mkdir -p "$work/corpus-$t" "$work/crash-$t"
   find "${seeds[$t]}" -maxdepth 1 -type f -exec cp {} "$work/corpus-$t/" \;
   "$work/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
      -artifact_prefix="$work/crash-$t/" "$work/corpus-$t" >"$work/$t.log" 2>&1
}

report() {
   local t=$1 status=$2
   local runs
   runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/$t.log")
   [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$work/$t.log" | tail -1 | tr -d '#')
   if [ "$status" -ne 0 ]; then
      echo "fuzz_$t: CRASH after ${runs:-?} runs"
      grep -A30 -m1 'ERROR\|runtime error' "$work/$t.log"
      for f in "$work/crash-$t"/*; do [ -e "$f" ] && echo "input: $(base64 -w0 <"$f")"; done
      return 1
   fi
   echo "fuzz_$t: ${runs:-?} runs in ${seconds} s, no crash"
}

for t in "${targets[@]}"; do
   [ -n "${seeds[$t]:-}" ] || { echo "no fuzz target $t" >&2; exit 2; }
   build "$t" || { echo "fuzz_$t: does not build" >&2; exit 1; }
done
failed=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
   pids=()
   for t in "${targets[@]:i:2}"; do run "$t" & pids+=("$!"); done
   k=0
   for t in "${targets[@]:i:2}"; do
      wait "${pids[$k]}"
      report "$t" $? || failed=1
      k=$((k + 1))
   done
done
exit $failed
