-- wrk script: the request comes from the environment; `done` prints one JSON summary line.
-- BENCH_METHOD (default GET), BENCH_BODY (JSON text, sent as application/json),
-- BENCH_AUTH (an API key secret, sent as a Bearer token).
local body = os.getenv("BENCH_BODY")
local auth = os.getenv("BENCH_AUTH")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if auth and auth ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. auth
end

-- BENCH_WRITES ("patch" or "transition") with BENCH_IDS (conversation ids, comma-separated):
-- every request a real change. Each wrk thread takes its own share of the conversations,
-- one after another: a PATCH sets metadata `n` to a counter, a transition closes each
-- conversation and reopens it on the next round.
local writes = os.getenv("BENCH_WRITES")
if writes and writes ~= "" then
  local ids = {}
  for id in string.gmatch(os.getenv("BENCH_IDS"), "[^,]+") do ids[#ids + 1] = id end
  local base = os.getenv("BENCH_PATH")
  local threads, sent = 0, 0
  local plain = {["Authorization"] = "Bearer " .. auth}
  local json = {["Authorization"] = "Bearer " .. auth, ["Content-Type"] = "application/json"}
  function setup(thread)
    thread:set("me", threads)
    thread:set("of", tonumber(os.getenv("BENCH_THREADS")))
    threads = threads + 1
  end
  function request()
    local share = math.floor(#ids / of)
    local id = ids[(sent % share) * of + me + 1]
    local round = math.floor(sent / share)
    sent = sent + 1
    if writes == "patch" then
      local patch = '{"metadata":{"n":' .. sent .. ',"tier":"gold"}}'
      return wrk.format("PATCH", base .. "/" .. id, json, patch)
    end
    local action = (round % 2 == 0) and "/close" or "/reopen"
    return wrk.format("POST", base .. "/" .. id .. action, plain, nil)
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, ' ..
    '"p99_ms": %.3f, "mean_ms": %.3f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
