-- Charge and read one page of conversations with their rows, newest first: O(log N + limit).
-- KEYS[1] token balance, KEYS[2..] the indexes the filter reads: one, or the updated-order
-- leaves (lib.lua) whose union the filter is, merged here by score
-- ARGV[1] cost, ARGV[2] upper bound on the score ('+inf' or '(N' for "below N"),
-- ARGV[3] limit, ARGV[4] key of the account's conversation hashes without the seq,
-- ARGV[5] type code (d|g) and ARGV[6] status code (o|c|a) each row must have ('' any),
-- ARGV[7] how many index entries a page may read when rows are checked
-- Returns {0, balance, {seq, {field, value, ...}, seq, {...}, ...}, has_more (0|1),
--          score the next page starts below ('' when none)}
--       | {1, balance}
--
-- The rows' keys are not in KEYS: they are the seqs the indexes hold, known only here, so
-- each is ARGV[4] .. seq. ARGV[4] comes from Keyspace.conversation and carries the
-- account's hash tag, so every row is in the same cluster slot as KEYS. Reading the rows
-- in the same script as the index makes the page one round trip and one snapshot.
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local bound, limit, prefix = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local want_type, want_status = ARGV[5], ARGV[6]
local rows = {}
if want_type ~= '' or want_status ~= '' then
  -- One metadata index, each row checked: a page may end short, before `limit` rows.
  local budget = tonumber(ARGV[7])
  local found = redis.call('ZREVRANGEBYSCORE', KEYS[2], bound, '-inf', 'WITHSCORES',
    'LIMIT', 0, budget)
  local last = ''
  for i = 1, #found, 2 do
    local seq = found[i]
    local key = prefix .. seq
    local ts = redis.call('HMGET', key, 't', 's')
    if (want_type == '' or ts[1] == want_type) and (want_status == '' or ts[2] == want_status)
    then
      if #rows == 2 * limit then
        return {0, balance, rows, 1, last}
      end
      rows[#rows + 1] = seq
      rows[#rows + 1] = redis.call('HGETALL', key)
    end
    last = found[i + 1]
  end
  local more = #found == 2 * budget and 1 or 0
  return {0, balance, rows, more, more == 1 and last or ''}
end
local entries = {}
for i = 2, #KEYS do
  local found = redis.call('ZREVRANGEBYSCORE', KEYS[i], bound, '-inf', 'WITHSCORES',
    'LIMIT', 0, limit + 1)
  for j = 1, #found, 2 do
    entries[#entries + 1] = {tonumber(found[j + 1]), found[j]}
  end
end
if #KEYS > 2 then
  table.sort(entries, function(a, b) return a[1] > b[1] end)
end
local last = ''
for i = 1, math.min(#entries, limit) do
  rows[#rows + 1] = entries[i][2]
  rows[#rows + 1] = redis.call('HGETALL', prefix .. entries[i][2])
  last = string.format('%d', entries[i][1])
end
return {0, balance, rows, #entries > limit and 1 or 0, last}
