-- Admit, charge and register one live stream of an API key (docs/stream.md), and find
-- where it starts, in one step: the cap, the price and the position agree.
-- KEYS[1] token balance, KEYS[2] the account's event stream, KEYS[3] the key's open
-- streams (zset: stream token -> its lease's end, ms)
-- ARGV[1] cost, ARGV[2] the new stream's token, ARGV[3] now (ms), ARGV[4] the lease (ms),
-- ARGV[5] STREAM_MAX_PER_KEY, ARGV[6] the stream id to resume after ('' start at the
-- end; '-' an id that cannot be this account's), ARGV[7] the retention's cut-off (ms)
-- Returns {0, balance, position, reset (0|1)} | {1, balance} | {15, 0}
--
-- position is the last entry already seen: the stream sends what follows it. An id past
-- retention or not in the log resets to the start of what is kept (reset = 1).
local refused = admit() if refused then return refused end
local balance_key, events, open = KEYS[1], KEYS[2], KEYS[3]
local cost, token, now, lease = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local cap, after, cutoff = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])

redis.call('ZREMRANGEBYSCORE', open, '-inf', now) -- leases of streams that died unclosed
if redis.call('ZCARD', open) >= cap then
  return {15, 0}
end
local ok, balance = debit(balance_key, cost)
if not ok then
  return {1, balance}
end
redis.call('ZADD', open, now + lease, token)
redis.call('PEXPIRE', open, lease)

if after == '' then
  local last = redis.call('XREVRANGE', events, '+', '-', 'COUNT', 1)
  return {0, balance, last[1] and last[1][1] or '0-0', 0}
end
local known = after ~= '-' and tonumber(string.match(after, '^(%d+)-')) >= cutoff
  and #redis.call('XRANGE', events, after, after) == 1
if known then
  return {0, balance, after, 0}
end
return {0, balance, '0-0', 1}
