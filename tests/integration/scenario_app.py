"""The gunicorn side of test_scenarios.sh: a WSGI app whose first worker
retains memory per request and whose other workers are a stable control.

Gunicorn imports the app in each worker after the fork (no --preload), so
the worker that first creates $SCENARIO_GROWER_FILE (it writes its PID there)
keeps $SCENARIO_RETAIN_KIB KiB per request; the others keep nothing."""

import os

_kept = []


def _claim(path):
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    os.write(fd, b"%d\n" % os.getpid())
    os.close(fd)
    return True


GROWER = _claim(os.environ["SCENARIO_GROWER_FILE"])
RETAIN = int(os.environ.get("SCENARIO_RETAIN_KIB", "64")) * 1024


def app(environ, start_response):
    buf = b"\x01" * RETAIN  # every byte written: resident pages
    if GROWER:
        _kept.append(buf)
    body = b"%s pid %d\n" % (b"per-request" if GROWER else b"stable", os.getpid())
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
