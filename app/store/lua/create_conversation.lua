-- Charge and create a conversation: its hash and its four index entries, in one step.
-- KEYS[1] token balance, KEYS[2] account sequence, KEYS[3..14] indexes (lib.lua order)
-- ARGV[1] cost, ARGV[2] key of the account's conversation hashes without the seq,
-- ARGV[3] type code (d|g), ARGV[4..] field, value pairs of the hash
-- Returns {0, balance, seq} | {1, balance}
--
-- The one key not passed in KEYS: the new hash's name ends with the sequence number this
-- script allocates, so it is ARGV[2] .. seq. ARGV[2] comes from Keyspace.conversation and
-- carries the account's hash tag, so the key is in the same cluster slot as KEYS.
local FIRST_INDEX = 3
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('HSET', ARGV[2] .. seq, unpack(ARGV, 4))
for _, key in ipairs(indexes_of(FIRST_INDEX, ARGV[3], 'o')) do
  redis.call('ZADD', key, seq, seq)
end
return {0, balance, seq}
