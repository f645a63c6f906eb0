-- Create a webhook endpoint, enabled, unless the account already has the most it may.
-- KEYS[1] the account's token balance, KEYS[2] the account's endpoints (zset), KEYS[3]
-- endpoint sequence, KEYS[4] the new endpoint's hash, KEYS[5] the account's subscriptions
-- (hash), KEYS[6] the request's Idempotency-Key record (never written without one)
-- ARGV[1] the request's price, ARGV[2] most endpoints an account may have, ARGV[3]
-- endpoint id, ARGV[4] now (ms), ARGV[5] url, ARGV[6] enabled events (`*` or
-- `,type,type,`), ARGV[7] secret, ARGV[8] the idempotency context (webhooks.lua),
-- ARGV[9] description, or absent for null
-- Returns {0, balance, seq} | {1, balance} (insufficient tokens) | {6, balance} (too many
-- endpoints, charged)
local refused = admit() if refused then return refused end
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return {6, balance}
end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[4], 'url', ARGV[5], 'ev', ARGV[6], 'st', 'enabled',
  'c', ARGV[4], 'u', ARGV[4], 'sq', seq, 'sk', ARGV[7])
if ARGV[9] then
  redis.call('HSET', KEYS[4], 'd', ARGV[9])
end
redis.call('ZADD', KEYS[2], seq, ARGV[3])
-- Subscribed last, in the same step: from here on, every event fans out to it.
redis.call('HSET', KEYS[5], ARGV[3], ARGV[6])
commit_webhook_idempotency(KEYS[6], ARGV[8], ARGV[3], redis.call('HGETALL', KEYS[4]))
return {0, balance, seq}
