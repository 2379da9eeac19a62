-- Replays pre-signed webhook bodies (one per line: "<signature>\t<body>"), each thread a
-- disjoint slice, and prints the latency percentiles bench/ingest.py reads.
local bodies = {}
local counter = 0
local thread_index = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local total = tonumber(args[2])
  local index = 0
  for line in io.lines(path) do
    if index % total == id then
      local tab = string.find(line, "\t", 1, true)
      table.insert(bodies, { string.sub(line, 1, tab - 1), string.sub(line, tab + 1) })
    end
    index = index + 1
  end
end

function request()
  counter = counter + 1
  local item = bodies[((counter - 1) % #bodies) + 1]
  return wrk.format("POST", "/webhooks/twitter/", {
    ["Content-Type"] = "application/json",
    ["X-Twitter-Webhooks-Signature"] = item[1],
  }, item[2])
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d errors_other=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
