-- Give a webhook endpoint a new secret; the one it replaces signs beside it a while more.
-- KEYS[1] the endpoint's hash
-- ARGV[1] now (ms), ARGV[2] the new secret, ARGV[3] how long the old one keeps signing (ms)
-- Returns {0, flat hash} | {2} (no such endpoint)
local current = redis.call('HGET', KEYS[1], 'sk')
if not current then
  return {2}
end
redis.call('HSET', KEYS[1], 'sk', ARGV[2], 'ps', current,
  'px', tonumber(ARGV[1]) + tonumber(ARGV[3]), 'u', ARGV[1])
return {0, redis.call('HGETALL', KEYS[1])}
