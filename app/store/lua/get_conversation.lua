-- Charge and read one conversation.
-- KEYS[1] token balance, KEYS[2] conversation hash
-- ARGV[1] cost, ARGV[2] creation time (ms) the id names
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
if not exists(KEYS[2], ARGV[2]) then
  return {2, balance}
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
