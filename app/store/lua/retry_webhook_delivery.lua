-- Make a delivery due now (SPEC.md §16 `retry`), whatever its status.
-- KEYS[1] the account's token balance, KEYS[2] the delivery's hash, KEYS[3] its
-- endpoint's hash, KEYS[4] the account's due zset
-- ARGV[1] the request's price, ARGV[2] delivery id, ARGV[3] endpoint id
-- Returns {0, balance, flat hash} | {1, balance} (insufficient tokens) | {2, balance} (no
-- such delivery of that endpoint, charged) | {7, balance} (endpoint disabled, charged)
--
-- An attempt in flight is not doubled: the delivery is marked, and the attempt's finish
-- makes it due at once if it failed.
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
if redis.call('HGET', KEYS[2], 'ep') ~= ARGV[3] or redis.call('EXISTS', KEYS[3]) == 0 then
  return {2, balance}
end
if redis.call('HGET', KEYS[3], 'st') ~= 'enabled' then
  return {7, balance}
end
local now = now_ms()
local lease = tonumber(redis.call('HGET', KEYS[2], 'lx') or '0')
if redis.call('HEXISTS', KEYS[2], 'lt') == 1 and lease > now then
  redis.call('HSET', KEYS[2], 'rq', '1')
else
  redis.call('HSET', KEYS[2], 'st', 'pending', 'na', now)
  redis.call('ZADD', KEYS[4], now, ARGV[2])
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
