-- Charge and delete a conversation with every index entry, and write its event.
--! keys: key_record rate_counter claim tokens events subscriptions due idempotency
--! keys: conversation indexes[12] changes leaves[6]
--! args: scopes limit fingerprint claim_token claim_seconds cost context
--! args: if_match created seq
--! reply: balance
--! admits
-- Inputs: admission's (lib.lua), the events' (lib_events.lua), the inbox's (lib_inbox.lua);
-- `conversation` its hash, `indexes` (lib.lua), `if_match` the If-Match spec, `created`
-- the creation time (ms) the id names, `seq` its sequence number.
-- Replies OK with the balance; INSUFFICIENT_TOKENS; NOT_FOUND and PRECONDITION_FAILED
-- (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local object = redis.call('HGETALL', KEY.conversation)
local current = as_table(object)
if current.c ~= ARG.created then
  return {CODE.NOT_FOUND, balance}
end
if precondition_fails(ARG.if_match, version_of(current.v)) then
  return {CODE.PRECONDITION_FAILED, balance, version_of(current.v)}
end
for _, key in ipairs(indexes_of(KEY.indexes, current.t, current.s)) do
  redis.call('ZREM', key, ARG.seq)
end
local ctx = cjson.decode(ARG.context)
inbox_change(keyspace(ctx.ap), KEY.conversation, ARG.seq, current, nil)
redis.call('DEL', KEY.conversation)
emit_event(ctx, 'conversation.deleted', ARG.seq, object, nil)
return {CODE.OK, balance}
