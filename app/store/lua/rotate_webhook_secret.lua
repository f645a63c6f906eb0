-- Give a webhook endpoint a new secret; the one it replaces signs beside it a while more.
-- KEYS[1] the account's token balance, KEYS[2] the endpoint's hash, KEYS[3] the request's
-- Idempotency-Key record (never written without one)
-- ARGV[1] the request's price, ARGV[2] now (ms), ARGV[3] the new secret, ARGV[4] how long
-- the old one keeps signing (ms), ARGV[5] the idempotency context (webhooks.lua),
-- ARGV[6] the endpoint id
-- Returns {0, balance, flat hash} | {1, balance} (insufficient tokens) | {2, balance} (no
-- such endpoint, charged)
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
local current = redis.call('HGET', KEYS[2], 'sk')
if not current then
  return {2, balance}
end
redis.call('HSET', KEYS[2], 'sk', ARGV[3], 'ps', current,
  'px', tonumber(ARGV[2]) + tonumber(ARGV[4]), 'u', ARGV[2])
local object = redis.call('HGETALL', KEYS[2])
commit_webhook_idempotency(KEYS[3], ARGV[5], ARGV[6], object)
return {0, balance, object}
