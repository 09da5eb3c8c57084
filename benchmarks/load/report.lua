-- wrk reporting script for benchmarks/load/compare: one machine-readable line after the run.
-- RESULT <requests> <duration-us> <p50-us> <p99-us> <p99.9-us> <errors> <non-2xx/3xx>
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.connect + e.read + e.write + e.timeout, e.status))
end
