-- Make a delivery due now (SPEC.md §16 `retry`), whatever its status.
-- KEYS[1] the account's token balance, KEYS[2] the delivery's hash, KEYS[3] its
-- endpoint's hash, KEYS[4] the account's due zset, KEYS[5] the request's Idempotency-Key
-- record (never written without one)
-- ARGV[1] the request's price, ARGV[2] delivery id, ARGV[3] endpoint id, ARGV[4] the
-- account's webhook key prefix, ARGV[5] the hint channel, ARGV[6] the account, ARGV[7]
-- the idempotency context (JSON: tok, ittl, st; see commit_webhook_idempotency)
-- Returns {0, balance, flat hash} | {1, balance} (insufficient tokens) | {2, balance} (no
-- such delivery of that endpoint, charged) | {7, balance} (endpoint disabled, charged)
--
-- An attempt in flight is not doubled: the delivery is marked, and the attempt's finish
-- makes it due at once if it failed.
local refused = admit() if refused then return refused end
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
if not due_now(KEYS[2], KEYS[4], ARGV[4], ARGV[3], ARGV[2], now, ARGV[5], ARGV[6]) then
  redis.call('HSET', KEYS[2], 'rq', '1')
end
local object = redis.call('HGETALL', KEYS[2])
commit_webhook_idempotency(KEYS[5], ARGV[7], ARGV[2], object)
return {0, balance, object}
