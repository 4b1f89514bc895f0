-- Shared helpers for the wrk scripts: per-thread ids, response accounting and a
-- one-line JSON summary ("WRK_JSON {...}") that bench.py parses from stdout.
--
-- wrk runs one Lua state per thread (plus one for setup/done), so per-thread
-- counters are read back in done() through thread:get().

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

responses = 0
non200 = 0
first_error = ""

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    non200 = non200 + 1
    if first_error == "" then
      first_error = tostring(status) .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == '\\' then return '\\\\' end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local total_responses, total_non200, err = 0, 0, ""
  for _, t in ipairs(threads) do
    total_responses = total_responses + (t:get("responses") or 0)
    total_non200 = total_non200 + (t:get("non200") or 0)
    local e = t:get("first_error") or ""
    if err == "" and e ~= "" then err = e end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"responses":%d,"non200":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},"first_error":%s}\n',
    summary.requests, summary.duration, summary.bytes, total_responses, total_non200,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, json_string(err)))
end
