#!/usr/bin/env python3
"""Load for the scenario tests: every target on 127.0.0.1 gets its own
schedule, one request per connection, one request at a time.

    scenario_load.py SECONDS PORT:KIND[:ARG]...

KIND is
    bursty[:SCALE]  a 60 s cycle of bursts and idle gaps (3 req/s for 8 s,
                    idle 12 s, 1 req/s for 10 s, idle 10 s, 5 req/s for 6 s,
                    idle 14 s: 64 requests a minute), rates times SCALE; each
                    target starts at a different point of the cycle
    constant:RATE   RATE req/s, evenly spaced, no gaps (time and traffic
                    cannot be told apart)
Prints "PORT served failed" per target; exits 1 if any request failed.
"""

import http.client
import sys
import threading
import time

CYCLE = [(3, 8), (0, 12), (1, 10), (0, 10), (5, 6), (0, 14)]
CYCLE_S = sum(s for _, s in CYCLE)


def bursty(seconds, scale, shift):
    times, t = [], -shift
    while t < seconds:
        for rate, length in CYCLE:
            n = int(rate * scale * length)
            times.extend(t + i * length / n for i in range(n))
            t += length
    return [x for x in times if 0 <= x < seconds]


def constant(seconds, rate):
    return [i / rate for i in range(int(seconds * rate))]


def drive(port, times, start, result):
    served = failed = 0
    for at in times:
        delay = start + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            conn.request("GET", "/")
            conn.getresponse().read()
            served += 1
        except (OSError, http.client.HTTPException):
            failed += 1
        finally:
            conn.close()
    result.extend((served, failed))


def main(argv):
    seconds = float(argv[1])
    plans = []
    for i, target in enumerate(argv[2:]):
        port, kind, *arg = target.split(":")
        if kind == "bursty":
            times = bursty(seconds, float(arg[0]) if arg else 1.0, (i * 13) % CYCLE_S)
        elif kind == "constant":
            times = constant(seconds, float(arg[0]))
        else:
            sys.exit("unknown schedule %r" % kind)
        plans.append((int(port), times, []))
    start = time.monotonic()
    threads = [threading.Thread(target=drive, args=(port, times, start, result))
               for port, times, result in plans]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    bad = 0
    for port, _, (served, failed) in plans:
        print("%d %d %d" % (port, served, failed))
        bad += failed
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
