-- Create a webhook endpoint, enabled, unless the account already has the most it may.
--! keys: key_record rate_counter claim tokens
--! keys: endpoints sequence endpoint subscriptions idempotency
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: most endpoint_id now url events secret idempotency_context description[]
--! reply: balance seq
--! admits
-- Inputs: admission's (lib.lua); `endpoints` the account's endpoints (zset), `sequence` the
-- endpoint sequence, `endpoint` the new endpoint's hash, `subscriptions` the account's
-- (hash), `idempotency` the request's Idempotency-Key record (never written without one);
-- `most` endpoints an account may have, `endpoint_id`, `now` (ms), `url`, `events` (`*` or
-- `,type,type,`), `secret`, `idempotency_context` (webhooks.lua), `description`: one
-- value, or none for null.
-- Replies OK with the balance and the seq; INSUFFICIENT_TOKENS; TOO_MANY_ENDPOINTS
-- (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
if redis.call('ZCARD', KEY.endpoints) >= tonumber(ARG.most) then
  return {CODE.TOO_MANY_ENDPOINTS, balance}
end
local seq = redis.call('INCR', KEY.sequence)
redis.call('HSET', KEY.endpoint, 'url', ARG.url, 'ev', ARG.events, 'st', 'enabled',
  'c', ARG.now, 'u', ARG.now, 'sq', seq, 'sk', ARG.secret)
if ARG.description[1] then
  redis.call('HSET', KEY.endpoint, 'd', ARG.description[1])
end
redis.call('ZADD', KEY.endpoints, seq, ARG.endpoint_id)
-- Subscribed last, in the same step: from here on, every event fans out to it.
redis.call('HSET', KEY.subscriptions, ARG.endpoint_id, ARG.events)
local object = redis.call('HGETALL', KEY.endpoint)
commit_webhook_idempotency(KEY.idempotency, ARG.idempotency_context, ARG.endpoint_id, object)
return {CODE.OK, balance, seq}
