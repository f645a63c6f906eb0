-- Charge and read one conversation.
-- KEYS[1] token balance, KEYS[2] conversation hash
-- ARGV[1] cost
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 then
  return {2, balance}
end
return {0, balance, fields}
