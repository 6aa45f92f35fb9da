"""A Python process for test_collector.sh: holds what the test asks it to,
and runs leaktop's collector the way an injected pending call does, through
PyRun_SimpleString in __main__, with a bootstrap that execs the collector's
source in a fresh dict.

   collector_target.py COLLECTOR_PY < commands

Commands, one per line on stdin (each answered by one line on stdout):
   retain N        keep N more instances of Retained
   alloc N         keep N more 4 KiB buffers, allocated at ALLOC_LINE
   classes N       keep one instance each of N new classes (Kind0, Kind1...)
   churn N         allocate N 4 KiB buffers, keep one more made after them
                   (so the heap's top stays in use), free the N: the pages
                   stay resident until malloc_trim
   tripwire N      keep N instances of Wired, whose class and metaclass
                   record every call of __sizeof__, __len__, __repr__,
                   __getattr__ and of __basicsize__, __itemsize__ read
                   through the metaclass; answers with Wired's real
                   tp_basicsize
   tripped         answers with the calls recorded
   break           make gc.get_objects and sys.getallocatedblocks raise
   run REQUEST     run the collector with REQUEST (JSON); answers with what
                   changed in __main__ and sys (JSON)
   quit
"""

import ctypes
import json
import os
import sys

COLLECTOR = open(sys.argv[1], encoding="utf-8").read()


class Retained:
    pass


held = []
tripped = []


class WiredMeta(type):
    @property
    def __basicsize__(cls):
        tripped.append("__basicsize__")
        return 1 << 40

    @property
    def __itemsize__(cls):
        tripped.append("__itemsize__")
        return 1 << 40


class Wired(tuple, metaclass=WiredMeta):
    # A tuple subclass: variable-size, but not an exact tuple, so its
    # length is never asked.
    def __sizeof__(self):
        tripped.append("__sizeof__")
        return 1 << 40

    def __len__(self):
        tripped.append("__len__")
        return 1 << 40

    def __repr__(self):
        tripped.append("__repr__")
        return "Wired"

    def __getattr__(self, name):
        tripped.append("__getattr__ " + name)
        raise AttributeError(name)


def allocate(n):
    for _ in range(n):
        held.append(bytearray(4096))  # ALLOC_LINE


def bootstrap(request):
    # The shape of leaktop's bootstrap: one statement, no name bound in
    # __main__, every exception swallowed.
    return (
        "try:\n"
        "    (lambda d: (exec(compile(%r, '<leaktop_collector>', 'exec'), d),"
        " d['run'](%r)))({'__name__': 'leaktop_collector'})\n"
        "except BaseException:\n"
        "    pass\n" % (COLLECTOR, request)
    )


def broken(*args):
    raise RuntimeError("broken by the test")


def main():
    import __main__
    import gc

    print("READY %d %s" % (os.getpid(), sys.version.split()[0]), flush=True)
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "retain":
            held.extend(Retained() for _ in range(int(arg)))
            answer = {"held": len(held)}
        elif cmd == "alloc":
            allocate(int(arg))
            answer = {"held": len(held)}
        elif cmd == "classes":
            held.extend(type("Kind%d" % i, (), {})() for i in range(int(arg)))
            answer = {"held": len(held)}
        elif cmd == "churn":
            churned = [bytearray(4096) for _ in range(int(arg))]
            held.append(bytearray(4096))
            del churned
            answer = {"held": len(held)}
        elif cmd == "tripwire":
            # Tuples are tracked once they hold a tracked object.
            held.extend(Wired(([],)) for _ in range(int(arg)))
            answer = {"basicsize": type.__dict__["__basicsize__"].__get__(Wired, type),
                      "itemsize": type.__dict__["__itemsize__"].__get__(Wired, type)}
        elif cmd == "tripped":
            answer = {"tripped": tripped}
        elif cmd == "break":
            gc.get_objects = broken
            sys.getallocatedblocks = broken
            answer = {"broken": True}
        elif cmd == "run":
            before = set(vars(__main__))
            code = bootstrap(json.loads(arg)).encode("utf-8")
            rc = ctypes.pythonapi.PyRun_SimpleString(ctypes.c_char_p(code))
            answer = {
                "rc": rc,
                "new_main_names": sorted(set(vars(__main__)) - before),
                "last": [n for n in ("last_value", "last_type", "last_exc") if hasattr(sys, n)],
            }
        elif cmd == "quit":
            break
        else:
            answer = {"unknown": cmd}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
