# shellcheck shell=bash
# Helpers shared by the benchmark scripts.

# wall_of COMMAND...: the best wall time of 10 runs, in ms (one decimal).
wall_of() {
   python3 - "$@" <<'PY'
import subprocess, sys, time
best = 1e9
for _ in range(10):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    best = min(best, time.perf_counter() - t)
print(f"{best * 1000:.1f}")
PY
}
