"""leaktop's in-process snapshot collector.

Runs inside a CPython 3.11+ worker, either exec'd from source in a fresh
dict by an injected bootstrap, or imported by leaktop_agent. It reports what
the worker's heap holds (see doc/snapshot-protocol.md in leaktop's sources):
allocated blocks, gc counts, objects and their estimated shallow size per
type (every type, up to TYPES_MAX), tracemalloc's top lines (with their
source text) and tracebacks, RSS, and optionally what malloc_trim(0)
returned.

Rules that follow from running inside someone else's process: stdlib only;
every part guarded separately (failures go to "errors", nothing is raised,
so sys.last_value is never set); run time bounded by the request's deadline
and output by its size limit; nothing kept alive afterwards (no threads, no
globals in other modules, the object list and traces dropped before
returning).

A bootstrap should compile this source under the file name
"<leaktop_collector>": tracemalloc traces allocated by the collector itself
are then told apart from the application's (code exec'd as "<string>", like
dataclass methods, is the application's).
"""

import gc
import json
import os
import sys
import time

RESULT_VERSION = 1
TOP_MAX = 200
FRAMES_MAX = 100
DEADLINE_MS_MAX = 60000
MAX_BYTES_MIN = 4096
MAX_BYTES_MAX = 16 << 20
STRING_MAX = 1024  # file names, type names, error messages
ERRORS_MAX = 20
# Every type the gc knows is reported, so that a diff can rank them all: a
# type of a few large objects is never below a top-N cut. A heap with more
# types than this reports the most numerous and says how many there were.
TYPES_MAX = 5000
# Source text of the top lines: this many lines, cut to this many
# characters, found within the first SOURCE_FILE_MAX bytes of their file.
SOURCE_LINES_MAX = 50
SOURCE_TEXT_MAX = 120
SOURCE_FILE_MAX = 4 << 20
CHUNK = 8192  # objects or traces counted between two deadline checks

DEFAULTS = {
    "seq": 0,
    "top": 25,
    "frames": 0,
    "start_tracemalloc": 0,
    "stop_tracemalloc": False,
    "trim": False,
    "deadline_ms": 2000,
    "max_bytes": 1 << 20,
}


def _int_field(request, key, low, high):
    value = request.get(key, DEFAULTS[key])
    if isinstance(value, bool) or not isinstance(value, int):
        value = DEFAULTS[key]
    return min(max(value, low), high)


def _bool_field(request, key):
    value = request.get(key, DEFAULTS[key])
    return value if isinstance(value, bool) else DEFAULTS[key]


def _request(request):
    """The request's fields, each clamped to its range; bad values default."""
    if not isinstance(request, dict):
        request = {}
    return {
        "seq": _int_field(request, "seq", 0, 2**62),
        "top": _int_field(request, "top", 1, TOP_MAX),
        "frames": _int_field(request, "frames", 0, FRAMES_MAX),
        "start_tracemalloc": _int_field(request, "start_tracemalloc", 0, FRAMES_MAX),
        "stop_tracemalloc": _bool_field(request, "stop_tracemalloc"),
        "trim": _bool_field(request, "trim"),
        "deadline_ms": _int_field(request, "deadline_ms", 1, DEADLINE_MS_MAX),
        "max_bytes": _int_field(request, "max_bytes", MAX_BYTES_MIN, MAX_BYTES_MAX),
    }


def _text(value):
    """A bounded string that encodes as UTF-8 (undecodable file names keep
    their bytes as backslash escapes)."""
    if not isinstance(value, str):
        value = "?"
    if len(value) > STRING_MAX:
        value = value[: STRING_MAX - 3] + "..."
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _error(result, part, exc):
    if len(result["errors"]) < ERRORS_MAX:
        result["errors"].append(_text("%s: %s: %s" % (part, type(exc).__name__, exc)))


def _rss_kib():
    fd = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
    try:
        fields = os.read(fd, 256).split()
    finally:
        os.close(fd)
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _tracemalloc_module():
    # The C module: the Python one would import pickle, fnmatch and linecache
    # into a worker that never asked for them.
    import _tracemalloc

    return _tracemalloc


