-- wrk's own count of what went wrong, one line the snapshot tests parse:
-- status counts responses other than 2xx/3xx, the rest are socket errors.
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK requests %d connect %d read %d write %d status %d timeout %d p99_ms %.1f\n",
      summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(99) / 1000.0))
end
