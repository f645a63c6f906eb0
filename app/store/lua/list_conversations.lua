-- Charge and read one page of an index with its rows, newest first: O(log N + limit).
-- KEYS[1] token balance, KEYS[2] the index of the filter
-- ARGV[1] cost, ARGV[2] upper bound on seq ('+inf' or '(N' for "below N"), ARGV[3] limit,
-- ARGV[4] key of the account's conversation hashes without the seq
-- Returns {0, balance, {seq, {field, value, ...}, seq, {...}, ...}, has_more (0|1)}
--       | {1, balance}
--
-- The rows' keys are not in KEYS: they are the seqs the index holds, known only here, so
-- each is ARGV[4] .. seq. ARGV[4] comes from Keyspace.conversation and carries the
-- account's hash tag, so every row is in the same cluster slot as KEYS. Reading the rows
-- in the same script as the index makes the page one round trip and one snapshot.
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local limit = tonumber(ARGV[3])
local seqs = redis.call('ZREVRANGEBYSCORE', KEYS[2], ARGV[2], '-inf', 'LIMIT', 0, limit + 1)
local rows = {}
for i = 1, math.min(#seqs, limit) do
  rows[#rows + 1] = seqs[i]
  rows[#rows + 1] = redis.call('HGETALL', ARGV[4] .. seqs[i])
end
return {0, balance, rows, #seqs > limit and 1 or 0}
