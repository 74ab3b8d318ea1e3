-- wrk script: POST a GraphQL query (the customer list with contacts unless MERCATOR_LOAD_BODY
-- says otherwise) and count what failed, so a fast failure cannot pass for throughput:
-- non-200 answers, 200 answers carrying GraphQL "errors", and socket errors.
--
-- wrk runs `response` in each thread's own Lua state and `done` in yet another one: counters
-- kept in globals are invisible to `done` (they printed 0 against a server answering 501 to
-- everything). So `setup` keeps each thread and `done` sums what each thread counted
-- (`thread:get`), and also reads wrk's own counters from `summary.errors`.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("MERCATOR_LOAD_TOKEN") or "")
wrk.headers["X-Mercator-Company"] = os.getenv("MERCATOR_LOAD_COMPANY") or "DEMO"
wrk.body = os.getenv("MERCATOR_LOAD_BODY") or '{"query":"{ customers(first: 50) { nodes { accountNumber name contacts { name email } } } }"}'

local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

bad = 0
errors = 0

response = function(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  elseif string.find(body, '"errors"', 1, true) then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  local non200, gql_errors = 0, 0
  for _, t in ipairs(threads) do
    non200 = non200 + (t:get("bad") or 0)
    gql_errors = gql_errors + (t:get("errors") or 0)
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f non200=%d gql_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non200, gql_errors, socket_errors))
end
