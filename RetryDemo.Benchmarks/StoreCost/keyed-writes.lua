-- wrk: POST /greetings, each request with an Idempotency-Key of its own (the run's label, the thread, a counter).
-- Every thread writes keys of its own: setup() numbers the threads, init() builds the prefix from that number.
local threads = 0
function setup(thread) threads = threads + 1; thread:set("number", threads) end
local counter = 0
local prefix = ""
function init(args) prefix = args[1] .. "-" .. tostring(wrk.thread:get("number")) end
function request()
  counter = counter + 1
  return wrk.format("POST", "/greetings", { ["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. "-" .. counter }, '{"name":"Ada"}')
end
