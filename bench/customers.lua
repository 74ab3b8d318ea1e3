-- wrk script: POST customers(first: 50) with their contacts; counts non-200 answers and
-- answers carrying GraphQL errors, so a fast failure cannot pass for throughput.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("MERCATOR_LOAD_TOKEN")
wrk.headers["X-Mercator-Company"] = "DEMO"
wrk.body = os.getenv("MERCATOR_LOAD_BODY") or '{"query":"{ customers(first: 50) { nodes { accountNumber name contacts { name email } } } }"}'

local bad = 0
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
  if string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f non200=%d gql_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad, errors))
end
