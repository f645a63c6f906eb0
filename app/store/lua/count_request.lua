-- Count one request in its key's fixed window, as limits' fixed-window strategy counts: the
-- window starts with its first request and lasts `window` seconds; every request in it
-- adds `amount`.
--! keys: counter
--! args: window amount
--! reply: count
-- Sent by text in the request's pipeline beside its first script, which reads the count
-- (lib.lua's admit): a bare script, without the helpers (scripts.BARE_SCRIPT_NAMES).
-- Replies OK with the count after this request.
local amount = tonumber(ARG.amount)
local count = redis.call("INCRBY", KEY.counter, amount)
if count == amount then
    redis.call("EXPIRE", KEY.counter, ARG.window)
end
return {CODE.OK, count}
