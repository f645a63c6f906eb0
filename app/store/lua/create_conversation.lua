-- Charge and create a conversation: its hash and its four index entries, in one step.
-- KEYS[1] token balance, KEYS[2] account sequence, KEYS[3] conversation hash,
-- KEYS[4..15] indexes (lib.lua order)
-- ARGV[1] cost, ARGV[2] id, ARGV[3] type, ARGV[4..] field, value pairs of the hash
-- Returns {0, balance, seq} | {1, balance} | {6, -1} (id taken: nothing charged)
local FIRST_INDEX = 4
if redis.call('EXISTS', KEYS[3]) == 1 then
  return {6, -1}
end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], 'seq', seq, unpack(ARGV, 4))
for _, key in ipairs(indexes_of(FIRST_INDEX, ARGV[3], 'open')) do
  redis.call('ZADD', key, seq, ARGV[2])
end
return {0, balance, seq}
