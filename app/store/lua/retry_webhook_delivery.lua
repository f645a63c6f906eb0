-- Make a delivery due now (SPEC.md §16 `retry`), whatever its status.
-- KEYS[1] the delivery's hash, KEYS[2] its endpoint's hash, KEYS[3] the account's due zset
-- ARGV[1] delivery id, ARGV[2] endpoint id
-- Returns {0, flat hash} | {2} (no such delivery of that endpoint) | {7} (endpoint disabled)
--
-- An attempt in flight is not doubled: the delivery is marked, and the attempt's finish
-- makes it due at once if it failed.
if redis.call('HGET', KEYS[1], 'ep') ~= ARGV[2] or redis.call('EXISTS', KEYS[2]) == 0 then
  return {2}
end
if redis.call('HGET', KEYS[2], 'st') ~= 'enabled' then
  return {7}
end
local now = now_ms()
local lease = tonumber(redis.call('HGET', KEYS[1], 'lx') or '0')
if redis.call('HEXISTS', KEYS[1], 'lt') == 1 and lease > now then
  redis.call('HSET', KEYS[1], 'rq', '1')
else
  redis.call('HSET', KEYS[1], 'st', 'pending', 'na', now)
  redis.call('ZADD', KEYS[3], now, ARGV[1])
end
return {0, redis.call('HGETALL', KEYS[1])}
