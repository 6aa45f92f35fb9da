#!/usr/bin/env python3
"""Query and check leaktop --batch output (JSON Lines) for the integration tests.

    batchq.py FILE EXPR          print the value of EXPR (JSON for non-strings)
    batchq.py FILE --check EXPR [DIAG]
                                 exit 0 if EXPR is true, 1 if false (printing
                                 DIAG's value), 2 if it raised

EXPR is a Python expression over the names defined below (ticks, first, last,
tree(), procs(), vmrss(), ...). Every line of FILE must be one JSON object.
"""

import json
import math
import os
import sys


def load(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                raise ValueError("%s:%d: empty line" % (path, n))
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("%s:%d: not a JSON object" % (path, n))
            out.append(obj)
    return out


# ---- schema (the lead's contract for --batch) -----------------------------

def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v):
    return (_int(v) or isinstance(v, float)) and not (isinstance(v, float) and math.isnan(v))


def _str(v):
    return isinstance(v, str)


def _bool(v):
    return isinstance(v, bool)


def _opt(check):
    return lambda v: v is None or check(v)


TOP = {"time": _num, "tick": _int, "interval_s": _num, "host": dict, "notice": _str,
       "traffic_source": _str, "traffic_unit": _str, "trees": list}
TRAFFIC = {"delta": _opt(_num), "total": _opt(_num), "idle": _bool}
HOST = {"mem_total_kib": _int, "mem_available_kib": _int}
TREE = {"root_pid": _int, "root_start_ticks": _int, "name": _str, "workers": _int,
        "total_rss_kib": _int, "total_pss_kib": _opt(_int), "cgroup": _opt(lambda v: isinstance(v, dict)),
        "traffic": dict, "processes": list, "exited": list, "ends": dict,
        "recycle": _opt(lambda v: isinstance(v, dict)), "slots": list}
CGROUP = {"path": _str, "version": lambda v: v in (1, 2), "limited": _bool,
          "limit_bytes": _opt(_int), "current_bytes": _opt(_int), "headroom_bytes": _opt(_int),
          "oom_kills": _opt(_int)}
PROC = {"pid": _int, "ppid": _int, "start_ticks": _int, "start_time": _num,
        "role": lambda v: v in ("master", "worker", "child", "single"),
        "name": _str, "cmdline": _str, "generation": lambda v: _int(v) and v >= 1,
        "slot": _opt(lambda v: _int(v) and v >= 1),
        "depth": _int, "state": _str, "age_s": _num,
        "rss_kib": _int, "rss_anon_kib": _int, "rss_file_kib": _int, "rss_shmem_kib": _int,
        "peak_rss_kib": _int, "pss_kib": _opt(_int), "uss_kib": _opt(_int), "swap_kib": _opt(_int),
        "smaps_error": _opt(_str), "growth_kib_per_min": _opt(_num), "growth_window_s": _num,
        "cpu_pct": _opt(_num), "ctx_voluntary": _opt(_int), "ctx_involuntary": _opt(_int),
        "fds": _opt(_int), "fds_change": _opt(_int), "threads": _opt(_int),
        "threads_change": _opt(_int), "fd_limit": _opt(_int), "fd_limit_in_s": _opt(_num),
        "close_wait": _opt(_int), "established": _opt(_int),
        "fd_kinds_age_s": _opt(_num), "fd_kinds": _opt(lambda v: isinstance(v, dict)),
        "traffic": dict}
FD_KINDS = {"files": _int, "tcp": _int, "udp": _int, "unix": _int,
            "other_sockets": _int, "pipes": _int, "eventfd": _int, "epoll": _int, "other": _int,
            "tcp_states": dict}
RESOURCES = {"label": _opt(_str), "fds_grow": _bool, "threads_grow": _bool, "fds_rise": _int,
             "threads_rise": _int, "close_wait_rise": _int, "established_rise": _int,
             "next_step": _opt(_str)}
EXITED = {"pid": _int, "start_ticks": _int, "generation": _int, "lifetime_s": _num,
          "peak_rss_kib": _int, "how": _str,
          "end": lambda v: v in ("recycle", "crash", "oom kill", "unknown"),
          "slot": _opt(lambda v: _int(v) and v >= 1)}
