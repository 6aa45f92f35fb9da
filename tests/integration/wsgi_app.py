"""A tiny WSGI app for the gunicorn tests (Debian's gunicorn, sync workers).

GET /?ms=N spends N ms of CPU first; every response names the worker's PID,
so a load generator knows which worker served it."""

import os
import time
from urllib.parse import parse_qs


def app(environ, start_response):
    # A transient buffer per request, freed on return: a flat, healthy worker.
    scratch = b"x" * 65536
    ms = parse_qs(environ.get("QUERY_STRING", "")).get("ms", ["0"])[0]
    end = time.process_time() + min(float(ms), 1000.0) / 1000.0
    while time.process_time() < end:
        pass
    body = b"ok %d %d\n" % (len(scratch), os.getpid())
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
