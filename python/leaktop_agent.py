"""leaktop's cooperative agent: answers snapshot requests over a Unix socket.

For services where leaktop may not ptrace its workers. Call install() once in
each worker process (see doc/agent.md: gunicorn post_worker_init, celery
worker_process_init, uwsgi postfork). It starts one daemon thread listening
on the abstract socket "\\0leaktop-agent-<pid>" (pid as the worker sees it);
leaktop connects, sends one request line (JSON) and reads one result line,
produced by leaktop_collector.collect().

Only root or the worker's own effective uid may ask (SO_PEERCRED). The agent
never touches signal handlers. After os.fork() the child gets its own agent;
after a fork done in C without PyOS_AfterFork_Child (uwsgi without
--py-call-osafterfork), calling install() again in the child is enough.
"""

import json
import os
import socket
import struct
import sys
import threading
import time

REQUEST_MAX = 64 * 1024
TIMEOUT = 5.0  # seconds for reading a request and for sending a result
BACKLOG = 4

_lock = threading.Lock()
_state = {"pid": None, "sock": None, "hooked": False}


def _collector():
    try:
        import leaktop_collector
    except ImportError:
        # Loaded by path, beside this file, when its directory is not on
        # sys.path.
        import importlib.util

        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "leaktop_collector.py")
        spec = importlib.util.spec_from_file_location("leaktop_collector", path)
        leaktop_collector = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(leaktop_collector)
        sys.modules["leaktop_collector"] = leaktop_collector
    return leaktop_collector


def socket_name(pid=None):
    return "\0leaktop-agent-%d" % (os.getpid() if pid is None else pid)


def _peer_allowed(conn):
    # struct ucred: pid_t pid, uid_t uid, gid_t gid (socket(7)).
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("iII"))
    _pid, uid, _gid = struct.unpack("iII", creds)
    return uid == 0 or uid == os.geteuid()


def _read_request(conn):
    data = b""
    while b"\n" not in data and len(data) <= REQUEST_MAX:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\n", 1)[0]
    if len(line) > REQUEST_MAX:
        raise ValueError("request longer than %d bytes" % REQUEST_MAX)
    request = json.loads(line.decode("utf-8"))
    if not isinstance(request, dict):
        raise ValueError("request is not a JSON object")
    return request


def _answer(conn, collector):
    conn.settimeout(TIMEOUT)
    try:
        request = _read_request(conn)
    except (ValueError, UnicodeDecodeError) as exc:
        result = {"leaktop_snapshot": 1, "pid": os.getpid(), "errors": ["request: %s" % exc]}
    else:
        result = collector.collect(request)
    conn.sendall(collector.encode(result) + b"\n")


def _serve(sock, collector):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            time.sleep(0.5)  # out of descriptors, say: retry, without spinning
            continue
        try:
            if _peer_allowed(conn):
                _answer(conn, collector)
        except Exception:
            pass  # one client's failure must not stop the agent
        finally:
            conn.close()


def _after_fork_in_child():
    # The parent's thread did not survive the fork; its listening socket did,
    # and so did the lock, in whatever state another thread left it.
    global _lock
    _lock = threading.Lock()
    sock = _state["sock"]
    _state["pid"] = None
    _state["sock"] = None
    if sock is not None:
        sock.close()
        install()


def install():
    """Starts the agent for this process if it is not running; returns True
    when it listens. Safe to call in every worker and more than once."""
    with _lock:
        pid = os.getpid()
        if _state["pid"] == pid:
            return True
        if _state["sock"] is not None:
            # Inherited across a fork that skipped the at-fork hooks.
            _state["sock"].close()
            _state["sock"] = None
        collector = _collector()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(socket_name(pid))
            sock.listen(BACKLOG)
        except OSError:
            sock.close()
            return False
        _state["pid"] = pid
        _state["sock"] = sock
        if not _state["hooked"]:
            os.register_at_fork(after_in_child=_after_fork_in_child)
            _state["hooked"] = True
        thread = threading.Thread(
            target=_serve, args=(sock, collector), name="leaktop-agent", daemon=True
        )
        thread.start()
        return True
