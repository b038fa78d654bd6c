-- keyed-writes.lua, and the statuses of the non-2xx answers: done() prints "statuses: 503=12 …" (or "none").
-- A script of its own because wrk parses every answer once response() exists, which costs it some speed.
dofile("RetryDemo.Benchmarks/StoreCost/keyed-writes.lua")
local threads = {}
local number = setup
function setup(thread) table.insert(threads, thread); number(thread) end
statuses = {}
function response(status)
  if status >= 300 then statuses[status] = (statuses[status] or 0) + 1 end
end
function done()
  local all, parts = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do all[status] = (all[status] or 0) + n end
  end
  for status, n in pairs(all) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("statuses: " .. (#parts > 0 and table.concat(parts, " ") or "none") .. "\n")
end
