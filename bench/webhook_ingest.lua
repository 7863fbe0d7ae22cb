-- wrk script for bench.webhook_ingest: each thread posts its share of the
-- pre-signed webhook calls in KHADUM_WRK_REQUESTS (one "signature<TAB>body" a
-- line: unique wamids, with some redeliveries), then prints one JSON line.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  local n = tonumber(os.getenv("KHADUM_WRK_THREADS"))
  local i = 0
  for line in io.lines(os.getenv("KHADUM_WRK_REQUESTS")) do
    if i % n == id then table.insert(lines, line) end
    i = i + 1
  end
  sent = 0
  responses = 0
  non200 = 0
end

function request()
  sent = sent + 1
  local line = lines[((sent - 1) % #lines) + 1]
  local tab = string.find(line, "\t", 1, true)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = string.sub(line, 1, tab - 1),
  }, string.sub(line, tab + 1))
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local sent_by = {}
  local total_responses, total_non200, total_sent = 0, 0, 0
  for _, t in ipairs(threads) do
    total_sent = total_sent + t:get("sent")
    sent_by[t:get("id") + 1] = t:get("sent")
    total_responses = total_responses + t:get("responses")
    total_non200 = total_non200 + t:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"requests_built":%d,"duration_us":%d,"responses":%d,"non200":%d,"errors":{"connect":%d,' ..
    '"read":%d,"write":%d,"status":%d,"timeout":%d},"p50_ms":%.2f,"p90_ms":%.2f,' ..
    '"p99_ms":%.2f,"max_ms":%.2f,"sent_by_thread":[%s]}\n',
    summary.requests, total_sent, summary.duration, total_responses, total_non200, e.connect, e.read,
    e.write, e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, table.concat(sent_by, ",")))
end
