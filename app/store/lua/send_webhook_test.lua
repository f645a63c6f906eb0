-- Send one endpoint a `webhook_endpoint.test` event (docs/webhooks.md): append the event
-- to the account's stream (its id is then unique and ordered like every event's; the feed
-- skips the type) and give that endpoint alone a delivery, due now, whatever it subscribes
-- to.
--! keys: key_record rate_counter claim tokens
--! keys: endpoint events due deliveries endpoint_due idempotency
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: endpoint_id object request_id idempotency_key oldest retention account_prefix
--! args: channel account idempotency_context
--! reply: balance delivery_id fields
--! admits
-- Inputs: admission's (lib.lua); `endpoint` its hash, `events` the account's stream, `due`
-- the account's due zset (of endpoints), `deliveries` the endpoint's (zset),
-- `endpoint_due` the endpoint's due zset, `idempotency` the request's Idempotency-Key
-- record (never written without one); `endpoint_id`, `object` the endpoint (JSON, without
-- its secret), `request_id`, `idempotency_key` ('' none), `oldest` the oldest stream id
-- kept, `retention` (s), `account_prefix` `P:{A}:` (the new delivery's hash is named by
-- lib.lua's keyspace), `channel` the hint channel, `account`, `idempotency_context`.
-- Replies OK with the balance, the delivery id and its flat hash; INSUFFICIENT_TOKENS;
-- NOT_FOUND and ENDPOINT_DISABLED (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local status = redis.call('HGET', KEY.endpoint, 'st')
if not status then
  return {CODE.NOT_FOUND, balance}
end
if status ~= 'enabled' then
  return {CODE.ENDPOINT_DISABLED, balance}
end
local fields = {'ty', 'webhook_endpoint.test', 'o', ARG.object, 'rq', ARG.request_id}
if ARG.idempotency_key ~= '' then
  fields[#fields + 1] = 'ik'
  fields[#fields + 1] = ARG.idempotency_key
end
local id = redis.call('XADD', KEY.events, 'MINID', '~', ARG.oldest, '*', unpack(fields))
redis.call('EXPIRE', KEY.events, tonumber(ARG.retention))
local delivery, ms = delivery_id(id, ARG.endpoint_id)
local record = keyspace(ARG.account_prefix).webhook_delivery(delivery)
redis.call('HSET', record, 'ep', ARG.endpoint_id, 'ev', id, 'ty', 'webhook_endpoint.test',
  'st', 'pending', 'at', 0, 'cr', ms, 'na', ms)
redis.call('EXPIRE', record, tonumber(ARG.retention))
redis.call('ZADD', KEY.deliveries, ms, delivery)
make_due(KEY.due, KEY.endpoint_due, ARG.endpoint_id, delivery, ms, ms, ARG.channel,
  ARG.account)
local object = redis.call('HGETALL', record)
commit_webhook_idempotency(KEY.idempotency, ARG.idempotency_context, delivery, object)
return {CODE.OK, balance, delivery, object}
