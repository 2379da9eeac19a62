-- Like wrk_bodies.lua, at a steady pace: each connection waits between requests so that all of
-- them together offer about `rate` requests a second (bench/soak.py). Args: bodies file,
-- threads, rate, connections.
local bodies = {}
local counter = 0
local thread_index = 0
local pause_ms = 0
local conns_per_thread, thread_rate = 0, 0
local window_start, window_sent = nil, 0

function setup(thread)
  thread:set("id", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  local path, total = args[1], tonumber(args[2])
  local threads, rate, connections = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  conns_per_thread = connections / threads
  thread_rate = rate / threads
  pause_ms = conns_per_thread * 1000 / thread_rate
  local index = 0
  for line in io.lines(path) do
    if index % total == id then
      local tab = string.find(line, "\t", 1, true)
      table.insert(bodies, { string.sub(line, 1, tab - 1), string.sub(line, tab + 1) })
    end
    index = index + 1
  end
end

-- wrk waits delay() ms before each request, after the previous answer: a fixed pause would
-- offer connections / (pause + latency), short of the rate by the latency. So every couple of
-- seconds the pause is corrected, half way, by what the last window achieved; at pause 0 the
-- server is saturated and the achieved rate says so.
function delay()
  local now = os.time()
  if window_start == nil then window_start = now end
  window_sent = window_sent + 1
  if now - window_start >= 2 then
    local achieved = window_sent / (now - window_start)
    local correction = conns_per_thread * 1000 / thread_rate - conns_per_thread * 1000 / achieved
    pause_ms = math.max(0, pause_ms + correction / 2)
    window_start, window_sent = now, 0
  end
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
