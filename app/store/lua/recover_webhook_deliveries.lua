-- Make due again what an endpoint missed in a time range (docs/webhooks.md `recover`):
-- every event of the range, oldest first, that the endpoint subscribes to now, written
-- since it was created, and not delivered to it with success. A failed delivery is made
-- pending again; one never made (the endpoint was disabled, or subscribed to other types)
-- is made.
--! keys: key_record rate_counter claim tokens
--! keys: endpoint events due deliveries endpoint_due idempotency
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! args: endpoint_id since upto cutoff retention budget account_prefix
--! args: idempotency_token idempotency_ttl channel account byte_budget
--! reply: balance body
--! admits
-- Inputs: admission's (lib.lua); `endpoint` its hash, `events` the account's stream, `due`
-- the account's due zset (of endpoints), `deliveries` the endpoint's (zset),
-- `endpoint_due` the endpoint's due zset, `idempotency` the request's Idempotency-Key
-- record (never written without one); `endpoint_id`, `since` (ms), `upto` (ms,
-- inclusive), `cutoff` the retention's (ms), `retention` (s), `budget` most events read,
-- `account_prefix` `P:{A}:` (the delivery hashes of the events it reads are named by
-- lib.lua's keyspace), `idempotency_token` the claim's ('' none), `idempotency_ttl` the
-- record's lifetime (s), `channel` the hint channel, `account` (one hint for the call),
-- `byte_budget` the most bytes of events one call reads (whole milliseconds).
-- Replies OK with the balance and the body (the response's JSON, also recorded under the
-- key); INSUFFICIENT_TOKENS; NOT_FOUND and ENDPOINT_DISABLED (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local endpoint = redis.call('HMGET', KEY.endpoint, 'st', 'c', 'ev')
if not endpoint[1] then
  return {CODE.NOT_FOUND, balance}
end
if endpoint[1] ~= 'enabled' then
  return {CODE.ENDPOINT_DISABLED, balance}
end
local now = now_ms()
local budget, retention = tonumber(ARG.budget), tonumber(ARG.retention)
local keys, endpoint_id, upto = keyspace(ARG.account_prefix), ARG.endpoint_id, ARG.upto
local from = math.max(tonumber(ARG.since), tonumber(endpoint[2]), tonumber(ARG.cutoff))
local wanted = endpoint[3]

local function ms_of(id)
  return tonumber(string.sub(id, 1, string.find(id, '-', 1, true) - 1))
end

-- RFC 3339 in UTC with milliseconds, from epoch ms (days to civil date: H. Hinnant's).
local function rfc3339(ms)
  local seconds = math.floor(ms / 1000)
  local days, rest = math.floor(seconds / 86400), seconds % 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
    - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d,
    math.floor(rest / 3600), math.floor(rest % 3600 / 60), rest % 60, ms % 1000)
end

local made, more, next_since = 0, false, nil
local entries = {}
-- At most `byte_budget` bytes of events (whole milliseconds): the call's Redis time does
-- not grow with the events' size. %d: past 1e14 ms Lua would write 1e+14.
local bytes, byte_budget, full = 0, tonumber(ARG.byte_budget), false
local lower = string.format('%d-0', from)
while from <= tonumber(upto) and #entries < budget and not full do
  local want = math.min(100, budget - #entries)
  local batch = redis.call('XRANGE', KEY.events, lower, upto, 'COUNT', want)
  for _, entry in ipairs(batch) do
    if bytes >= byte_budget and ms_of(entry[1]) ~= ms_of(entries[#entries][1]) then
      full = true
      break
    end
    entries[#entries + 1] = entry
    for j = 2, #entry[2], 2 do
      bytes = bytes + #entry[2][j]
    end
  end
  if #batch < want then
    break
  end
  lower = '(' .. entries[#entries][1]
end
local stop = #entries
if #entries == budget or full then
  local after = redis.call('XRANGE', KEY.events, '(' .. entries[#entries][1], upto, 'COUNT', 1)
  if #after > 0 then
    more = true
    -- The next call starts at a whole millisecond: leave this one's last ms to it when the
    -- ms goes on past the budget (unless the whole batch is that one ms).
    local last = ms_of(entries[#entries][1])
    next_since = ms_of(after[1][1])
    if next_since == last then
      while stop > 0 and ms_of(entries[stop][1]) == last do
        stop = stop - 1
      end
      if stop == 0 then
        stop, next_since = #entries, last + 1
      end
    end
  end
end
for i = 1, stop do
  local id, fields = entries[i][1], as_table(entries[i][2])
  local kind = fields.ty
  local subscribed = kind ~= 'webhook_endpoint.test'
    and (wanted == '*' or string.find(wanted, ',' .. kind .. ',', 1, true) ~= nil)
  if subscribed then
    local delivery, ms = delivery_id(id, endpoint_id)
    local key = keys.webhook_delivery(delivery)
    local state = redis.call('HGET', key, 'st')
    if state == 'failed' then
      if due_now(key, KEY.due, KEY.endpoint_due, endpoint_id, delivery, now, '', '') then
        made = made + 1
      end
    elseif not state then
      redis.call('HSET', key, 'ep', endpoint_id, 'ev', id, 'ty', kind, 'st', 'pending', 'at', 0,
        'cr', ms, 'na', now)
      -- It expires with its event.
      redis.call('PEXPIREAT', key, ms + retention * 1000)
      redis.call('ZADD', KEY.deliveries, ms, delivery)
      make_due(KEY.due, KEY.endpoint_due, endpoint_id, delivery, now, now, '', '')
      made = made + 1
    end
  end
end
if made > 0 and ARG.channel ~= '' then
  redis.call('PUBLISH', ARG.channel, ARG.account .. ' ' .. now)
end
local body = '{"status":"ok","data":{"object":"webhook_recovery","deliveries":' .. made
  .. ',"has_more":' .. tostring(more) .. ',"next_since":'
  .. (next_since and ('"' .. rfc3339(next_since) .. '"') or 'null') .. '}}'
local token = ARG.idempotency_token
if token ~= '' and redis.call('HGET', KEY.idempotency, 'token') == token then
  redis.call('HSET', KEY.idempotency, 'state', 'done', 'status', 200, 'body', body, 'etag', '')
  redis.call('EXPIRE', KEY.idempotency, tonumber(ARG.idempotency_ttl))
end
return {CODE.OK, balance, body}
