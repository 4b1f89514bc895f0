-- wrk script: POST /invocations with one fixed JSON body (a dataframe_split request).
-- Usage: wrk ... -s invocations.lua URL -- BODY_FILE
-- The body is read once per wrk thread from BODY_FILE (written by serve_model.py train)
-- and sent unchanged on every request, as a scoring client sending the same rows would.
-- common.lua counts non-200 responses and prints the WRK_JSON summary line.

package.path = (string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function init(args)
  local path = args[1]
  local f = path and io.open(path, "rb")
  if not f then
    error("invocations.lua: cannot read body file " .. tostring(path))
  end
  wrk.body = f:read("*a")
  f:close()
end
-- No request() function: wrk formats the request once after init() and reuses it
-- (a static request), so the load generator spends no Lua time per request.