ENDS = {"recycles": _int, "crashes": _int, "oom_kills": _int, "unknown": _int}
RECYCLE = {"label": lambda v: v in ("grows with traffic, recycled", "grows with time, recycled"),
           "evidence": _str, "generations": _int, "growth_kib_per_generation": _num,
           "units_per_generation": _num, "growth_per_1000_units": _opt(_num),
           "growth_kib_per_min": _num, "lifetime_s": _num, "restarts_per_hour": _num,
           "spread": _num}
SLOT = {"slot": _int, "pid": _opt(_int), "generation": _int, "generations": list, "ends": dict,
        "recycle": _opt(lambda v: isinstance(v, dict))}


def _check_obj(obj, spec, where, errs):
    if not isinstance(obj, dict):
        errs.append("%s: not an object" % where)
        return
    for key, check in spec.items():
        if key not in obj:
            errs.append("%s: missing %r" % (where, key))
        else:
            ok = isinstance(obj[key], check) if isinstance(check, type) else check(obj[key])
            if not ok:
                errs.append("%s: bad %r = %r" % (where, key, obj[key]))


def schema_errors(tick_list=None):
    """Every departure from the --batch schema in the given ticks (default: all)."""
    errs = []
    for t in tick_list if tick_list is not None else ticks:
        w = "tick %s" % t.get("tick")
        _check_obj(t, TOP, w, errs)
        _check_obj(t.get("host"), HOST, w + " host", errs)
        for tr in t.get("trees") or []:
            tw = "%s tree %s" % (w, tr.get("root_pid") if isinstance(tr, dict) else "?")
            _check_obj(tr, TREE, tw, errs)
            if not isinstance(tr, dict):
                continue
            if isinstance(tr.get("cgroup"), dict):
                _check_obj(tr["cgroup"], CGROUP, tw + " cgroup", errs)
            if isinstance(tr.get("traffic"), dict):
                _check_obj(tr["traffic"], dict(TRAFFIC, split=_bool), tw + " traffic", errs)
            for p in tr.get("processes") or []:
                pw = "%s pid %s" % (tw, p.get("pid") if isinstance(p, dict) else "?")
                _check_obj(p, PROC, pw, errs)
                if isinstance(p, dict) and isinstance(p.get("traffic"), dict):
                    _check_obj(p["traffic"], TRAFFIC, pw + " traffic", errs)
                if isinstance(p, dict) and isinstance(p.get("fd_kinds"), dict):
                    _check_obj(p["fd_kinds"], FD_KINDS, pw + " fd_kinds", errs)
                if isinstance(p, dict) and isinstance(p.get("verdict"), dict):
                    _check_obj(p["verdict"].get("resources"), RESOURCES, pw + " resources", errs)
            for e in tr.get("exited") or []:
                _check_obj(e, EXITED, "%s exited %s" % (tw, e.get("pid") if isinstance(e, dict) else "?"), errs)
            if isinstance(tr.get("ends"), dict):
                _check_obj(tr["ends"], ENDS, tw + " ends", errs)
            if isinstance(tr.get("recycle"), dict):
                _check_obj(tr["recycle"], RECYCLE, tw + " recycle", errs)
            for sl in tr.get("slots") or []:
                sw = "%s slot %s" % (tw, sl.get("slot") if isinstance(sl, dict) else "?")
                _check_obj(sl, SLOT, sw, errs)
                if isinstance(sl, dict) and isinstance(sl.get("recycle"), dict):
                    _check_obj(sl["recycle"], RECYCLE, sw + " recycle", errs)
    return errs


# ---- queries over the output -----------------------------------------------

def tree(tick, root_pid):
    for tr in tick["trees"]:
        if tr["root_pid"] == root_pid:
            return tr
    return None


def procs(tick, root_pid=None):
    out = []
    for tr in tick["trees"]:
        if root_pid is None or tr["root_pid"] == root_pid:
            out.extend(tr["processes"])
    return out


def proc(tick, pid):
    for p in procs(tick):
        if p["pid"] == pid:
            return p
    return None