def _type_name(cls):
    # type's own descriptors: a metaclass overriding __module__ or
    # __qualname__ must not run application code here.
    module = type.__dict__["__module__"].__get__(cls, type)
    qualname = type.__dict__["__qualname__"].__get__(cls, type)
    if not isinstance(qualname, str):
        qualname = "?"
    if not isinstance(module, str) or module == "builtins":
        return qualname
    return module + "." + qualname


def _sizes(cls):
    """(tp_basicsize, tp_itemsize) through type's own member descriptors,
    which read the C struct: no metaclass attribute, no __sizeof__."""
    basic = type.__dict__["__basicsize__"].__get__(cls, type)
    item = type.__dict__["__itemsize__"].__get__(cls, type)
    return basic, item


def _collect_types(result, req, deadline):
    from collections import Counter
    from functools import partial
    from itertools import compress
    from operator import is_

    is_tuple = partial(is_, tuple)
    objects = gc.get_objects()
    try:
        result["gc"]["objects"] = len(objects)
        per_type = Counter()
        # Items of exact tuples, the one common variable-size type the gc
        # tracks: len() of an exact tuple is C (tuple's own sq_length), it
        # runs no user code. Other var-sized types count their basic size.
        tuple_items = 0
        chunk = exact = None
        # At least one chunk: a spent budget still gives a partial answer.
        for start in range(0, len(objects), CHUNK):
            if start and time.monotonic() > deadline:
                result["truncated"] = True
                result["errors"].append("types: deadline reached after %d objects" % start)
                break
            chunk = objects[start : start + CHUNK]
            per_type.update(map(type, chunk))
            # C iterators only: no Python frame per object.
            exact = compress(chunk, map(is_tuple, map(type, chunk)))
            tuple_items += sum(map(tuple.__len__, exact))
        del chunk, exact
    finally:
        del objects
    per_name = {}
    for cls, count in per_type.items():
        try:
            name = _type_name(cls)
        except Exception:
            name = "?"
        try:
            basic, item = _sizes(cls)
            shallow = count * basic + (item * tuple_items if cls is tuple else 0)
        except Exception:
            shallow = 0
        entry = per_name.get(name)
        if entry is None:
            per_name[name] = [count, shallow]
        else:
            entry[0] += count
            entry[1] += shallow
    del per_type
    result["types_total"] = len(per_name)
    ranked = sorted(per_name.items(), key=lambda kv: kv[1][0], reverse=True)[:TYPES_MAX]
    del per_name
    result["types"] = [[_text(name), count, shallow] for name, (count, shallow) in ranked]


def _tally(table, key, size):
    entry = table.get(key)
    if entry is None:
        table[key] = [size, 1]
    else:
        entry[0] += size
        entry[1] += 1


def _largest(table, n):
    """The n (key, [size, count]) entries of table with the largest size."""
    return sorted(table.items(), key=lambda kv: kv[1][0], reverse=True)[:n]


def _collect_traces(result, req, deadline, tm):
    """Traced memory grouped by the allocating line and, with frames > 0, by
    traceback (innermost frame first), as Snapshot.statistics() groups it,
    but counted in chunks so the deadline can stop it."""
    own_file = _collect_traces.__code__.co_filename
    if own_file == "<string>":
        own_file = None
    # leaktop's own code is not the worker's heap: this file, and the line
    # that compiled and called it (an injected bootstrap's exec, whose file
    # is "<string>" like the application's own generated code, so only that
    # line is left out).
    caller = None
    frame = sys._getframe()
    while frame is not None and frame.f_code.co_filename == own_file:
        frame = frame.f_back
    if frame is not None:
        caller = (frame.f_code.co_filename, frame.f_lineno)
    del frame
    frames = req["frames"]
    lines = {}
    stacks = {}
    # What tracemalloc.take_snapshot() reads (Lib/tracemalloc.py, 3.11 to
    # 3.14): tuples (domain, size, frames, ...), frames innermost first as
    # (filename, lineno).
    traces = tm._get_traces()
    try:
        for start in range(0, len(traces), CHUNK):
            if start and time.monotonic() > deadline:
                result["truncated"] = True
                result["errors"].append("lines: deadline reached after %d traces" % start)
                break
            for trace in traces[start : start + CHUNK]:
                tb = trace[2]
                where = tb[0] if tb else ("<unknown>", 0)
                if where[0] == own_file or where == caller:
                    continue
                _tally(lines, where, trace[1])
                if frames:
                    _tally(stacks, tb[:frames], trace[1])
    finally:
        del traces
    result["lines"] = [
        {"file": _text(where[0]), "line": where[1], "size": size, "count": count}
        for where, (size, count) in _largest(lines, req["top"])
    ]
    del lines
    if frames:
        result["tracebacks"] = [
            {"size": size, "count": count, "frames": [[_text(f[0]), f[1]] for f in tb]}
            for tb, (size, count) in _largest(stacks, req["top"])
        ]


