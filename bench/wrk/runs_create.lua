-- wrk script: POST /api/2.0/mlflow/runs/create, one new run per request.
-- Usage: wrk ... -s runs_create.lua URL -- EXPERIMENT_ID THREADS NAME_PREFIX

package.path = (string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local experiment_id, nthreads, prefix, ts
local counter = 0

function init(args)
  experiment_id = args[1]
  nthreads = tonumber(args[2]) or 1
  prefix = args[3] or "bench"
  ts = os.time() * 1000
end

function request()
  local n = counter * nthreads + id
  counter = counter + 1
  local body = string.format('{"experiment_id":"%s","start_time":%d,"run_name":"%s-%d"}',
                             experiment_id, ts + n, prefix, n)
  return wrk.format(nil, nil, nil, body)
end
