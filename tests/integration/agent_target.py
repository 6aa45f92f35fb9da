"""Processes for test_agent.sh, each printing "READY PID" once set up:

   agent_target.py serve      leaktop's agent installed; holds 3000 Retained
   agent_target.py fork       the same, then os.fork(): the child prints
                              "CHILD PID" and must answer on its own
   agent_target.py plain      no agent
   agent_target.py squat PID  binds PID's agent name and answers anything
                              with a made-up result (what the client's peer
                              check must refuse)
   agent_target.py flood      binds its own agent name and sends an endless
                              line (what the client's size limit must stop)
   agent_target.py mute       binds its own agent name and never answers
                              (what the client's timeout must stop)
   agent_target.py hold PID   a client that connects to PID's agent and
                              sends nothing (what the agent's timeout must
                              stop)
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.environ["LEAKTOP_PYTHONDIR"])


class Retained:
    pass


def fake_server(name, mode):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind("\0leaktop-agent-%s" % name)
    sock.listen(4)
    print("READY %d" % os.getpid(), flush=True)
    held = []
    while True:
        conn, _ = sock.accept()
        try:
            if mode == "squat":
                conn.recv(65536)
                conn.sendall(b'{"leaktop_snapshot":1,"pid":%s,"types":[]}\n' % name.encode())
            elif mode == "flood":
                while True:
                    conn.sendall(b"x" * 65536)
            else:
                held.append(conn)
                continue
        except OSError:
            pass
        conn.close()


def main():
    mode = sys.argv[1]
    held = [Retained() for _ in range(3000)]
    if mode in ("serve", "fork"):
        import leaktop_agent

        if not leaktop_agent.install():
            sys.exit("agent not installed")
    if mode == "fork" and os.fork() == 0:
        print("CHILD %d" % os.getpid(), flush=True)
    elif mode == "squat":
        fake_server(sys.argv[2], mode)
    elif mode in ("flood", "mute"):
        fake_server(str(os.getpid()), mode)
    elif mode == "hold":
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect("\0leaktop-agent-%s" % sys.argv[2])
        print("READY %d" % os.getpid(), flush=True)
        conn.recv(1)  # the agent's close ends this
        print("CLOSED", flush=True)
    else:
        print("READY %d" % os.getpid(), flush=True)
    while held and mode != "hold":
        time.sleep(3600)


if __name__ == "__main__":
    main()
