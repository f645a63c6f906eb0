-- Create a webhook endpoint, enabled, unless the account already has the most it may.
-- KEYS[1] the account's endpoints (zset), KEYS[2] endpoint sequence, KEYS[3] the new
-- endpoint's hash, KEYS[4] the account's subscriptions (hash)
-- ARGV[1] most endpoints an account may have, ARGV[2] endpoint id, ARGV[3] now (ms),
-- ARGV[4] url, ARGV[5] enabled events (`*` or `,type,type,`), ARGV[6] secret,
-- ARGV[7] description, or absent for null
-- Returns {0, seq} | {6} (too many endpoints)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return {6}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], 'url', ARGV[4], 'ev', ARGV[5], 'st', 'enabled',
  'c', ARGV[3], 'u', ARGV[3], 'sq', seq, 'sk', ARGV[6])
if ARGV[7] then
  redis.call('HSET', KEYS[3], 'd', ARGV[7])
end
redis.call('ZADD', KEYS[1], seq, ARGV[2])
-- Subscribed last, in the same step: from here on, every event fans out to it.
redis.call('HSET', KEYS[4], ARGV[2], ARGV[5])
return {0, seq}
