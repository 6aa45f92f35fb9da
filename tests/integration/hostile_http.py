"""Hostile clients against leaktop's /metrics, on loopback: a slow loris, a
huge request head, then a thousand connections held open at once, while a
well-behaved scraper keeps scraping. Prints one JSON line of what happened.

  hostile_http.py PORT SECONDS
"""
import json
import resource
import socket
import sys
import threading
import time

HOST = "127.0.0.1"


def scrape(port):
    s = socket.create_connection((HOST, port), timeout=5)
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def slow_loris(port, seconds, out):
    s = socket.create_connection((HOST, port), timeout=seconds + 15)
    s.sendall(b"GET /metrics HTTP/1.1\r\n")
    start = time.time()
    sent = 0
    try:
        while time.time() - start < seconds:
            s.sendall(b"X")  # one byte of an endless header line
            sent += 1
            time.sleep(1)
        out["loris_open_after_s"] = round(time.time() - start, 1)
    except OSError:
        out["loris_cut_after_s"] = round(time.time() - start, 1)
    s.close()


def huge_head(port):
    s = socket.create_connection((HOST, port), timeout=10)
    try:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
    except OSError:
        pass
    try:
        line = s.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError as e:
        line = "closed: %s" % e
    s.close()
    return line


def many(port, count, hold):
    socks = []
    refused = 0
    for _ in range(count):
        try:
            c = socket.create_connection((HOST, port), timeout=2)
            c.sendall(b"GET /metrics HTTP/1.1\r\n")  # never finished
            socks.append(c)
        except OSError:
            refused += 1
    time.sleep(hold)
    closed_by_server = 0
    for c in socks:
        c.setblocking(False)
        try:
            if c.recv(1) == b"":
                closed_by_server += 1
        except BlockingIOError:
            pass
        except OSError:
            closed_by_server += 1
        c.close()
    return len(socks), refused, closed_by_server


def main():
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    out = {}
    scrapes = {"ok": 0, "failed": 0}
    stop = threading.Event()

    def scraper():
        while not stop.is_set():
            try:
                scrapes["ok" if scrape(port).endswith("200 OK") else "failed"] += 1
            except OSError:
                scrapes["failed"] += 1
            time.sleep(0.5)

    loris = threading.Thread(target=slow_loris, args=(port, seconds, out))
    loris.start()
    good = threading.Thread(target=scraper)
    good.start()
    out["huge_head"] = huge_head(port)
    out["held"], out["refused"], out["closed_by_server"] = many(port, 1000, seconds / 2)
    loris.join()
    stop.set()
    good.join()
    out["scrapes_during"] = scrapes
    time.sleep(0.5)
    out["scrape_after"] = scrape(port)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
