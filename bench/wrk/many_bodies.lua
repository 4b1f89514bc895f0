-- wrk script: POST a different JSON body on each request, cycling through the lines of BODIES_FILE.
-- Usage: wrk ... -s many_bodies.lua URL -- BODIES_FILE
-- Each wrk thread starts at its own offset, so two threads do not send the same rows in step.

package.path = (string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local bodies = {}
local next_body = 1

function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  -- `id` is the thread number common.lua's setup() gave this thread.
  next_body = ((id or 0) * 7919) % #bodies + 1
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end
