"""A Python process for test_tui_snapshot.sh whose memory grows on signal:

   tui_snapshot_target.py objects   SIGUSR1 keeps 20000 more LeakedWidget
   tui_snapshot_target.py native    SIGUSR1 mallocs 32 MiB through ctypes,
                                touches every page and never frees it
   tui_snapshot_target.py churn     SIGUSR1 allocates 40 MiB in 4 KiB buffers,
                                keeps one made after them (so the heap's
                                top stays in use) and frees the rest: the
                                pages stay resident until malloc_trim

It prints "READY PID" once the handlers are in place and "GREW N" after
each step (N steps so far). The main thread sleeps in short steps, so an
injected pending call runs within 50 ms.
"""

import ctypes
import json  # noqa: F401 (as most services have: the collector's first run imports it)
import signal
import sys
import time

NATIVE_STEP = 32 * 1024 * 1024


class LeakedWidget:
    def __init__(self, n):
        self.n = n


held = []
steps = 0


def grow_objects():
    held.extend(LeakedWidget(i) for i in range(20000))  # ALLOC_LINE


libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.memset.restype = ctypes.c_void_p
libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]


def grow_native():
    # Native memory the Python heap knows nothing of: RSS grows, allocated
    # blocks and gc objects do not.
    block = libc.malloc(NATIVE_STEP)
    libc.memset(block, 1, NATIVE_STEP)


def grow_churn():
    churned = [bytearray(4096) for _ in range(10240)]
    held.append(bytearray(4096))
    del churned


def on_signal(signum, frame):
    global steps
    grow = {"native": grow_native, "churn": grow_churn}.get(sys.argv[1], grow_objects)
    grow()
    steps += 1
    print("GREW %d" % steps, flush=True)


# One small step of each kind first, so that the objects Python creates on
# a first call (ctypes' call paths, caches) are there before the first
# snapshot and do not count as growth.
block = libc.malloc(16)
libc.memset(block, 0, 16)
LeakedWidget(0)
print("WARM %d" % steps, flush=True)
signal.signal(signal.SIGUSR1, on_signal)
print("READY %d" % __import__("os").getpid(), flush=True)
while True:
    time.sleep(0.05)
