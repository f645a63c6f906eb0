-- Charge and create a conversation: its hash, its four index entries and its event.
-- KEYS[1] token balance, KEYS[2..5] events (lib.lua), KEYS[6] account sequence,
-- KEYS[7..18] indexes (lib.lua order), KEYS[19..25] inbox keys (lib.lua)
-- ARGV[1] cost, ARGV[2] event context (lib.lua), ARGV[3] key of the account's conversation
-- hashes without the seq, ARGV[4] type code (d|g), ARGV[5..] field, value pairs of the hash
-- Returns {0, balance, seq} | {1, balance}
--
-- The one key not passed in KEYS: the new hash's name ends with the sequence number this
-- script allocates, so it is ARGV[3] .. seq. ARGV[3] comes from Keyspace.conversation and
-- carries the account's hash tag, so the key is in the same cluster slot as KEYS.
local refused = admit() if refused then return refused end
local FIRST_INDEX = 7
local FIRST_INBOX = 19
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local ctx = cjson.decode(ARGV[2])
local seq = redis.call('INCR', KEYS[6])
local key = ARGV[3] .. seq
redis.call('HSET', key, unpack(ARGV, 5))
for _, index in ipairs(indexes_of(FIRST_INDEX, ARGV[4], 'o')) do
  redis.call('ZADD', index, seq, seq)
end
-- The new hash holds exactly the pairs just set: the event's object, without reading it back.
local object = {unpack(ARGV, 5)}
inbox_change(FIRST_INBOX, ctx.mx, key, seq, nil, as_table(object))
emit_event(ctx, 'conversation.created', seq, object, nil)
commit_idempotency(ctx, seq, object)
return {0, balance, seq}
