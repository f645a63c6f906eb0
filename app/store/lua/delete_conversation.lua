-- Charge and delete a conversation with every index entry, in one step.
-- KEYS[1] token balance, KEYS[2] conversation hash, KEYS[3..14] indexes (lib.lua order)
-- ARGV[1] cost, ARGV[2] If-Match spec, ARGV[3] creation time (ms) the id names,
-- ARGV[4] sequence number
-- Returns {0, balance} | {1, balance} | {2, balance} | {3, balance, version}
local FIRST_INDEX = 3
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local current = redis.call('HMGET', KEYS[2], 's', 'v', 't', 'c')
if current[4] ~= ARGV[3] then
  return {2, balance}
end
if precondition_fails(ARGV[2], version_of(current[2])) then
  return {3, balance, version_of(current[2])}
end
for _, key in ipairs(indexes_of(FIRST_INDEX, current[3], current[1])) do
  redis.call('ZREM', key, ARGV[4])
end
redis.call('DEL', KEYS[2])
return {0, balance}
