-- Charge and read one page of an endpoint's deliveries, newest first, maybe filtered.
-- KEYS[1] token balance, KEYS[2] the endpoint's hash, KEYS[3] its deliveries (zset, scored
-- by the event's ms; one ms's ids sort in event order, as Redis orders equal scores)
-- ARGV[1] cost, ARGV[2] the last delivery id shown ('' from the newest), ARGV[3] limit,
-- ARGV[4] status ('' any), ARGV[5] the one delivery id an event_id filter names ('' none),
-- ARGV[6] how many deliveries a page may read at most, ARGV[7] the account's webhook key
-- prefix `P:{A}:wh:`: the script reads the hashes `<prefix>dlv:<id>` of the ids it lists
-- Returns {0, balance, {id, {field, value, ...}, ...}, has_more (0|1), last id read}
--       | {1, balance} | {2, balance} (no such endpoint, charged)
--
-- A page filtered by status stops after reading ARGV[6] deliveries, so it may hold fewer
-- than the limit (even none) while more follow: the cursor then continues from the last
-- delivery read. A delivery past retention whose hash is gone is not shown.
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {2, balance}
end
local before, limit, wanted, only = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local budget, prefix = tonumber(ARGV[6]), ARGV[7]
local page, found, more, read, last = {}, 0, 0, 0, ''

-- Whether one delivery belongs on the page; its hash when it does.
local function take(id)
  local flat = redis.call('HGETALL', prefix .. 'dlv:' .. id)
  if #flat == 0 then
    return nil
  end
  if wanted ~= '' and as_table(flat).st ~= wanted then
    return nil
  end
  return flat
end

if only ~= '' then
  if (before == '' or only < before) and redis.call('ZSCORE', KEYS[3], only) then
    local flat = take(only)
    if flat then
      page = {only, flat}
    end
  end
  return {0, balance, page, 0, ''}
end

-- The ids older than `before`, in batches: first those of its own ms below it, then older.
local step = limit + 1
if wanted ~= '' then
  step = math.max(step, 100)
end
local upper, offset = '+inf', 0
local pending = {}
if before ~= '' then
  local ms = tonumber(string.sub(before, 5, 17))
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[3], ms, ms)) do
    if id < before then
      pending[#pending + 1] = id
    end
  end
  upper = '(' .. ms
end
while read < budget do
  if #pending == 0 then
    pending = redis.call('ZREVRANGEBYSCORE', KEYS[3], upper, '-inf', 'LIMIT', offset,
      math.min(budget - read, step))
    offset = offset + #pending
    if #pending == 0 then
      break
    end
  end
  for _, id in ipairs(pending) do
    local flat = take(id)
    if flat and found == limit then
      more = 1 -- one more match beyond the page: the page ends at the last one taken
      break
    end
    read = read + 1
    last = id
    if flat then
      found = found + 1
      page[#page + 1] = id
      page[#page + 1] = flat
    end
    if read >= budget then
      break
    end
  end
  pending = {}
  if more == 1 then
    break
  end
end
if more == 0 and read >= budget and last ~= '' then
  -- The budget ran out: more follow if any delivery is older than the last one read.
  local ms = tonumber(string.sub(last, 5, 17))
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[3], ms, ms)) do
    if id < last then
      more = 1
    end
  end
  if more == 0 and #redis.call('ZREVRANGEBYSCORE', KEYS[3], '(' .. ms, '-inf', 'LIMIT', 0, 1) > 0 then
    more = 1
  end
end
return {0, balance, page, more, last}
