-- Charge and apply a field update computed from a read at version `version` (compare and
-- set), with its event when something changed.
--! keys: key_record rate_counter claim tokens events subscriptions due idempotency
--! keys: conversation changes leaves[6]
--! args: scopes limit fingerprint claim_token claim_seconds cost context
--! args: created version if_match now seq deletes sets[]
--! reply: balance fields
--! admits
-- Inputs: admission's (lib.lua), the events' (lib_events.lua), the inbox's (lib_inbox.lua);
-- `conversation` its hash, `created` the creation time (ms) the id names, `version` the
-- version read, `if_match` the If-Match spec, `now` (ms), `seq` its sequence number,
-- `deletes` the fields to delete (space-separated), `sets` the field, value pairs to set.
-- Replies OK with the balance and the flat hash; INSUFFICIENT_TOKENS; NOT_FOUND and
-- PRECONDITION_FAILED (charged); STALE: the version moved since the read, nothing charged.
local refused = admit() if refused then return refused end
local current = redis.call('HMGET', KEY.conversation, 'c', 'v')
local found = current[1] == ARG.created
local version = version_of(current[2])
if found and version ~= ARG.version then
  return {CODE.STALE}
end
local balance, short = pay()
if short then
  return short
end
if not found then
  return {CODE.NOT_FOUND, balance}
end
if precondition_fails(ARG.if_match, version) then
  return {CODE.PRECONDITION_FAILED, balance, version}
end
local deletes = {}
for name in string.gmatch(ARG.deletes, '%S+') do
  deletes[#deletes + 1] = name
end
if #ARG.sets > 0 or #deletes > 0 then
  local before = as_table(redis.call('HGETALL', KEY.conversation))
  if #ARG.sets > 0 then
    redis.call('HSET', KEY.conversation, unpack(ARG.sets))
  end
  if #deletes > 0 then
    redis.call('HDEL', KEY.conversation, unpack(deletes))
  end
  redis.call('HSET', KEY.conversation, 'v', tonumber(version) + 1, 'u', ARG.now)
  local ctx = cjson.decode(ARG.context)
  local after = {t = before.t, s = before.s, x = redis.call('HGET', KEY.conversation, 'x')}
  inbox_change(keyspace(ctx.ap), KEY.conversation, ARG.seq, before, after)
  local object = redis.call('HGETALL', KEY.conversation)
  local previous = previous_attributes(before, as_table(object))
  emit_event(ctx, 'conversation.updated', ARG.seq, object, previous)
  return {CODE.OK, balance, object}
end
return {CODE.OK, balance, redis.call('HGETALL', KEY.conversation)}