def _read_lines(name, wanted):
    """{lineno: bytes} for the line numbers in wanted, scanning at most
    SOURCE_FILE_MAX bytes of the file. Read with os calls, not linecache:
    importing linecache (and tokenize, re) would run a module of the
    application's own directory that shadows it, and linecache keeps whole
    files cached in the worker."""
    found = {}
    last = max(wanted)
    fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        lineno, pending, seen = 1, b"", 0
        while lineno <= last and seen < SOURCE_FILE_MAX:
            data = os.read(fd, 65536)
            if not data:
                break
            seen += len(data)
            parts = (pending + data).split(b"\n")
            pending = parts.pop()
            for part in parts:
                if lineno in wanted:
                    found[lineno] = part[: SOURCE_TEXT_MAX * 4]
                lineno += 1
            # A line longer than any kept text needs only its head.
            pending = pending[: SOURCE_TEXT_MAX * 4]
        if pending and lineno in wanted:
            found[lineno] = pending
    finally:
        os.close(fd)
    return found


def _source_text(result, deadline):
    """Adds "text", the line's stripped source (UTF-8, PEP 3120's default),
    to the first SOURCE_LINES_MAX lines whose file is a regular file."""
    import stat

    per_file = {}
    for entry in result["lines"][:SOURCE_LINES_MAX]:
        per_file.setdefault(entry["file"], []).append(entry)
    for name, entries in per_file.items():
        if time.monotonic() > deadline:
            result["errors"].append("lines: deadline reached before all source text")
            break
        try:
            if not stat.S_ISREG(os.stat(name).st_mode):
                continue
            found = _read_lines(name, {e["line"] for e in entries})
        except (OSError, ValueError):
            continue
        for entry in entries:
            text = found.get(entry["line"], b"").decode("utf-8", "replace").strip()
            if text:
                entry["text"] = _text(text[:SOURCE_TEXT_MAX])


def _malloc_trim(result):
    import ctypes

    before = _rss_kib()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except AttributeError:
        raise RuntimeError("malloc_trim is not available (not glibc)") from None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    result["trim"] = {"rss_before_kib": before, "rss_after_kib": _rss_kib()}


