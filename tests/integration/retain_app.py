"""A WSGI app that keeps RETAIN_KIB of every request it serves, for
test_recycle.sh (Debian's gunicorn, sync workers, --max-requests): the
per-request retention that recycling masks. RETAIN_KIB=0 is the control,
the same app keeping nothing; RETAIN_LIMIT=N keeps only the first N
requests' (a cache that fills and stops: a plateau in every generation).
Every response names the worker's PID."""

import os

RETAIN = int(os.environ.get("RETAIN_KIB", "0")) * 1024
LIMIT = int(os.environ.get("RETAIN_LIMIT", "0"))
# Module level: lives as long as the worker, as a cache that is never
# evicted does.
kept = []


def app(environ, start_response):
    scratch = b"x" * 65536  # a transient buffer, freed on return
    if RETAIN and not (LIMIT and len(kept) >= LIMIT):
        kept.append(b"r" * RETAIN)
    body = b"ok %d %d\n" % (len(scratch), os.getpid())
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
