#!/usr/bin/env python3
"""Bursty HTTP load for test_traffic.sh, on 127.0.0.1, with idle gaps.

    traffic_load.py PORT SCHEDULE OUT

SCHEDULE is RATE:SECONDS[,RATE:SECONDS...] (rate 0 is an idle gap). Each
request is one connection (a gunicorn sync worker serves one and closes it)
and asks for a random 1..15 ms of CPU. OUT gets one line per answered
request, "WALL_TIME PID", the PID being the worker that served it (the app
says so in its body): the truth the traffic sources are measured against.
"""

import http.client
import random
import sys
import threading
import time

THREADS = 4


def main():
    port = int(sys.argv[1])
    phases = [tuple(float(x) for x in p.split(":")) for p in sys.argv[2].split(",")]
    rng = random.Random(7)
    # The schedule of send times, laid out in advance.
    slots = []
    t = 0.0
    for rate, seconds in phases:
        if rate > 0:
            n = int(rate * seconds)
            slots.extend((t + i / rate, rng.randint(1, 15)) for i in range(n))
        t += seconds
    lock = threading.Lock()
    records = []
    start = time.monotonic()
    it = iter(slots)

    def worker():
        while True:
            with lock:
                slot = next(it, None)
            if slot is None:
                return
            at, ms = slot
            delay = start + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/?ms=%d" % ms)
                body = conn.getresponse().read().split()
                with lock:
                    records.append((time.time(), int(body[2])))
            except (OSError, http.client.HTTPException, IndexError, ValueError):
                pass
            finally:
                conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with open(sys.argv[3], "w") as f:
        for wall, pid in sorted(records):
            f.write("%.6f %d\n" % (wall, pid))
    return 0 if len(records) == len(slots) else 1


if __name__ == "__main__":
    sys.exit(main())
