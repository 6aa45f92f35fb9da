#!/usr/bin/env python3
"""leaktop demo service: a small pre-fork HTTP server with one leaking worker.

The master binds 127.0.0.1, forks --workers workers that all accept() on the
shared listening socket (like gunicorn's sync workers), and re-forks any
worker that dies. Worker --leaky-worker keeps --leak-kib of memory per request
it serves (per-request retention, the classic leak); the others allocate a
buffer of the same size and free it (transient use, no growth).

stdout carries exactly one line, "PORT <n>", once the socket listens; leaktop
--demo reads it. Progress lines go to stderr. SIGTERM or SIGINT stops the
master and its workers. Nothing outlives its starter: workers exit when the
master goes away, and the master when the process that started it does (a
leaking demo must never be left behind). Python standard library only.
"""

import argparse
import errno
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

# Per-request retention in the leaky worker: never freed while it lives.
_retained = []
_retained_bytes = 0


class Retained:
    """One request's retained buffer, for --retain-as."""
    __slots__ = ("buf",)

    def __init__(self, buf):
        self.buf = buf


class Shutdown(Exception):
    """Raised in the master by SIGTERM/SIGINT to leave its wait loop."""


def log(msg):
    try:
        sys.stderr.write("demo_service[%d]: %s\n" % (os.getpid(), msg))
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr may be closed (leaktop sends it to /dev/null anyway)


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.0 and one request per connection: each request is a new accept(),
    # so the kernel spreads requests over the workers.
    protocol_version = "HTTP/1.0"
    server_version = "leaktop-demo/1"
    config = None  # set per worker

    def do_GET(self):
        cfg = self.config
        global _retained_bytes
        size = cfg.leak_kib * 1024
        # b"Z" * n writes every byte, so the pages really become resident
        # (bytes(n) would get calloc'ed pages that stay untouched).
        buf = b"Z" * size
        if cfg.leaky:
            _retained.append(cfg.retain_as(buf) if cfg.retain_as else buf)
            _retained_bytes += size
        checksum = buf[::4096].count(b"Z")
        del buf
        body = ("worker %d pid %d served %d retained_kib %d check %d\n" % (
            cfg.index, os.getpid(), cfg.served + 1, _retained_bytes // 1024,
            checksum)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        pass  # no access log: stdout belongs to the PORT line


class FakeServer:
    """The attributes BaseHTTPRequestHandler reads from its server."""
    server_name = "127.0.0.1"
    server_port = 0


class WorkerConfig:
    def __init__(self, index, leaky, leak_kib, max_requests, leak_limit_kib, retain_as=None):
        self.index = index
        self.leaky = leaky
        self.leak_kib = leak_kib
        # A class of that name holds each retained buffer, so that heap
        # snapshots count its objects (leaktop's report test names it with
        # hostile text); None keeps the plain bytes.
        self.retain_as = type(retain_as, (Retained,), {"__slots__": ()}) if retain_as else None
        self.max_requests = max_requests
        self.leak_limit_kib = leak_limit_kib
        self.served = 0


def set_comm(name):
    """Names the process for top/ps (15 bytes); no setproctitle needed."""
    try:
        with open("/proc/self/comm", "w") as f:
            f.write(name[:15])
    except OSError:
        pass


def watch_parent(parent):
    """Exits the worker when its master is gone (even SIGKILLed): no orphans."""
    # Signals must reach the main thread, which is the one blocked in accept().
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def serve_connection(handler, conn, addr, server, timeout=5.0):
    """One request on conn, then conn is closed."""
    try:
        conn.settimeout(timeout)
        handler(conn, addr, server)
    except (OSError, ValueError):
        pass  # a client that went away mid-request
    finally:
        try:
            conn.close()
        except OSError:
            pass


def worker_main(listener, cfg, parent):
    # SIGTERM ends a worker at once, whatever it is blocked in; SIGINT (a ^C
    # to the whole process group) is the master's to handle.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    # Not "leaky": finding which worker grows is the demo's exercise.
    set_comm("demo-worker-%d" % cfg.index)
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    Handler.config = cfg
    fake = FakeServer()
    fake.server_port = listener.getsockname()[1]
    while True:
        try:
            conn, addr = listener.accept()
        except OSError as e:
            if e.errno in (errno.ECONNABORTED, errno.EMFILE, errno.ENFILE):
                time.sleep(0.05)
                continue
            raise
        serve_connection(Handler, conn, addr, fake)
        cfg.served += 1
        if cfg.max_requests and cfg.served >= cfg.max_requests:
            return 0  # recycled, like gunicorn's max_requests
        if cfg.leak_limit_kib and _retained_bytes // 1024 >= cfg.leak_limit_kib:
            # Bounded so a forgotten demo cannot eat the host: the worker
            # "falls over" and the master replaces it with a fresh one.
            return 3


def spawn(listener, args, index):
    cfg = WorkerConfig(index, index == args.leaky_worker, args.leak_kib,
                       args.max_requests, args.leak_limit_mib * 1024, args.retain_as)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            status = worker_main(listener, cfg, parent)
        except BaseException:  # noqa: B036 - a worker must never return into the master's code
            pass
        finally:
            os._exit(status)
    log("worker %d started, pid %d%s" % (index, pid, ", leaky" if cfg.leaky else ""))
    return pid


def on_signal(signum, frame):
    raise Shutdown()


def watch_starter():
    """Polls, once a second, for the process that started the master."""
    starter = os.getppid()

    def on_alarm(signum, frame):
        if os.getppid() != starter:
            raise Shutdown()

    # A timer signal rather than a thread: forking a threaded process is
    # unsafe (and Python 3.12+ warns about it). Children inherit no timer.
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)