def encode(result):
    """The result as one line of compact UTF-8 JSON (no newline)."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fit(result, max_bytes):
    """Halves the longest list until the encoded result fits max_bytes."""
    while len(encode(result)) > max_bytes:
        result["truncated"] = True
        lists = [k for k in ("types", "lines", "tracebacks", "errors") if result.get(k)]
        if not lists:
            break
        longest = max(lists, key=lambda k: len(result[k]))
        result[longest] = result[longest][: len(result[longest]) // 2]


def collect(request):
    """The snapshot result for request (a dict); never raises an Exception.
    KeyboardInterrupt or SystemExit raised by the application's own signal
    handlers while it runs are left to the caller."""
    started = time.monotonic()
    result = {
        "leaktop_snapshot": RESULT_VERSION,
        "seq": 0,
        "pid": os.getpid(),
        "time": time.time(),
        "python": sys.version.split()[0],
        "elapsed_ms": 0.0,
        "truncated": False,
        "errors": [],
    }
    try:
        req = _request(request)
        result["seq"] = req["seq"]
    except Exception as exc:
        _error(result, "request", exc)
        req = _request({})
    deadline = started + req["deadline_ms"] / 1000.0

    tm = None
    try:
        tm = _tracemalloc_module()
        if req["start_tracemalloc"] and not tm.is_tracing():
            tm.start(req["start_tracemalloc"])
    except Exception as exc:
        _error(result, "tracemalloc", exc)
    try:
        result["rss_kib"] = _rss_kib()
    except Exception as exc:
        _error(result, "rss", exc)
    try:
        result["allocated_blocks"] = sys.getallocatedblocks()
    except Exception as exc:
        _error(result, "allocated_blocks", exc)
    try:
        # "objects" comes with the types, once counted: a count that failed
        # must not read as a heap of zero objects in a diff.
        result["gc"] = {
            "counts": list(gc.get_count()),
            "garbage": len(gc.garbage),
            "enabled": gc.isenabled(),
        }
    except Exception as exc:
        result["gc"] = {}
        _error(result, "gc", exc)
    # Traces before types: the object list would otherwise show up in them.
    if tm is not None:
        try:
            tracing = tm.is_tracing()
            traced, peak = tm.get_traced_memory()
            result["tracemalloc"] = {
                "tracing": tracing,
                "frames": tm.get_traceback_limit(),
                "traced": traced,
                "peak": peak,
                "overhead": tm.get_tracemalloc_memory(),
            }
            if tracing:
                _collect_traces(result, req, deadline, tm)
                _source_text(result, deadline)
        except Exception as exc:
            _error(result, "tracemalloc", exc)
    try:
        _collect_types(result, req, deadline)
    except Exception as exc:
        _error(result, "types", exc)
    if req["trim"]:
        try:
            _malloc_trim(result)
        except Exception as exc:
            _error(result, "trim", exc)
    if req["stop_tracemalloc"] and tm is not None:
        try:
            tm.stop()
            result.setdefault("tracemalloc", {})["tracing"] = False
        except Exception as exc:
            _error(result, "tracemalloc", exc)
    result["elapsed_ms"] = round((time.monotonic() - started) * 1000.0, 3)
    try:
        _fit(result, req["max_bytes"])
    except Exception as exc:
        result = {
            "leaktop_snapshot": RESULT_VERSION,
            "seq": result["seq"],
            "pid": result["pid"],
            "time": result["time"],
            "python": result["python"],
            "elapsed_ms": result["elapsed_ms"],
            "truncated": True,
            "errors": [],
        }
        _error(result, "encode", exc)
    return result


def result_dir():
    return "/tmp/leaktop-%d" % os.geteuid()


def _open_private_dir(path, uid):
    """The result directory as an fd: created 0700 if missing, never through
    a symlink, and only if it is a directory of uid's that nobody else can
    write or read. None otherwise."""
    import stat

    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    st = os.fstat(fd)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_mode & 0o077:
        os.close(fd)
        return None
    return fd


def write_result(result):
    """Writes result atomically as /tmp/leaktop-EUID/snapshot-PID-SEQ.json;
    writes nothing when the directory is not private. Never raises."""
    try:
        data = encode(result) + b"\n"
        dir_fd = _open_private_dir(result_dir(), os.geteuid())
        if dir_fd is None:
            return
        try:
            name = "snapshot-%d-%d" % (os.getpid(), result.get("seq", 0))
            tmp = "." + name + ".tmp"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
            except FileExistsError:
                # Left by an earlier run that died, in a directory only we
                # (and root) can write: remove it, never open through it.
                os.unlink(tmp, dir_fd=dir_fd)
                fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
            try:
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                finally:
                    os.close(fd)
                os.rename(tmp, name + ".json", src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except Exception:
                os.unlink(tmp, dir_fd=dir_fd)
                raise
        finally:
            os.close(dir_fd)
    except Exception:
        pass


def run(request):
    """What an injected bootstrap calls: collect, then write the result."""
    write_result(collect(request))
