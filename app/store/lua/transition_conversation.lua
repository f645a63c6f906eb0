-- Charge and move a conversation through the lifecycle (docs/conversations.md), indexes
-- and event included; a no-op writes no event.
--! keys: key_record rate_counter claim tokens events subscriptions due idempotency
--! keys: conversation indexes[12] changes leaves[6]
--! args: scopes limit fingerprint claim_token claim_seconds cost context
--! args: action now if_match created seq
--! reply: balance fields
--! admits
-- Inputs: admission's (lib.lua), the events' (lib_events.lua), the inbox's (lib_inbox.lua);
-- `conversation` its hash, `indexes` (lib.lua), `action` archive|close|reopen, `now` (ms),
-- `if_match` the If-Match spec, `created` the creation time (ms) the id names, `seq` its
-- sequence number.
-- Replies OK with the balance and the flat hash; INSUFFICIENT_TOKENS; NOT_FOUND,
-- PRECONDITION_FAILED and INVALID_TRANSITION (with the current status code; charged).
local refused = admit() if refused then return refused end
-- target status by action and current status: '' is a no-op, false is not allowed
local MOVES = {
  archive = {o = 'a', c = 'a', a = ''},
  close = {o = 'c', c = '', a = false},
  reopen = {o = '', c = 'o', a = 'o'},
}
local EVENT_TYPES = {
  archive = 'conversation.archived',
  close = 'conversation.closed',
  reopen = 'conversation.reopened',
}
local balance, short = pay()
if short then
  return short
end
local before = as_table(redis.call('HGETALL', KEY.conversation))
local status, version, ctype = before.s, version_of(before.v), before.t
if before.c ~= ARG.created then
  return {CODE.NOT_FOUND, balance}
end
if precondition_fails(ARG.if_match, version) then
  return {CODE.PRECONDITION_FAILED, balance, version}
end
local target = MOVES[ARG.action][status]
if target == false then
  return {CODE.INVALID_TRANSITION, balance, status}
end
local ctx = cjson.decode(ARG.context)
local seq, now = ARG.seq, ARG.now
if target ~= '' then
  for _, key in ipairs(status_indexes(KEY.indexes, ctype, status)) do
    redis.call('ZREM', key, seq)
  end
  for _, key in ipairs(status_indexes(KEY.indexes, ctype, target)) do
    redis.call('ZADD', key, seq, seq)
  end
  redis.call('HSET', KEY.conversation, 's', target, 'u', now, 'v', tonumber(version) + 1)
  redis.call('HDEL', KEY.conversation, 'cl', 'ar')
  local after = {t = ctype, s = target, x = before.x}
  inbox_change(keyspace(ctx.ap), KEY.conversation, seq, before, after)
  if target == 'c' then
    redis.call('HSET', KEY.conversation, 'cl', now)
  elseif target == 'a' then
    redis.call('HSET', KEY.conversation, 'ar', now)
  end
end
local object = redis.call('HGETALL', KEY.conversation)
if target ~= '' then
  local previous = previous_attributes(before, as_table(object))
  emit_event(ctx, EVENT_TYPES[ARG.action], seq, object, previous)
end
commit_idempotency(ctx, seq, object)
return {CODE.OK, balance, object}
