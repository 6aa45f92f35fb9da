#!/usr/bin/env python3
"""A pre-fork server whose workers each show one memory pattern, for
test_scenarios.sh and bench/scenarios.sh.

    scenario_server.py --access-log FILE ROLE[:N[:M]]...

The master forks one worker per ROLE; each worker listens on its OWN
ephemeral port on 127.0.0.1, so a load generator drives every worker with
its own schedule. Once all listen, stdout gets two lines, "PORTS p1 p2 ..."
and "PIDS w1 w2 ...", in ROLE order. Every request served appends
"<PID> GET PATH 200" to FILE (the PID field leaktop's log: source attributes
a line by). Roles:

    stable            a transient 64 KiB buffer per request, nothing kept
    idle-leak:N       a background thread keeps N KiB a minute, requests or not
    per-request:N     N KiB kept per request
    cache:N:M         N KiB kept per request up to M KiB, then the oldest
                      entry is evicted (a bounded cache: flat once full)
    payload:N         every 4th request holds an N MiB buffer for 1 s, then
                      frees it (N >= 32: glibc mmaps it, so RSS comes back)
    large:N           N MiB allocated at start and kept, flat

Workers exit when the master goes, the master when its starter does (the
helpers are the demo service's). Python standard library only.
"""

import collections
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.environ.get("LEAKTOP_DATADIR")
                or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data"))
import demo_service as demo  # noqa: E402 (its process helpers)

PAYLOAD_EVERY = 4
PAYLOAD_HOLD_S = 1.0
_kept = collections.deque()  # what the worker retains


def touched(kib):
    # b"x" * n writes every byte: the pages really become resident.
    return b"\x01" * (kib * 1024)


class Role:
    def __init__(self, spec):
        parts = spec.split(":")
        self.name = parts[0]
        self.n, self.m = (int(x) for x in (parts[1:] + ["0", "0"])[:2])
        self.served = 0
        self.kept_kib = 0

    def start(self):
        if self.name == "large":
            _kept.append(touched(self.n * 1024))
        elif self.name == "idle-leak":
            threading.Thread(target=self.accumulate, daemon=True).start()

    def accumulate(self):
        # A little every second, so the growth is smooth at any sampling rate.
        while True:
            _kept.append(touched(self.n // 60))
            time.sleep(1.0)

    def serve(self):
        self.served += 1
        if self.name in ("per-request", "cache"):
            _kept.append(touched(self.n))
            self.kept_kib += self.n
            if self.name == "cache" and self.kept_kib > self.m:
                _kept.popleft()
                self.kept_kib -= self.n
        elif self.name == "payload" and self.served % PAYLOAD_EVERY == 0:
            buf = touched(self.n * 1024)
            time.sleep(PAYLOAD_HOLD_S)  # a large upload being processed
            del buf
        else:
            len(touched(64))  # transient, freed on return
        return ("%s pid %d served %d\n" % (self.name, os.getpid(), self.served)).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection
    role = None
    log_fd = -1

    def do_GET(self):
        body = self.role.serve()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        # One write on an O_APPEND descriptor: lines from several processes
        # never interleave.
        os.write(self.log_fd, b"<%d> GET %s 200\n" % (os.getpid(), self.path.encode()))

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        pass


def worker_main(role, log_fd, ready_fd, parent):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    demo.set_comm("scn-" + role.name)
    threading.Thread(target=demo.watch_parent, args=(parent,), daemon=True).start()
    role.start()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    os.write(ready_fd, b"%d\n" % listener.getsockname()[1])
    os.close(ready_fd)
    Handler.role, Handler.log_fd = role, log_fd
    fake = demo.FakeServer()
    fake.server_port = listener.getsockname()[1]
    while True:
        conn, addr = listener.accept()
        demo.serve_connection(Handler, conn, addr, fake, timeout=10.0)


def main(argv):
    if len(argv) < 4 or argv[1] != "--access-log":
        sys.stderr.write(__doc__)
        return 2
    log_fd = os.open(argv[2], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    roles = [Role(spec) for spec in argv[3:]]
    demo.set_comm("scn-master")
    signal.signal(signal.SIGTERM, demo.on_signal)
    signal.signal(signal.SIGINT, demo.on_signal)
    workers = {}
    ports = []
    try:
        for role in roles:
            r, w = os.pipe()
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                try:
                    worker_main(role, log_fd, w, parent)
                finally:
                    os._exit(1)
            os.close(w)
            workers[pid] = role.name
            with os.fdopen(r) as f:
                ports.append(int(f.readline()))
        demo.watch_starter()
        sys.stdout.write("PORTS %s\nPIDS %s\n" % (" ".join(str(p) for p in ports),
                                                 " ".join(str(p) for p in workers)))
        sys.stdout.flush()
        while workers:
            pid, _ = os.wait()
            workers.pop(pid, None)
        return 1  # a worker died: the scenario is broken
    except demo.Shutdown:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        demo.stop_workers(workers)
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
