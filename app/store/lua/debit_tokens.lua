-- Take the price of a request that fails before reaching storage (validation, bad id).
-- KEYS[1] the account's token balance
-- ARGV[1] cost
-- Returns {0, balance after} | {1, balance}
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
return {0, balance}
