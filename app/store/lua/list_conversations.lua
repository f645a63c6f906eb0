-- Charge and read one page of conversations with their rows, newest first: O(log N + limit).
--! keys: key_record rate_counter claim tokens indexes[]
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: bound page_size account_prefix want_type want_status budget
--! reply: balance rows has_more last
--! admits
-- Inputs: admission's (lib.lua); `indexes` the indexes the filter reads: one, or the
-- updated-order leaves whose union the filter is, merged here by score; `bound` the upper
-- bound on the score ('+inf' or '(N' for "below N"), `page_size` the limit,
-- `account_prefix` `P:{A}:`, `want_type` (d|g) and `want_status` (o|c|a) each row must have
-- ('' any), `budget` how many index entries a page may read when rows are checked.
-- Replies OK with the balance, {seq, {field, value, ...}, ...}, has_more (0|1) and the
-- score the next page starts below ('' when none); INSUFFICIENT_TOKENS.
--
-- The rows' keys are not in KEYS: they are the seqs the indexes hold, known only here
-- (lib.lua's keyspace.conversation), in the account's slot. Reading the rows in the same
-- script as the index makes the page one round trip and one snapshot.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local keys = keyspace(ARG.account_prefix)
local bound, limit = ARG.bound, tonumber(ARG.page_size)
local want_type, want_status = ARG.want_type, ARG.want_status
local rows = {}
if want_type ~= '' or want_status ~= '' then
  -- One metadata index, each row checked: a page may end short, before `limit` rows.
  local budget = tonumber(ARG.budget)
  local found = redis.call('ZREVRANGEBYSCORE', KEY.indexes[1], bound, '-inf', 'WITHSCORES',
    'LIMIT', 0, budget)
  local last = ''
  for i = 1, #found, 2 do
    local seq = found[i]
    local key = keys.conversation(seq)
    local ts = redis.call('HMGET', key, 't', 's')
    if (want_type == '' or ts[1] == want_type) and (want_status == '' or ts[2] == want_status)
    then
      if #rows == 2 * limit then
        return {CODE.OK, balance, rows, 1, last}
      end
      rows[#rows + 1] = seq
      rows[#rows + 1] = redis.call('HGETALL', key)
    end
    last = found[i + 1]
  end
  local more = #found == 2 * budget and 1 or 0
  return {CODE.OK, balance, rows, more, more == 1 and last or ''}
end
local entries = {}
for _, index in ipairs(KEY.indexes) do
  local found = redis.call('ZREVRANGEBYSCORE', index, bound, '-inf', 'WITHSCORES',
    'LIMIT', 0, limit + 1)
  for j = 1, #found, 2 do
    entries[#entries + 1] = {tonumber(found[j + 1]), found[j]}
  end
end
if #KEY.indexes > 1 then
  table.sort(entries, function(a, b) return a[1] > b[1] end)
end
local last = ''
for i = 1, math.min(#entries, limit) do
  rows[#rows + 1] = entries[i][2]
  rows[#rows + 1] = redis.call('HGETALL', keys.conversation(entries[i][2]))
  last = string.format('%d', entries[i][1])
end
return {CODE.OK, balance, rows, #entries > limit and 1 or 0, last}
