-- Drop the entries of an account's delivery listings past the events' retention, at most
-- once in a while (the worker's sweep; a new event trims its own listing as it goes).
--! keys: endpoints trimmed
--! args: account_prefix cutoff marker_seconds
--! reply: dropped
-- Inputs: `endpoints` the account's (zset), `trimmed` the marker; `account_prefix`
-- `P:{A}:` (each endpoint's listing is named by lib.lua's keyspace), `cutoff` the
-- retention's (ms), `marker_seconds` how long the marker lives.
-- Replies OK with the entries dropped, or NOT_DUE when trimmed lately.
if redis.call('EXISTS', KEY.trimmed) == 1 then
  return {CODE.NOT_DUE}
end
local keys, dropped = keyspace(ARG.account_prefix), 0
for _, endpoint in ipairs(redis.call('ZRANGE', KEY.endpoints, 0, -1)) do
  dropped = dropped + redis.call('ZREMRANGEBYSCORE', keys.webhook_endpoint_deliveries(endpoint),
    '-inf', '(' .. ARG.cutoff)
end
redis.call('SET', KEY.trimmed, '1', 'EX', tonumber(ARG.marker_seconds))
return {CODE.OK, dropped}
