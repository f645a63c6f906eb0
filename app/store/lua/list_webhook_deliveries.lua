-- Charge and read one page of an endpoint's deliveries, newest first, maybe filtered.
--! keys: key_record rate_counter claim tokens endpoint deliveries
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: before page_size status only budget account_prefix
--! reply: balance page has_more last
--! admits
-- Inputs: admission's (lib.lua); `endpoint` its hash, `deliveries` its deliveries (zset,
-- scored by the event's ms; one ms's ids sort in event order, as Redis orders equal
-- scores); `before` the last delivery id shown ('' from the newest), `page_size` the
-- limit, `status` ('' any), `only` the one delivery id an event_id filter names ('' none),
-- `budget` how many deliveries a page may read at most, `account_prefix` `P:{A}:`: the
-- script reads the hashes (lib.lua's keyspace.webhook_delivery) of the ids it lists.
-- Replies OK with the balance, {id, {field, value, ...}, ...}, has_more (0|1) and the last
-- id read; INSUFFICIENT_TOKENS; NOT_FOUND (no such endpoint, charged).
--
-- A page filtered by status stops after reading `budget` deliveries, so it may hold fewer
-- than the limit (even none) while more follow: the cursor then continues from the last
-- delivery read. A delivery past retention whose hash is gone is not shown.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
if redis.call('EXISTS', KEY.endpoint) == 0 then
  return {CODE.NOT_FOUND, balance}
end
local before, limit, wanted, only = ARG.before, tonumber(ARG.page_size), ARG.status, ARG.only
local budget, keys, listing = tonumber(ARG.budget), keyspace(ARG.account_prefix), KEY.deliveries
local page, found, more, read, last = {}, 0, 0, 0, ''

-- Whether one delivery belongs on the page; its hash when it does.
local function take(id)
  local flat = redis.call('HGETALL', keys.webhook_delivery(id))
  if #flat == 0 then
    return nil
  end
  if wanted ~= '' and as_table(flat).st ~= wanted then
    return nil
  end
  return flat
end

if only ~= '' then
  if (before == '' or only < before) and redis.call('ZSCORE', listing, only) then
    local flat = take(only)
    if flat then
      page = {only, flat}
    end
  end
  return {CODE.OK, balance, page, 0, ''}
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
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', listing, ms, ms)) do
    if id < before then
      pending[#pending + 1] = id
    end
  end
  upper = '(' .. ms
end
while read < budget do
  if #pending == 0 then
    pending = redis.call('ZREVRANGEBYSCORE', listing, upper, '-inf', 'LIMIT', offset,
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
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', listing, ms, ms)) do
    if id < last then
      more = 1
    end
  end
  if more == 0 and #redis.call('ZREVRANGEBYSCORE', listing, '(' .. ms, '-inf', 'LIMIT', 0, 1) > 0 then
    more = 1
  end
end
return {CODE.OK, balance, page, more, last}
