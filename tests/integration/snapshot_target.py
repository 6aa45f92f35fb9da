"""A worker for the snapshot tests (test_snapshot*.sh): its main thread runs
a loop of short waits, so an injected request runs within milliseconds; a
second thread ticks beside it; it reports on itself in a status file.

   snapshot_target.py STATUS_FILE COMMAND_FIFO

Commands, one per line on the FIFO (read by a helper thread, carried out by
the main loop, which counts them in the status file's "done"):
   retain N        keep N more instances of Retained
   alloc N         keep N more 4 KiB buffers, allocated at ALLOC_LINE
   hoard N         keep N more instances of Hoard, each holding a 256 KiB
                   buffer allocated at HOARD_LINE: few objects, much memory
   native MIB      libc malloc MIB MiB (touched) and never free it
   churn MIB       malloc MIB MiB in 4 KiB blocks and free all but every
                   16th: the holes between those kept stay resident until
                   malloc_trim (free gives back only the heap's top)
   break get_objects  gc.get_objects raises (the collector reports it)
   break getpid    os.getpid raises (the collector itself raises)
   mend            both work again
   symlink SECRET  os.rename makes the final name a symlink to SECRET
   grow BYTES      os.rename pads the file to BYTES first
   honest          os.rename is the real one again

The status file (JSON, replaced atomically every 20 ms) holds the main
loop's and the ticker's counters, the exceptions the main loop caught,
sys.last_* present, names that appeared in __main__, and "done".
"""

import ctypes
import gc
import json
import os
import queue
import sys
import threading
import time

STATUS = sys.argv[1]
FIFO = sys.argv[2]
LIBC = ctypes.CDLL(None)
LIBC.malloc.restype = ctypes.c_void_p
LIBC.malloc.argtypes = [ctypes.c_size_t]
LIBC.free.argtypes = [ctypes.c_void_p]
LIBC.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
REAL_RENAME = os.rename
REAL_GET_OBJECTS = gc.get_objects
REAL_GETPID = os.getpid
BLOCK = 4096


class Retained:
    pass


class Hoard:
    def __init__(self):
        self.buf = bytes(256 << 10)  # HOARD_LINE


held = []
native = []  # addresses (ints) of blocks never freed
ticker = [0]


def allocate(n):
    for _ in range(n):
        held.append(bytearray(BLOCK))  # ALLOC_LINE


def leak_native(mib):
    size = mib << 20
    addr = LIBC.malloc(size)
    LIBC.memset(addr, 1, size)
    native.append(addr)


def churn(mib):
    blocks = []
    for _ in range((mib << 20) // BLOCK):
        addr = LIBC.malloc(BLOCK)
        LIBC.memset(addr, 1, BLOCK)
        blocks.append(addr)
    for i, addr in enumerate(blocks):
        if i % 16 == 15:
            native.append(addr)
        else:
            LIBC.free(addr)


def broken(*args, **kwargs):
    raise RuntimeError("broken by the test")


def hostile_rename(how, arg):
    def rename(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
        if not dst.startswith("snapshot-"):
            return REAL_RENAME(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
        if how == "symlink":
            os.symlink(arg, dst, dir_fd=dst_dir_fd)
            os.unlink(src, dir_fd=src_dir_fd)
            return None
        fd = os.open(src, os.O_WRONLY | os.O_APPEND, dir_fd=src_dir_fd)
        try:
            pad = int(arg) - os.fstat(fd).st_size
            os.write(fd, b" " * max(pad, 0))
        finally:
            os.close(fd)
        return REAL_RENAME(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    return rename


def run(cmd, arg):
    if cmd == "retain":
        held.extend(Retained() for _ in range(int(arg)))
    elif cmd == "hoard":
        held.extend(Hoard() for _ in range(int(arg)))
    elif cmd == "alloc":
        allocate(int(arg))  # ALLOC_CALL
    elif cmd == "native":
        leak_native(int(arg))
    elif cmd == "churn":
        churn(int(arg))
    elif cmd == "break" and arg == "get_objects":
        gc.get_objects = broken
    elif cmd == "break" and arg == "getpid":
        os.getpid = broken
    elif cmd == "mend":
        gc.get_objects = REAL_GET_OBJECTS
        os.getpid = REAL_GETPID
    elif cmd in ("symlink", "grow"):
        os.rename = hostile_rename(cmd, arg)
    elif cmd == "honest":
        os.rename = REAL_RENAME
    else:
        raise ValueError("unknown command %r" % cmd)


def read_commands(commands):
    while True:  # each writer's close ends a pass
        with open(FIFO, encoding="utf-8") as fifo:
            for line in fifo:
                commands.put(line.split())


def tick():
    while True:
        ticker[0] += 1
        time.sleep(0.01)


def write_status(status):
    tmp = STATUS + ".tmp"
    # json.dumps encodes in C; json.dump's Python encoder would leave
    # cycles of closures behind, noise in the gc object counts.
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(status))
    os.replace(tmp, STATUS)


def main():
    import __main__

    commands = queue.Queue()
    threading.Thread(target=read_commands, args=(commands,), daemon=True).start()
    threading.Thread(target=tick, name="ticker", daemon=True).start()
    names = set(vars(__main__))
    status = {"pid": os.getpid(), "python": sys.version.split()[0], "loops": 0, "done": 0,
              "errors": []}
    written = 0.0
    while True:
        try:
            status["loops"] += 1
            try:
                cmd = commands.get(timeout=0.005)
            except queue.Empty:
                cmd = None
            if cmd:
                run(cmd[0], cmd[1] if len(cmd) > 1 else "")
                status["done"] += 1
            now = time.monotonic()
            if cmd or now - written >= 0.02:
                written = now
                status["ticker"] = ticker[0]
                status["threads"] = sorted(t.name for t in threading.enumerate())
                status["last"] = [n for n in ("last_value", "last_type", "last_traceback",
                                              "last_exc") if hasattr(sys, n)]
                status["new_names"] = sorted(set(vars(__main__)) - names)
                write_status(status)
        except Exception as exc:
            status["errors"].append("%s: %s" % (type(exc).__name__, exc))


if __name__ == "__main__":
    main()