def stop_workers(workers, grace=5.0):
    for pid in list(workers):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while workers and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            workers.pop(pid, None)
        else:
            time.sleep(0.05)
    for pid in list(workers):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: ephemeral)")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--leaky-worker", type=int, default=1,
                   help="index (0-based) of the worker that retains memory, -1 for none")
    p.add_argument("--leak-kib", type=int, default=64,
                   help="KiB allocated per request (retained by the leaky worker)")
    p.add_argument("--leak-limit-mib", type=int, default=512,
                   help="the leaky worker exits when it retains this much (0: no limit)")
    p.add_argument("--retain-as", metavar="NAME",
                   help="the leaky worker keeps each request's buffer in an object of a "
                        "class of this name (default: the bytes alone)")
    p.add_argument("--max-requests", type=int, default=0,
                   help="a worker exits after this many requests and is replaced (0: never)")
    args = p.parse_args()
    if args.workers < 1 or args.leak_kib < 0 or args.max_requests < 0:
        p.error("--workers must be >= 1, --leak-kib and --max-requests >= 0")

    set_comm("demo-master")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(128)
    listener.set_inheritable(False)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    watch_starter()
    workers = {}  # pid -> index
    try:
        started = {}
        for i in range(args.workers):
            workers[spawn(listener, args, i)] = i
            started[i] = time.monotonic()
        sys.stdout.write("PORT %d\n" % listener.getsockname()[1])
        sys.stdout.flush()
        while True:
            pid, status = os.wait()
            index = workers.pop(pid, None)
            if index is None:
                continue
            log("worker %d pid %d exited (%s)" % (index, pid, describe(status)))
            # A worker that dies at once would otherwise be re-forked in a
            # tight loop: pace replacements.
            if time.monotonic() - started.get(index, 0) < 1.0:
                time.sleep(1.0)
            started[index] = time.monotonic()
            workers[spawn(listener, args, index)] = index
    except Shutdown:
        # One shutdown at a time: further signals must not interrupt it.
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        log("stopping %d workers" % len(workers))
        stop_workers(workers)
        return 0


def describe(status):
    if os.WIFSIGNALED(status):
        return "killed by signal %d" % os.WTERMSIG(status)
    return "exit %d" % os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
