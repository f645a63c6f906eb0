-- Give a webhook endpoint a new secret; the one it replaces signs beside it a while more.
-- KEYS[1] the account's token balance, KEYS[2] the endpoint's hash, KEYS[3] the request's
-- Idempotency-Key record (never written without one), KEYS[4] its previous secret (a
-- string whose TTL is the time it keeps signing: Redis deletes it then, so a replaced
-- secret is not kept past its 24 hours, on Redis 6.2 as on a cluster)
-- ARGV[1] the request's price, ARGV[2] now (ms), ARGV[3] the new secret, ARGV[4] how long
-- the old one keeps signing (ms), ARGV[5] the idempotency context (webhooks.lua),
-- ARGV[6] the endpoint id
-- Returns {0, balance, flat hash, previous secret} | {1, balance} (insufficient tokens)
-- | {2, balance} (no
-- such endpoint, charged)
local refused = admit() if refused then return refused end
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
local current = redis.call('HGET', KEYS[2], 'sk')
if not current then
  return {2, balance}
end
redis.call('HSET', KEYS[2], 'sk', ARGV[3], 'px', tonumber(ARGV[2]) + tonumber(ARGV[4]),
  'u', ARGV[2])
redis.call('SET', KEYS[4], current, 'PX', tonumber(ARGV[4]))
redis.call('HDEL', KEYS[2], 'ps')  -- where it was kept before it had its own key
local object = redis.call('HGETALL', KEYS[2])
commit_webhook_idempotency(KEYS[3], ARGV[5], ARGV[6], object)
return {0, balance, object, current}
