-- Charge and count an account's conversations by type and status, in one atomic read.
--! keys: key_record rate_counter claim tokens indexes[6]
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! reply: balance counts
--! admits
-- Inputs: admission's (lib.lua); `indexes` the six idx:type:<t>:status:<s> (direct then
-- group, each open, closed, archived).
-- Replies OK with the balance and {n, n, n, n, n, n}; INSUFFICIENT_TOKENS.
--
-- Each index's size is O(1) and every write script keeps the indexes exact, so the counts
-- need no counters of their own that could drift from them.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local counts = {}
for _, index in ipairs(KEY.indexes) do
  counts[#counts + 1] = redis.call('ZCARD', index)
end
return {CODE.OK, balance, counts}
