-- Charge and read one page of the account's events, newest first, filtered.
--! keys: key_record rate_counter claim tokens events
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: bound oldest page_size event_type seq budget created
--! reply: balance page has_more last
--! admits
-- Inputs: admission's (lib.lua); `events` the account's stream; `bound` the upper bound
-- ('+' or '(<stream id>' for "older than"), `oldest` the oldest stream id still kept
-- (retention), `page_size` the limit, `event_type` ('' any), `seq` the conversation's
-- sequence number ('' any), `budget` how many events a page may read at most, `created`
-- the conversation's creation time (ms) its id names ('' any): an id whose time is not
-- the conversation's names no conversation, as on GET.
-- Replies OK with the balance, {id, {field, value, ...}, ...}, has_more (0|1) and the last
-- id read; INSUFFICIENT_TOKENS.
--
-- A filtered page stops after reading `budget` events, so it may hold fewer than the limit
-- (even none) while more follow: the cursor then continues from the last event read.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local limit, budget = tonumber(ARG.page_size), tonumber(ARG.budget)
local wanted_type, wanted_seq, wanted_created = ARG.event_type, ARG.seq, ARG.created

-- Whether an entry's conversation (`o`, its flat hash) was created at `wanted_created`.
local function created_as_named(object)
  local flat = cjson.decode(object)
  for i = 1, #flat, 2 do
    if flat[i] == 'c' then
      return flat[i + 1] == wanted_created
    end
  end
  return false
end
local page, upper, read, last = {}, ARG.bound, 0, ''
-- Unfiltered, the page and one more are all there is to read; filtered, read in batches.
local step = limit + 1
if wanted_type ~= '' or wanted_seq ~= '' then
  step = math.max(step, 100)
end
local found, more = 0, 0
-- Test events (docs/webhooks.md) are never in the feed and never make an unfiltered page short:
-- skipped without counting against its budget, up to this many a page.
local unfiltered, skipped, SKIPPABLE = wanted_type == '' and wanted_seq == '', 0, 10000
while read < budget do
  local batch = redis.call('XREVRANGE', KEY.events, upper, ARG.oldest, 'COUNT',
    math.min(budget - read, step))
  if #batch == 0 then
    break
  end
  for _, entry in ipairs(batch) do
    local fields = as_table(entry[2])
    -- A `webhook_endpoint.test` event is its endpoint's alone: never in the feed.
    local matches = fields.ty ~= 'webhook_endpoint.test'
      and (wanted_type == '' or fields.ty == wanted_type)
      and (wanted_seq == '' or (fields.cv == wanted_seq and created_as_named(fields.o)))
    if matches and found == limit then
      more = 1 -- one more match beyond the page: the page ends at the last one taken
      break
    end
    if unfiltered and fields.ty == 'webhook_endpoint.test' and skipped < SKIPPABLE then
      skipped, step = skipped + 1, 100
    else
      read = read + 1
    end
    last = entry[1]
    if matches then
      found = found + 1
      page[#page + 1] = entry[1]
      page[#page + 1] = entry[2]
    end
  end
  if more == 1 then
    break
  end
  upper = '(' .. last
end
if more == 0 and read >= budget then
  -- The budget ran out: more follow if anything older than the last event read is kept.
  if #redis.call('XREVRANGE', KEY.events, '(' .. last, ARG.oldest, 'COUNT', 1) > 0 then
    more = 1
  end
end
return {CODE.OK, balance, page, more, last}
