#!/usr/bin/env python3
"""leaktop demo load: steady HTTP GETs to the demo service on 127.0.0.1.

One connection per request (the service speaks HTTP/1.0), so the kernel hands
successive requests to different workers. Paced by a fixed schedule, so it
costs little CPU. Stops after --duration seconds or --count requests, when
killed, or when the process that started it goes away.
"""

import argparse
import http.client
import os
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--rate", type=float, default=25.0, help="requests per second")
    p.add_argument("--duration", type=float, default=0.0,
                   help="seconds to run (0: until killed or orphaned)")
    p.add_argument("--count", type=int, default=0, help="stop after this many requests (0: no limit)")
    p.add_argument("--path", default="/")
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = p.parse_args()
    if args.rate <= 0 or not 0 < args.port < 65536:
        p.error("--rate must be > 0 and --port in 1..65535")

    parent = os.getppid()
    period = 1.0 / args.rate
    start = time.monotonic()
    deadline = start + args.duration if args.duration > 0 else None
    next_at = start
    sent = ok = failed = 0
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            break
        if args.count and sent >= args.count:
            break
        if os.getppid() != parent:
            break  # orphaned: whoever started us is gone
        if now < next_at:
            time.sleep(min(next_at - now, 0.5))
            continue
        # Skip missed slots instead of bursting after a stall.
        next_at = max(next_at + period, now)
        sent += 1
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5.0)
        try:
            conn.request("GET", args.path)
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                ok += 1
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            time.sleep(min(0.2, period))  # the service may be restarting a worker
        finally:
            conn.close()
    if not args.quiet:
        sys.stderr.write("demo_load: sent %d ok %d failed %d in %.1fs\n"
                         % (sent, ok, failed, time.monotonic() - start))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
