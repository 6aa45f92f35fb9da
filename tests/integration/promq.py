"""The Prometheus and /metrics side of test_export.sh, on loopback only.

  promq.py targets PROM_URL N TIMEOUT    waits until N targets are up
  promq.py query PROM_URL EXPR           prints the instant vector as JSON
  promq.py wait PROM_URL EXPR TIMEOUT    waits until EXPR returns a sample
  promq.py metadata PROM_URL METRIC      prints the metric's type and unit
  promq.py rules PROM_URL                prints each loaded rule's name and health
  promq.py alerts PROM_URL               prints the active alerts (pending or firing)
  promq.py scrape URL [ACCEPT]           prints the body; the Content-Type on stderr
  promq.py openmetrics URL               parses the OpenMetrics exposition strictly
                                         (python3-prometheus-client) and prints
                                         its families as JSON
"""
import json
import sys
import time
import urllib.parse
import urllib.request


def get(url, accept=None):
    req = urllib.request.Request(url)
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers.get("Content-Type", ""), r.read().decode("utf-8")


def api(prom, path, **params):
    _, body = get(prom + path + "?" + urllib.parse.urlencode(params))
    doc = json.loads(body)
    if doc.get("status") != "success":
        raise SystemExit("prometheus: %s" % body)
    return doc["data"]


def query(prom, expr):
    return api(prom, "/api/v1/query", query=expr)["result"]


def main(argv):
    cmd = argv[1]
    if cmd == "targets":
        prom, n, timeout = argv[2], int(argv[3]), float(argv[4])
        deadline = time.time() + timeout
        while True:
            try:
                active = api(prom, "/api/v1/targets")["activeTargets"]
                up = [t for t in active if t["health"] == "up"]
                if len(up) >= n:
                    print(json.dumps([t["scrapeUrl"] for t in up]))
                    return 0
            except OSError:
                active = []
            if time.time() > deadline:
                print(json.dumps(active), file=sys.stderr)
                return 1
            time.sleep(0.25)
    if cmd == "query":
        print(json.dumps(query(argv[2], argv[3])))
        return 0
    if cmd == "wait":
        prom, expr, timeout = argv[2], argv[3], float(argv[4])
        deadline = time.time() + timeout
        while True:
            result = query(prom, expr)
            if result:
                print(json.dumps(result))
                return 0
            if time.time() > deadline:
                return 1
            time.sleep(0.5)
    if cmd == "metadata":
        print(json.dumps(api(argv[2], "/api/v1/metadata", metric=argv[3])))
        return 0
    if cmd == "rules":
        groups = api(argv[2], "/api/v1/rules")["groups"]
        print(json.dumps([[r["name"], r["health"]] for g in groups for r in g["rules"]]))
        return 0
    if cmd == "alerts":
        print(json.dumps(api(argv[2], "/api/v1/alerts")["alerts"]))
        return 0
    if cmd == "scrape":
        ctype, body = get(argv[2], argv[3] if len(argv) > 3 else None)
        print(ctype, file=sys.stderr)
        sys.stdout.write(body)
        return 0
    if cmd == "openmetrics":
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
        ctype, body = get(argv[2], "application/openmetrics-text;version=1.0.0")
        fams = list(text_string_to_metric_families(body))
        print(json.dumps({"content_type": ctype,
                          "families": {f.name: {"type": f.type, "unit": f.unit,
                                                "samples": len(f.samples)} for f in fams}}))
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
