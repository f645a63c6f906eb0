-- Change a webhook endpoint's url, enabled events, description or status (a PATCH).
--! keys: key_record rate_counter claim tokens endpoint subscriptions deliveries
--! args: scopes limit fingerprint claim_token claim_seconds cost endpoint_id now changes[]
--! reply: balance fields
--! admits
-- Inputs: admission's (lib.lua); `endpoint` its hash, `subscriptions` the account's (hash),
-- `deliveries` its deliveries (zset); `endpoint_id`, `now` (ms), `changes` name, value
-- pairs among url <url> · ev <`*` or `,type,type,`> · d <description> · dnull ''
-- (description to null) · st <enabled|disabled>.
-- Replies OK with the balance and the flat hash; INSUFFICIENT_TOKENS; NOT_FOUND (charged).
--
-- Disabling by hand sets disabled_reason `manual` and unsubscribes it; enabling clears
-- the reason and the failing clock, and so does a new url (docs/webhooks.md): the failures
-- of another address do not count towards disabling this one.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local endpoint = KEY.endpoint
if redis.call('EXISTS', endpoint) == 0 then
  return {CODE.NOT_FOUND, balance}
end
local changes = ARG.changes
local changed = false
for i = 1, #changes, 2 do
  local name, value = changes[i], changes[i + 1]
  if name == 'dnull' then
    changed = (redis.call('HDEL', endpoint, 'd') == 1) or changed
  elseif name == 'st' then
    local current = redis.call('HGET', endpoint, 'st')
    if value ~= current then
      changed = true
      redis.call('HSET', endpoint, 'st', value)
      if value == 'disabled' then
        redis.call('HSET', endpoint, 'dr', 'manual')
      else
        redis.call('HDEL', endpoint, 'dr', 'fs')
      end
    end
  elseif redis.call('HGET', endpoint, name) ~= value then
    changed = true
    redis.call('HSET', endpoint, name, value)
    if name == 'url' then
      redis.call('HDEL', endpoint, 'fs')
    end
  end
end
if changed then
  redis.call('HSET', endpoint, 'u', ARG.now)
end
if redis.call('HGET', endpoint, 'st') == 'enabled' then
  redis.call('HSET', KEY.subscriptions, ARG.endpoint_id, redis.call('HGET', endpoint, 'ev'))
else
  redis.call('HDEL', KEY.subscriptions, ARG.endpoint_id)
end
return {CODE.OK, balance, redis.call('HGETALL', endpoint)}
