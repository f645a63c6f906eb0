-- Make a delivery due now (docs/webhooks.md `retry`), whatever its status.
--! keys: key_record rate_counter claim tokens
--! keys: delivery endpoint due endpoint_due idempotency
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: delivery_id endpoint_id channel account idempotency_context
--! reply: balance fields
--! admits
-- Inputs: admission's (lib.lua); `delivery` its hash, `endpoint` its endpoint's hash, `due`
-- the account's due zset, `endpoint_due` the endpoint's, `idempotency` the request's
-- Idempotency-Key record (never written without one); `delivery_id`, `endpoint_id`,
-- `channel` the hint channel, `account`, `idempotency_context` (webhooks.lua).
-- Replies OK with the balance and the flat hash; INSUFFICIENT_TOKENS; NOT_FOUND (no such
-- delivery of that endpoint) and ENDPOINT_DISABLED (charged).
--
-- An attempt in flight is not doubled: the delivery is marked, and the attempt's finish
-- makes it due at once if it failed.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
if redis.call('HGET', KEY.delivery, 'ep') ~= ARG.endpoint_id
  or redis.call('EXISTS', KEY.endpoint) == 0 then
  return {CODE.NOT_FOUND, balance}
end
if redis.call('HGET', KEY.endpoint, 'st') ~= 'enabled' then
  return {CODE.ENDPOINT_DISABLED, balance}
end
local now = now_ms()
if not due_now(KEY.delivery, KEY.due, KEY.endpoint_due, ARG.endpoint_id, ARG.delivery_id, now,
  ARG.channel, ARG.account) then
  redis.call('HSET', KEY.delivery, 'rq', '1')
end
local object = redis.call('HGETALL', KEY.delivery)
commit_webhook_idempotency(KEY.idempotency, ARG.idempotency_context, ARG.delivery_id, object)
return {CODE.OK, balance, object}
