-- Make due again what an endpoint missed in a time range (SPEC.md §19 `recover`): every
-- event of the range, oldest first, that the endpoint subscribes to now, written since it
-- was created, and not delivered to it with success. A failed delivery is made pending
-- again; one never made (the endpoint was disabled, or subscribed to other types) is made.
-- KEYS[1] the account's token balance, KEYS[2] the endpoint's hash, KEYS[3] the account's
-- event stream, KEYS[4] the account's due zset (of endpoints), KEYS[5] the endpoint's deliveries (zset),
-- KEYS[6] the request's Idempotency-Key record (a key never written without one)
-- ARGV[1] the request's price, ARGV[2] endpoint id, ARGV[3] since (ms), ARGV[4] until
-- (ms, inclusive), ARGV[5] the retention's cut-off (ms), ARGV[6] the retention (s),
-- ARGV[7] most events read, ARGV[8] the account's webhook key prefix `P:{A}:wh:` (the
-- script names the delivery hashes `<prefix>dlv:<id>` of the events it reads), ARGV[9]
-- the Idempotency-Key's claim token ('' none), ARGV[10] the record's lifetime (s),
-- ARGV[11] the hint channel, ARGV[12] the account (one hint for the whole call),
-- ARGV[13] the most bytes of events one call reads
-- Returns {0, balance, body (the response's JSON, also recorded under the key)} |
--   {1, balance} | {2, balance} (no such endpoint, charged) | {7, balance} (disabled)
local refused = admit() if refused then return refused end
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
local endpoint = redis.call('HMGET', KEYS[2], 'st', 'c', 'ev')
if not endpoint[1] then
  return {2, balance}
end
if endpoint[1] ~= 'enabled' then
  return {7, balance}
end
local now = now_ms()
local budget, prefix, retention = tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[6])
local from = math.max(tonumber(ARGV[3]), tonumber(endpoint[2]), tonumber(ARGV[5]))
local wanted, suffix = endpoint[3], string.sub(ARGV[2], 4)

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
-- ARGV[13] bytes of events read at most (whole milliseconds): the call's Redis time does
-- not grow with the events' size. %d: past 1e14 ms Lua would write 1e+14.
local bytes, byte_budget, full, lower = 0, tonumber(ARGV[13]), false, string.format('%d-0', from)
while from <= tonumber(ARGV[4]) and #entries < budget and not full do
  local want = math.min(100, budget - #entries)
  local batch = redis.call('XRANGE', KEYS[3], lower, ARGV[4], 'COUNT', want)
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
  local after = redis.call('XRANGE', KEYS[3], '(' .. entries[#entries][1], ARGV[4], 'COUNT', 1)
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
    local dash = string.find(id, '-', 1, true)
    local ms = tonumber(string.sub(id, 1, dash - 1))
    local stamp = string.format('%013d%06d', ms, tonumber(string.sub(id, dash + 1)))
    local delivery = 'whd_' .. stamp .. '_' .. suffix
    local key = prefix .. 'dlv:' .. delivery
    local state = redis.call('HGET', key, 'st')
    if state == 'failed' then
      if due_now(key, KEYS[4], prefix, ARGV[2], delivery, now, '', '') then
        made = made + 1
      end
    elseif not state then
      redis.call('HSET', key, 'ep', ARGV[2], 'ev', id, 'ty', kind, 'st', 'pending', 'at', 0,
        'cr', ms, 'na', now)
      -- It expires with its event.
      redis.call('PEXPIREAT', key, ms + retention * 1000)
      redis.call('ZADD', KEYS[5], ms, delivery)
      make_due(KEYS[4], prefix, ARGV[2], delivery, now, now, '', '')
      made = made + 1
    end
  end
end
if made > 0 and ARGV[11] ~= '' then
  redis.call('PUBLISH', ARGV[11], ARGV[12] .. ' ' .. now)
end
local body = '{"status":"ok","data":{"object":"webhook_recovery","deliveries":' .. made
  .. ',"has_more":' .. tostring(more) .. ',"next_since":'
  .. (next_since and ('"' .. rfc3339(next_since) .. '"') or 'null') .. '}}'
if ARGV[9] ~= '' and redis.call('HGET', KEYS[6], 'token') == ARGV[9] then
  redis.call('HSET', KEYS[6], 'state', 'done', 'status', 200, 'body', body, 'etag', '')
  redis.call('EXPIRE', KEYS[6], tonumber(ARGV[10]))
end
return {0, balance, body}
