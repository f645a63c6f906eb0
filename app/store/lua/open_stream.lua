-- Admit, charge and register one live stream of an API key (docs/stream.md), and find
-- where it starts, in one step: the cap, the price and the position agree.
--! keys: key_record rate_counter claim tokens events streams
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: stream now lease cap after cutoff
--! reply: balance position reset
--! admits
-- Inputs: admission's (lib.lua); `events` the account's stream, `streams` the key's open
-- streams (zset: stream token -> its lease's end, ms); `stream` the new stream's token,
-- `now` (ms), `lease` (ms), `cap` STREAM_MAX_PER_KEY, `after` the stream id to resume
-- after ('' start at the end; '-' an id that cannot be this account's), `cutoff` the
-- retention's cut-off (ms).
-- Replies OK with the balance, the position and reset (0|1); TOO_MANY_STREAMS (nothing
-- charged); INSUFFICIENT_TOKENS.
--
-- position is the last entry already seen: the stream sends what follows it. An id past
-- retention or not in the log resets to the start of what is kept (reset = 1).
local refused = admit() if refused then return refused end
local now, lease, after = tonumber(ARG.now), tonumber(ARG.lease), ARG.after

redis.call('ZREMRANGEBYSCORE', KEY.streams, '-inf', now) -- leases of streams that died unclosed
if redis.call('ZCARD', KEY.streams) >= tonumber(ARG.cap) then
  return {CODE.TOO_MANY_STREAMS}
end
local balance, short = pay()
if short then
  return short
end
redis.call('ZADD', KEY.streams, now + lease, ARG.stream)
redis.call('PEXPIRE', KEY.streams, lease)

if after == '' then
  local last = redis.call('XREVRANGE', KEY.events, '+', '-', 'COUNT', 1)
  return {CODE.OK, balance, last[1] and last[1][1] or '0-0', 0}
end
local known = after ~= '-' and tonumber(string.match(after, '^(%d+)-')) >= tonumber(ARG.cutoff)
  and #redis.call('XRANGE', KEY.events, after, after) == 1
if known then
  return {CODE.OK, balance, after, 0}
end
return {CODE.OK, balance, '0-0', 1}
