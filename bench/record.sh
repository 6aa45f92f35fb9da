#!/bin/bash
# The flight recorder's store (not part of make check): a simulated day of
# 33 and 50 processes written through the real writer with zstd and lz4 (at
# two levels each, and uncompressed), read back through the real reader.
# Usage: bench/record.sh [BUILDDIR] [record_codec options, e.g. --hours 2]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")}
shift || true
bin=$build/bench/record_codec
[ -x "$bin" ] || { echo "build it first (make)" >&2; exit 1; }
"$bin" "$@"
