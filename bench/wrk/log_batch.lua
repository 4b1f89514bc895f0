-- wrk script: POST /api/2.0/mlflow/runs/log-batch with N metrics per request.
-- Usage: wrk ... -s log_batch.lua URL -- RUN_ID METRICS_PER_REQUEST THREADS STEP_OFFSET
-- Every request gets its own block of steps, (counter * THREADS + thread_id) *
-- METRICS_PER_REQUEST + STEP_OFFSET + i, so no two metrics in a run collide and
-- nothing can be deduplicated by the server. STEP_OFFSET separates wrk invocations
-- (warm-up vs. measured) that log into the same run.

package.path = (string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local run_id, per_request, nthreads, offset, ts
local counter = 0

function init(args)
  run_id = args[1]
  per_request = tonumber(args[2]) or 100
  nthreads = tonumber(args[3]) or 1
  offset = tonumber(args[4]) or 0
  ts = os.time() * 1000
  math.randomseed(os.time() + id)
end

function request()
  local base = (counter * nthreads + id) * per_request + offset
  counter = counter + 1
  local parts = {}
  for i = 1, per_request do
    parts[i] = string.format('{"key":"bench_loss","value":%.6f,"timestamp":%d,"step":%d}',
                             math.random(), ts + i, base + i)
  end
  local body = '{"run_id":"' .. run_id .. '","metrics":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format(nil, nil, nil, body)
end
