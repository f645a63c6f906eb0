-- Delete a webhook endpoint: unsubscribe it and drop its record and its deliveries' list.
--! keys: key_record rate_counter claim tokens
--! keys: endpoint deliveries subscriptions endpoints previous_secret
--! args: scopes limit fingerprint claim_token claim_seconds cost endpoint_id
--! reply: balance
--! admits
-- Inputs: admission's (lib.lua); `endpoint` its hash, `deliveries` its deliveries (zset),
-- `subscriptions` the account's (hash), `endpoints` the account's (zset),
-- `previous_secret` its previous secret (string); `endpoint_id`.
-- Replies OK with the balance; INSUFFICIENT_TOKENS; NOT_FOUND (charged).
--
-- Its delivery hashes expire with the events' retention; the worker drops any of them
-- still due when it meets one (its endpoint is gone).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
if redis.call('EXISTS', KEY.endpoint) == 0 then
  return {CODE.NOT_FOUND, balance}
end
redis.call('HDEL', KEY.subscriptions, ARG.endpoint_id)
redis.call('ZREM', KEY.endpoints, ARG.endpoint_id)
redis.call('UNLINK', KEY.endpoint, KEY.deliveries, KEY.previous_secret)
return {CODE.OK, balance}
