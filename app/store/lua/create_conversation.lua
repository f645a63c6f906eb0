-- Charge and create a conversation: its hash, its four index entries and its event.
--! keys: key_record rate_counter claim tokens events subscriptions due idempotency
--! keys: sequence indexes[12] changes leaves[6]
--! args: scopes limit fingerprint claim_token claim_seconds cost context
--! args: type fields[]
--! reply: balance seq
--! admits
-- Inputs: admission's (lib.lua), the events' (lib_events.lua), the inbox's (lib_inbox.lua);
-- `sequence` the account's creation sequence, `indexes` (lib.lua), `type` the type code
-- (d|g), `fields` the hash's field, value pairs.
-- Replies OK with the balance and the new seq; INSUFFICIENT_TOKENS.
--
-- The one key not in KEYS: the new hash's name ends with the sequence number this script
-- allocates (lib.lua's keyspace.conversation), in the account's slot.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local ctx = cjson.decode(ARG.context)
local keys = keyspace(ctx.ap)
local seq = redis.call('INCR', KEY.sequence)
local key = keys.conversation(seq)
redis.call('HSET', key, unpack(ARG.fields))
for _, index in ipairs(indexes_of(KEY.indexes, ARG.type, 'o')) do
  redis.call('ZADD', index, seq, seq)
end
-- The new hash holds exactly the pairs just set: the event's object, without reading it back.
local object = ARG.fields
inbox_change(keys, key, seq, nil, as_table(object))
emit_event(ctx, 'conversation.created', seq, object, nil)
commit_idempotency(ctx, seq, object)
return {CODE.OK, balance, seq}
