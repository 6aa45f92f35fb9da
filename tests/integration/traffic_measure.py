#!/usr/bin/env python3
"""How well leaktop's traffic sources follow the requests each worker served.

    traffic_measure.py TRUTH BATCH...

TRUTH has "WALL_TIME PID" per request (traffic_load.py). For each BATCH
(leaktop --batch output), every tick's per-worker traffic delta is paired
with the requests that worker answered within that tick's interval, and
the script prints one JSON object per batch file: the source, the Pearson
correlation over all (tick, worker) pairs, the measured and true totals,
the idle flags of the ticks that lie wholly inside an idle gap, and how
many (tick, worker) pairs that served requests were wrongly flagged idle.
"""

import bisect
import json
import math
import sys


def pearson(xs, ys):
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def main():
    truth = [(float(w), int(p)) for w, p in (line.split() for line in open(sys.argv[1]))]
    times = [w for w, _ in truth]
    for path in sys.argv[2:]:
        ticks = [json.loads(line) for line in open(path)]
        workers = sorted({w for _, w in truth})
        xs, ys, ctx_x, ctx_y = [], [], [], []
        measured = {w: 0.0 for w in workers}
        served = {w: 0 for w in workers}
        idle_ticks = idle_flagged = busy_ticks = busy_flagged = 0
        prev_ctx = {}
        for prev, tick in zip(ticks, ticks[1:]):
            lo, hi = prev["time"], tick["time"]
            window = truth[bisect.bisect_right(times, lo):bisect.bisect_right(times, hi)]
            procs = {p["pid"]: p for tr in tick["trees"] for p in tr["processes"]}
            # Wholly idle: no request within half a second of the interval.
            quiet = not truth[bisect.bisect_right(times, lo - 0.5):bisect.bisect_right(times, hi + 0.5)]
            for w in workers:
                p = procs.get(w)
                if p is None:
                    continue
                true = sum(1 for _, pid in window if pid == w)
                if p["ctx_voluntary"] is not None and w in prev_ctx:
                    ctx_x.append(true)
                    ctx_y.append(p["ctx_voluntary"] - prev_ctx[w])
                prev_ctx[w] = p["ctx_voluntary"]
                t = p["traffic"]
                if t["delta"] is None:
                    continue
                xs.append(true)
                ys.append(t["delta"])
                measured[w] += t["delta"]
                served[w] += true
                if quiet:
                    idle_ticks += 1
                    idle_flagged += t["idle"]
                busy_ticks += true > 0
                busy_flagged += true > 0 and t["idle"]
        print(json.dumps({
            "file": path, "source": ticks[-1]["traffic_source"], "pairs": len(xs),
            "r": pearson(xs, ys), "ctx_r": pearson(ctx_x, ctx_y),
            "measured": {str(w): round(v, 3) for w, v in measured.items()},
            "served": {str(w): v for w, v in served.items()},
            "ratio": sum(measured.values()) / max(1, sum(served.values())),
            "idle_ticks": idle_ticks, "idle_flagged": idle_flagged,
            "busy_ticks": busy_ticks, "busy_flagged_idle": busy_flagged}))


if __name__ == "__main__":
    main()
