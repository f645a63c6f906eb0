-- Count one request in its key's fixed window, as limits' fixed-window strategy counts: the
-- window starts with its first request and lasts `window` seconds; every request in it
-- adds `amount`. Sent in the request's pipeline beside its first script, which reads the
-- count (lib.lua's admit; docs/internals/scripts.md).
local counter = KEYS[1]
local window = ARGV[1]
local amount = tonumber(ARGV[2])

local count = redis.call("INCRBY", counter, amount)
if count == amount then
    redis.call("EXPIRE", counter, window)
end
return count
