-- Like wrk_bodies.lua, at a fixed pace: each connection waits between requests so that all of
-- them together offer about `rate` requests a second (bench/soak.py). Args: bodies file,
-- threads, rate, connections.
local bodies = {}
local counter = 0
local thread_index = 0
local pause_ms = 0

function setup(thread)
  thread:set("id", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  local path, total = args[1], tonumber(args[2])
  pause_ms = tonumber(args[4]) * 1000 / tonumber(args[3])
  local index = 0
  for line in io.lines(path) do
    if index % total == id then
      local tab = string.find(line, "\t", 1, true)
      table.insert(bodies, { string.sub(line, 1, tab - 1), string.sub(line, tab + 1) })
    end
    index = index + 1
  end
end

function delay()
  return pause_ms
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
