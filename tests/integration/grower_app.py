"""Memory retained per unit of work, for test_uwsgi.sh (a WSGI app) and
test_celery.sh (celery_tasks.py calls retain() once per task).

The servers import this module in their master and fork the workers from
it, so a worker's role is chosen at its first unit of work, not at import:
the worker that first creates $RETAIN_GROWER_FILE (it writes its PID there)
keeps $RETAIN_KIB KiB of every unit; the others let theirs go."""

import os

_kept = []
_grower = None
RETAIN = int(os.environ.get("RETAIN_KIB", "64")) * 1024


def _claim(path):
    """True in the one process that creates path first."""
    try:
        with open(path, "x", encoding="ascii") as f:
            f.write("%d\n" % os.getpid())
    except FileExistsError:
        return False
    return True


def retain():
    """One unit of work: RETAIN bytes written, kept by the grower only."""
    global _grower
    if _grower is None:
        _grower = _claim(os.environ["RETAIN_GROWER_FILE"])
    buf = b"\x01" * RETAIN  # every byte written: resident pages
    if _grower:
        _kept.append(buf)
    return _grower


def application(environ, start_response):
    body = b"%s pid %d\n" % (b"per-request" if retain() else b"stable", os.getpid())
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
