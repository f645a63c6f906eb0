-- Give a webhook endpoint a new secret; the one it replaces signs beside it a while more.
--! keys: key_record rate_counter claim tokens endpoint idempotency previous_secret
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: now secret overlap idempotency_context endpoint_id
--! reply: balance fields previous
--! admits
-- Inputs: admission's (lib.lua); `endpoint` its hash, `idempotency` the request's
-- Idempotency-Key record (never written without one), `previous_secret` a string whose TTL
-- is the time the replaced secret keeps signing (Redis deletes it then, so it is not kept
-- past its 24 hours); `now` (ms), `secret` the new one, `overlap` how long the old one
-- keeps signing (ms), `idempotency_context` (webhooks.lua), `endpoint_id`.
-- Replies OK with the balance, the flat hash and the previous secret; INSUFFICIENT_TOKENS;
-- NOT_FOUND (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local current = redis.call('HGET', KEY.endpoint, 'sk')
if not current then
  return {CODE.NOT_FOUND, balance}
end
local overlap = tonumber(ARG.overlap)
redis.call('HSET', KEY.endpoint, 'sk', ARG.secret, 'px', tonumber(ARG.now) + overlap,
  'u', ARG.now)
redis.call('SET', KEY.previous_secret, current, 'PX', overlap)
local object = redis.call('HGETALL', KEY.endpoint)
commit_webhook_idempotency(KEY.idempotency, ARG.idempotency_context, ARG.endpoint_id, object)
return {CODE.OK, balance, object, current}
