-- `saasignal migrate` (app/store/migrate.py) for one account's webhooks: move the
-- deliveries its due zset still holds (from before endpoint scores) to their endpoints'
-- due zsets, and drop the previous secret its endpoint hashes kept in a field (from
-- before the key of its own that expires).
--! keys: due endpoints
--! args: account_prefix batch
--! reply: moved dropped
-- Inputs: `due` the account's due zset, `endpoints` its endpoints (zset); `account_prefix`
-- `P:{A}:` (the deliveries and endpoints are named by lib.lua's keyspace), `batch` most
-- deliveries moved a call.
-- Replies OK with the deliveries moved (call again until 0) and the fields dropped.
local keys, now = keyspace(ARG.account_prefix), now_ms()
local moved, batch = 0, tonumber(ARG.batch)
-- An account has at most 16 endpoints among the members: a window past them and a batch.
for _, member in ipairs(redis.call('ZRANGE', KEY.due, 0, batch + 16)) do
  if string.sub(member, 1, 4) == 'whd_' and moved < batch then
    local key = keys.webhook_delivery(member)
    local d = redis.call('HMGET', key, 'ep', 'st')
    redis.call('ZREM', KEY.due, member)
    if d[2] == 'pending' then
      redis.call('HDEL', key, 'lt', 'lx')
      redis.call('ZADD', keys.webhook_endpoint_due(d[1]), now, member)
      redis.call('ZADD', KEY.due, 'LT', now, d[1])
    end
    moved = moved + 1
  end
end
local dropped = 0
for _, endpoint in ipairs(redis.call('ZRANGE', KEY.endpoints, 0, -1)) do
  dropped = dropped + redis.call('HDEL', keys.webhook_endpoint(endpoint), 'ps')
end
return {CODE.OK, moved, dropped}
