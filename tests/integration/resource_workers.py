"""Workers that leak resources, for test_resources.sh.

    resource_workers.py server PORTFILE     a loopback server: port A accepts
        and closes at once (its clients' sockets go CLOSE_WAIT unless they
        close), port B accepts and holds each connection open
    resource_workers.py master PORTFILE PIDFILE   forks one worker of each
        kind and writes "kind pid" lines to PIDFILE

Workers: closewait (connects to A 2/s, never closes: CLOSE_WAIT), files
(opens a file 2/s and keeps it), threads (starts a sleeping thread 1/s),
asyncio (2 tasks/s, each holding a connection to B open), control (opens
and closes a file and a connection every tick: holds none). Every worker
stops by itself after RUN_SECONDS, and leaks at most CAP of anything.
"""

import asyncio
import os
import socket
import sys
import threading
import time

RUN_SECONDS = 240
CAP = 400


def serve(portfile):
    closing = socket.create_server(("127.0.0.1", 0))
    holding = socket.create_server(("127.0.0.1", 0))
    held = []

    def close_all():
        while True:
            conn, _ = closing.accept()
            conn.close()

    threading.Thread(target=close_all, daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (closing.getsockname()[1], holding.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    deadline = time.monotonic() + RUN_SECONDS + 30
    holding.settimeout(1)
    while time.monotonic() < deadline:
        try:
            conn, _ = holding.accept()
        except socket.timeout:
            continue
        if len(held) < 4 * CAP:
            held.append(conn)
        else:
            conn.close()


def paced(per_second, step):
    """Calls step() per_second times a second until the run ends or CAP."""
    deadline = time.monotonic() + RUN_SECONDS
    n = 0
    while time.monotonic() < deadline:
        if n < CAP:
            step()
            n += 1
        time.sleep(1.0 / per_second)


def closewait(port_a, port_b):
    kept = []
    paced(2, lambda: kept.append(socket.create_connection(("127.0.0.1", port_a))))


def files(port_a, port_b):
    kept = []
    paced(2, lambda: kept.append(open("/dev/null", "rb")))


def threads(port_a, port_b):
    stop = threading.Event()
    paced(1, lambda: threading.Thread(target=stop.wait, daemon=True).start())


def asyncio_tasks(port_a, port_b):
    async def hold():
        reader, writer = await asyncio.open_connection("127.0.0.1", port_b)
        await reader.read()  # the server never writes nor closes

    async def main():
        tasks = []
        deadline = time.monotonic() + RUN_SECONDS
        while time.monotonic() < deadline:
            if len(tasks) < CAP:
                tasks.append(asyncio.ensure_future(hold()))
            await asyncio.sleep(0.5)

    asyncio.run(main())


def control(port_a, port_b):
    def churn():
        open("/dev/null", "rb").close()
        socket.create_connection(("127.0.0.1", port_b)).close()

    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        churn()
        time.sleep(0.5)


KINDS = {"closewait": closewait, "files": files, "threads": threads,
         "asyncio": asyncio_tasks, "control": control}


def master(portfile, pidfile):
    while not os.path.exists(portfile):
        time.sleep(0.05)
    port_a, port_b = (int(x) for x in open(portfile).read().split())
    children = []
    for kind, run in KINDS.items():
        pid = os.fork()
        if pid == 0:
            try:
                run(port_a, port_b)
            finally:
                os._exit(0)
        children.append((kind, pid))
    with open(pidfile + ".tmp", "w") as f:
        for kind, pid in children:
            f.write("%s %d\n" % (kind, pid))
    os.rename(pidfile + ".tmp", pidfile)
    for _ in children:
        os.wait()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(sys.argv[2])
    else:
        master(sys.argv[2], sys.argv[3])