def pids(tick, root_pid=None, role=None):
    return sorted(p["pid"] for p in procs(tick, root_pid) if role is None or p["role"] == role)


def series(pid, key):
    """The values of key for pid over all ticks where pid appears."""
    return [p[key] for t in ticks for p in procs(t) if p["pid"] == pid]


# ---- verdicts over the run -------------------------------------------------

GROWS = ("grows with time", "grows with traffic")


def verdict_of(obj):
    """A process's or tree's verdict as one string: "label" or "label: reason"."""
    v = obj["verdict"]
    return "%s: %s" % (v["label"], v["reason"]) if v.get("reason") else v["label"]


def verdicts(pid):
    """(seconds since the first tick, verdict) for every tick pid is in."""
    return [(t["time"] - ticks[0]["time"], verdict_of(p)) for t in ticks for p in procs(t)
            if p["pid"] == pid]


def tree_verdicts(root_pid):
    return [(t["time"] - ticks[0]["time"], verdict_of(tree(t, root_pid))) for t in ticks
            if tree(t, root_pid)]


def settled_at(history, want):
    """Seconds from the first tick to the verdict want, held from then to the
    end of the run; None when the run does not end on it."""
    if not history or history[-1][1] != want:
        return None
    i = len(history) - 1
    while i > 0 and history[i - 1][1] == want:
        i -= 1
    return history[i][0]


def changes(history):
    """The verdict changes only, for diagnostics: [(seconds, verdict), ...]."""
    return [(round(s), v) for i, (s, v) in enumerate(history) if i == 0 or history[i - 1][1] != v]


def ever_grows(pid):
    """The growth verdicts pid got at any tick."""
    return sorted({v for _, v in verdicts(pid) if v in GROWS})


# ---- the truth, read from /proc right now -----------------------------------

def status_kib(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def vmrss(pid):
    return status_kib(pid, "VmRSS")


def smaps(pid):
    """smaps_rollup of pid as a dict of KiB values (Pss, Private_Dirty, ...)."""
    out = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0].endswith(":") and parts[2] == "kB":
                out[parts[0][:-1]] = int(parts[1])
    return out


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def fd_limit(pid):
    """The soft RLIMIT_NOFILE of pid, None when unlimited."""
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                soft = line[len("Max open files"):].split()[0]
                return None if soft == "unlimited" else int(soft)
    return None


def resources(pid):
    """The fds and threads label of pid at every tick it is in."""
    return [p["verdict"]["resources"]["label"] for t in ticks for p in procs(t) if p["pid"] == pid]


def start_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        data = f.read()
    return int(data[data.rindex(")") + 2:].split()[19])


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return sorted(int(x) for x in f.read().split())
    except OSError:
        return []


def within(value, truth, pct):
    """value is within pct percent of truth."""
    return value is not None and truth is not None and abs(value - truth) <= truth * pct / 100.0


def env(name, default=None):
    return os.environ.get(name, default)


def envint(name):
    return int(os.environ[name])


def envints(name):
    return sorted(int(x) for x in os.environ.get(name, "").split())


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    global ticks, first, last
    try:
        ticks = load(argv[1])
    except (OSError, ValueError) as e:
        print("# cannot load %s: %s" % (argv[1], e))
        return 2
    first = ticks[0] if ticks else None
    last = ticks[-1] if ticks else None
    scope = dict(globals())
    if argv[2] == "--check":
        try:
            result = eval(argv[3], scope)
        except Exception as e:  # report, as a TAP comment, what broke
            print("# %s raised %s: %s" % (argv[3], type(e).__name__, e))
            return 2
        if result:
            return 0
        print("# false: %s" % argv[3])
        for diag in argv[4:]:
            try:
                print("# %s = %s" % (diag, json.dumps(eval(diag, scope), default=str)))
            except Exception as e:
                print("# %s raised %s: %s" % (diag, type(e).__name__, e))
        return 1
    result = eval(argv[2], scope)
    print(result if isinstance(result, str) else json.dumps(result))
    return 0


ticks = []
first = last = None

if __name__ == "__main__":
    sys.exit(main(sys.argv))
