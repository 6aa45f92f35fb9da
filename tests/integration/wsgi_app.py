"""A tiny WSGI app for test_gunicorn.sh (Debian's gunicorn, sync workers)."""


def app(environ, start_response):
    # A transient buffer per request, freed on return: a flat, healthy worker.
    scratch = b"x" * 65536
    body = b"ok %d\n" % len(scratch)
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
