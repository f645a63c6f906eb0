-- Events (docs/events.md), prepended after lib.lua to every script that writes them. Such a
-- script declares, beside its own inputs (app/store/events.py gives them):
--   keys: events (the account's stream), subscriptions (endpoint id -> '*' or
--     ',type,type,'), due (the account's due endpoints), idempotency (the request's
--     Idempotency-Key record: a key never written when it has none)
--   args: context, JSON: rq request id, ik Idempotency-Key ('' none), tok the key's claim
--     token ('' none), ittl the record's lifetime (s), st the HTTP status of success,
--     min the oldest stream id kept, cut that cut-off in ms, ret the retention (s),
--     ap the account's key prefix `P:{A}:` (lib.lua's keyspace), ac the account,
--     hc the channel of webhook hints

-- A field as the public object reads it: version absent is 1, updated absent is created.
local function effective(t, field)
  if field == 'v' then
    return t.v or '1'
  elseif field == 'u' then
    return t.u or t.c
  end
  return t[field]
end

-- {field, former value or false (null), ...} for exactly the fields that changed.
local function previous_attributes(before, after)
  -- q and x are the inbox indexes' bookkeeping, not the object's attributes.
  local seen, names = {v = true, u = true, q = true, x = true}, {'v', 'u'}
  for _, t in ipairs({before, after}) do
    for field in pairs(t) do
      if not seen[field] then
        seen[field] = true
        names[#names + 1] = field
      end
    end
  end
  table.sort(names)
  local previous = {}
  for _, field in ipairs(names) do
    local old = effective(before, field)
    if old ~= effective(after, field) then
      previous[#previous + 1] = field
      previous[#previous + 1] = old or false
    end
  end
  return previous
end

-- Append one event and give every enabled endpoint that subscribes to its type a delivery,
-- in this same step: the change, its event and its deliveries commit together. KEY.due
-- (`wh:due`) holds endpoints, scored by when their next attempt may start (webhooks.lua).
-- `object` is the conversation's flat hash (after the change; before it for a delete).
local function emit_event(ctx, event_type, seq, object, previous)
  local fields = {'ty', event_type, 'cv', seq, 'o', cjson.encode(object), 'rq', ctx.rq}
  if previous then
    fields[#fields + 1] = 'p'
    fields[#fields + 1] = cjson.encode(previous)
  end
  if ctx.ik ~= '' then
    fields[#fields + 1] = 'ik'
    fields[#fields + 1] = ctx.ik
  end
  local id = redis.call('XADD', KEY.events, 'MINID', '~', ctx.min, '*', unpack(fields))
  -- An account that stops writing keeps no events past their retention either.
  redis.call('EXPIRE', KEY.events, ctx.ret)
  local subscriptions = redis.call('HGETALL', KEY.subscriptions)
  if #subscriptions == 0 then
    return id
  end
  local keys = keyspace(ctx.ap)
  local hinted, ms = false, nil
  for i = 1, #subscriptions, 2 do
    local endpoint, wanted = subscriptions[i], subscriptions[i + 1]
    if wanted == '*' or string.find(wanted, ',' .. event_type .. ',', 1, true) then
      local delivery
      delivery, ms = delivery_id(id, endpoint)
      local record = keys.webhook_delivery(delivery)
      -- Due at the event's own time: Redis's clock, which the workers' leases use too.
      redis.call('HSET', record, 'ep', endpoint, 'ev', id, 'ty', event_type, 'st', 'pending',
        'at', 0, 'cr', ms, 'na', ms)
      redis.call('EXPIRE', record, ctx.ret)
      local listing = keys.webhook_endpoint_deliveries(endpoint)
      redis.call('ZADD', listing, ms, delivery)
      redis.call('ZREMRANGEBYSCORE', listing, '-inf', '(' .. ctx.cut)
      -- Due now: in the endpoint's due zset, and the endpoint no later in the account's.
      redis.call('ZADD', keys.webhook_endpoint_due(endpoint), ms, delivery)
      redis.call('ZADD', KEY.due, 'LT', ms, endpoint)
      hinted = true
    end
  end
  if hinted then
    -- The hint that wakes a worker, in this same round trip (app/worker/loop.py).
    redis.call('PUBLISH', ctx.hc, ctx.ac .. ' ' .. ms)
  end
  return id
end

-- Record the outcome of an idempotent request in the same step as its change
-- (docs/events.md): a lost reply can no longer let a retry apply the change twice. The
-- replay renders the conversation from `object`, as the first answer did.
local function commit_idempotency(ctx, seq, object)
  if ctx.tok == '' or redis.call('HGET', KEY.idempotency, 'token') ~= ctx.tok then
    return
  end
  local version = effective(as_table(object), 'v')
  redis.call('HSET', KEY.idempotency, 'state', 'done', 'status', ctx.st, 'seq', seq,
    'object', cjson.encode(object), 'etag', '"' .. version .. '"')
  redis.call('EXPIRE', KEY.idempotency, ctx.ittl)
end
