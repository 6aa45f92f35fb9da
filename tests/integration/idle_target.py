"""A worker for test_snapshot_idle.sh whose main thread waits in C while a
background thread keeps objects (the "grows even when idle" leak):

   idle_target.py MODE

MODE: accept, select or lock, what the main thread waits in for good; or
idle, where the main thread waits in accept() and the second thread too
waits in C, on an Event, so that no thread runs Python code. Prints
"ready" once both threads wait.
"""

import select
import socket
import sys
import threading
import time


class Kept:
    pass


kept = []
MODE = sys.argv[1]
started = threading.Event()
never = threading.Event()


def grow():
    started.set()
    if MODE == "idle":
        never.wait()
    while True:
        kept.append(Kept())
        time.sleep(0.01)


threading.Thread(target=grow, name="grower", daemon=True).start()
started.wait()
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
print("ready", flush=True)
if MODE == "select":
    select.select([server], [], [])
elif MODE == "lock":
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()
else:
    server.accept()
