-- Charge and read one page of an index, newest first: O(log N + limit).
-- KEYS[1] token balance, KEYS[2] the index of the filter
-- ARGV[1] cost, ARGV[2] upper bound on seq ('+inf' or '(N' for "below N"), ARGV[3] count
-- Returns {0, balance, {seq, seq, ...}} | {1, balance}
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local page = redis.call('ZREVRANGEBYSCORE', KEYS[2], ARGV[2], '-inf',
  'LIMIT', 0, tonumber(ARGV[3]))
return {0, balance, page}
