-- Charge and count an account's conversations by type and status, in one atomic read.
-- KEYS[1] token balance, KEYS[2..7] idx:type:<t>:status:<s> (lib.lua order: direct then
-- group, each open, closed, archived)
-- ARGV[1] cost
-- Returns {0, balance, {n, n, n, n, n, n}} | {1, balance}
--
-- Each index's size is O(1) and every write script keeps the indexes exact, so the counts
-- need no counters of their own that could drift from them.
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local counts = {}
for i = 2, 7 do
  counts[#counts + 1] = redis.call('ZCARD', KEYS[i])
end
return {0, balance, counts}
