-- Helpers prepended to every script by app/store/scripts.py (conversations, events, webhooks).
--
-- Index keys arrive through KEYS in the order of Keyspace.all_indexes, starting at a
-- position the script names (FIRST_INDEX):
--   +0 all, +1 type:direct, +2 type:group,
--   +3 status:open, +4 status:closed, +5 status:archived,
--   +6..+8 type:direct:status:{open,closed,archived}, +9..+11 type:group:status:{...}
-- A conversation's hash uses short fields (app/store/keyspace.py): t type (d|g),
-- s status (o|c|a), v version (absent while 1), c created (ms), u updated (ms, absent while
-- equal to c), cl closed (ms), ar archived (ms), ...
-- Index members are the conversation's sequence number, also its score.
-- Result codes shared by the scripts (app/store/scripts.py names them):
--   0 ok, 1 insufficient tokens, 2 not found, 3 precondition failed,
--   4 invalid transition, 5 stale read (nothing charged), 6 too many endpoints,
--   7 endpoint disabled, 8 lease lost, 9 replay, 10 idempotency in progress,
--   11 idempotency key reused, 12 unauthorized, 13 insufficient scope, 14 rate limited,
--   15 too many live streams open for the key
local TYPE_POS = {d = 0, g = 1}
local STATUS_POS = {o = 0, c = 1, a = 2}

-- Take `cost` tokens from the balance at `key`; returns ok, balance-after (or balance).
local function debit(key, cost)
  local balance = tonumber(redis.call('GET', key) or '0')
  if balance < cost then
    return false, balance
  end
  if cost > 0 then
    balance = redis.call('DECRBY', key, cost)
  end
  return true, balance
end

-- The two indexes that depend on the status: status:<s> and type:<t>:status:<s>.
local function status_indexes(first, ctype, status)
  return {
    KEYS[first + 3 + STATUS_POS[status]],
    KEYS[first + 6 + 3 * TYPE_POS[ctype] + STATUS_POS[status]],
  }
end

-- All four indexes that hold a conversation of this type and status.
local function indexes_of(first, ctype, status)
  local keys = status_indexes(first, ctype, status)
  keys[3] = KEYS[first]
  keys[4] = KEYS[first + 1 + TYPE_POS[ctype]]
  return keys
end

-- If-Match: '' means no header, '*' any version, else ',v1,v2,' lists strong versions.
local function precondition_fails(spec, version)
  if spec == '' or spec == '*' then
    return false
  end
  return string.find(spec, ',' .. version .. ',', 1, true) == nil
end

-- Whether the hash at `key` is the conversation an id names (its creation time matches).
local function exists(key, created)
  return redis.call('HGET', key, 'c') == created
end

-- The version stored in a hash field value (absent means 1).
local function version_of(value)
  return value or '1'
end

-- Events (SPEC.md §15). Every write script receives, beside its own arguments:
--   KEYS[2] the account's event stream, KEYS[3] its webhook subscriptions (endpoint id ->
--   '*' or ',type,type,'), KEYS[4] its due webhook deliveries, KEYS[5] the request's
--   Idempotency-Key record (a key never written when the request has none);
--   ARGV[2] the event context, JSON from app/store/events.py: rq request id, ik
--   Idempotency-Key ('' for none), tok the key's claim token ('' for none), ittl the
--   record's lifetime (s), st the HTTP status of success, min the oldest stream id kept,
--   cut that cut-off in ms, ret the retention (s), wh the prefix of the account's webhook
--   keys ('P:{A}:wh:'), ac the account, hc the channel of webhook hints, mx the prefix of
--   its metadata indexes ('P:{A}:meta:'), sh the channel that wakes the live streams.
local EVENTS, SUBS, DUE, IDEMPOTENCY = 2, 3, 4, 5

-- A flat HGETALL reply as a table.
local function as_table(flat)
  local t = {}
  for i = 1, #flat, 2 do
    t[flat[i]] = flat[i + 1]
  end
  return t
end

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
-- in this same step: the change, its event and its deliveries commit together. KEYS[DUE]
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
  local id = redis.call('XADD', KEYS[EVENTS], 'MINID', '~', ctx.min, '*', unpack(fields))
  -- An account that stops writing keeps no events past their retention either.
  redis.call('EXPIRE', KEYS[EVENTS], ctx.ret)
  -- Wakes the account's live streams, in this same step (docs/stream.md).
  redis.call('PUBLISH', ctx.sh, ctx.ac)
  local subscriptions = redis.call('HGETALL', KEYS[SUBS])
  if #subscriptions == 0 then
    return id
  end
  local dash = string.find(id, '-', 1, true)
  local ms = string.sub(id, 1, dash - 1)
  local stamp = string.format('%013d%06d', tonumber(ms), tonumber(string.sub(id, dash + 1)))
  local hinted = false
  for i = 1, #subscriptions, 2 do
    local endpoint, wanted = subscriptions[i], subscriptions[i + 1]
    if wanted == '*' or string.find(wanted, ',' .. event_type .. ',', 1, true) then
      local delivery = 'whd_' .. stamp .. '_' .. string.sub(endpoint, 4)
      local record = ctx.wh .. 'dlv:' .. delivery
      -- Due at the event's own time: Redis's clock, which the workers' leases use too.
      redis.call('HSET', record, 'ep', endpoint, 'ev', id, 'ty', event_type, 'st', 'pending',
        'at', 0, 'cr', ms, 'na', ms)
      redis.call('EXPIRE', record, ctx.ret)
      local listing = ctx.wh .. 'ep:' .. endpoint .. ':dlv'
      redis.call('ZADD', listing, tonumber(ms), delivery)
      redis.call('ZREMRANGEBYSCORE', listing, '-inf', '(' .. ctx.cut)
      -- Due now: in the endpoint's due zset, and the endpoint no later in the account's.
      redis.call('ZADD', ctx.wh .. 'ep:' .. endpoint .. ':due', tonumber(ms), delivery)
      redis.call('ZADD', KEYS[DUE], 'LT', tonumber(ms), endpoint)
      hinted = true
    end
  end
  if hinted then
    -- The hint that wakes a worker, in this same round trip (app/worker/loop.py).
    redis.call('PUBLISH', ctx.hc, ctx.ac .. ' ' .. ms)
  end
  return id
end

-- Record the outcome of an idempotent request in the same step as its change (SPEC.md
-- §15): a lost reply can no longer let a retry apply the change twice. The replay renders
-- the conversation from `object`, as the first answer did.
local function commit_idempotency(ctx, seq, object)
  if ctx.tok == '' or redis.call('HGET', KEYS[IDEMPOTENCY], 'token') ~= ctx.tok then
    return
  end
  local version = effective(as_table(object), 'v')
  redis.call('HSET', KEYS[IDEMPOTENCY], 'state', 'done', 'status', ctx.st, 'seq', seq,
    'object', cjson.encode(object), 'etag', '"' .. version .. '"')
  redis.call('EXPIRE', KEYS[IDEMPOTENCY], ctx.ittl)
end

-- Admission (SPEC.md §4): the checks before a request's work, in the contract's order,
-- in the same atomic step as the work. Every request script starts with
--   local refused = admit() if refused then return refused end
-- and receives, before its own KEYS and ARGV, this fixed layout (app/store/admission.py):
--   KEYS[1] the API key's record (P:{A}:key:<digest>), KEYS[2] the key's rate-limit
--   counter (flask-limiter's, bumped by the command just before this script in the same
--   pipeline), KEYS[3] the request's Idempotency-Key record;
--   ARGV[1] the scopes that suffice, ',scope,scope,' ('' when admitted already: nothing is
--   checked), ARGV[2] the limit ('' no check, 'refused' when the strategy said so apart),
--   ARGV[3] the request's fingerprint ('' without an Idempotency-Key), ARGV[4] the claim's
--   token, ARGV[5] the claim's lifetime (s).
-- admit() removes them, so the script's own keys and arguments start at 1 as before: its
-- KEYS[1] is the balance and ARGV[1] the price. It answers nil (admitted: the claim, if
-- any, is taken) or the refusal to return: {12} {13} {14} {9, replay...} {10} {11} or
-- {1, balance} (an idempotent request is refused for tokens before it claims the key).
local function admit()
  local record, counter, claim = KEYS[1], KEYS[2], KEYS[3]
  local accepted, limit, fingerprint, token, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
  for _ = 1, 3 do
    table.remove(KEYS, 1)
  end
  for _ = 1, 5 do
    table.remove(ARGV, 1)
  end
  if accepted ~= '' then
    local key = redis.call('HMGET', record, 'scopes', 'revoked')
    if not key[1] or key[2] == '1' then
      return {12}
    end
    local allowed = false
    for scope in string.gmatch(key[1], '%S+') do
      if string.find(accepted, ',' .. scope .. ',', 1, true) then
        allowed = true
      end
    end
    if not allowed then
      return {13}
    end
  end
  if limit == 'refused' then
    return {14}
  end
  if limit ~= '' and tonumber(redis.call('GET', counter) or '0') > tonumber(limit) then
    return {14}
  end
  if fingerprint ~= '' then
    local held = redis.call('HMGET', claim, 'fingerprint', 'state', 'status', 'body', 'etag',
      'seq', 'object')
    if held[1] then
      if held[1] ~= fingerprint then
        return {11}
      end
      if held[2] == 'running' then
        return {10}
      end
      return {9, held[3], held[4] or '', held[5] or '', held[6] or '', held[7] or ''}
    end
    local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
    if balance < tonumber(ARGV[1]) then
      return {1, balance}
    end
    redis.call('HSET', claim, 'fingerprint', fingerprint, 'state', 'running', 'token', token)
    redis.call('EXPIRE', claim, tonumber(ttl))
  end
  return nil
end

-- Inbox indexes (SPEC.md §18). A script that keeps them takes, at a KEYS position it names
-- (FIRST_INBOX), the account's change sequence then its six updated-order leaves
-- (Keyspace.inbox_keys): +0 change sequence, +1..+3 upd:type:direct:status:{open,closed,
-- archived}, +4..+6 upd:type:group:status:{...}. The metadata indexes of a conversation are
-- named by the script from `mx` ('P:{A}:meta:', the account's hash tag) and the pairs of its
-- hash's `x` field (app/store/inbox.py), which only the hash tells: mx .. 'c:' .. pair
-- scored by seq, mx .. 'u:' .. pair scored by the last change.
local function updated_leaf(first, ctype, status)
  return KEYS[first + 1 + 3 * TYPE_POS[ctype] + STATUS_POS[status]]
end

local function pairs_of(x)
  if not x or x == '' then
    return {}
  end
  return cjson.decode(x)
end

-- Move the inbox indexes from the hash as it was (`before`, nil for a create) to the hash
-- as it is now (`after`, nil for a delete): a change takes the next change number, stored
-- in the hash's `q`, and moves the conversation to the top of its leaf and of the
-- updated-order index of each of its pairs. Returns the change number (nil for a delete).
local function inbox_change(first, mx, key, seq, before, after)
  local kept = {}
  if after then
    for _, p in ipairs(pairs_of(after.x)) do
      kept[p] = true
    end
  end
  local had = {}
  -- A change within one leaf only rescores the entry (ZADD below): one call fewer.
  if before and not (after and after.t == before.t and after.s == before.s) then
    redis.call('ZREM', updated_leaf(first, before.t, before.s), seq)
  end
  if before then
    for _, p in ipairs(pairs_of(before.x)) do
      had[p] = true
      if not kept[p] then
        redis.call('ZREM', mx .. 'c:' .. p, seq)
        redis.call('ZREM', mx .. 'u:' .. p, seq)
      end
    end
  end
  if not after then
    return nil
  end
  local change = redis.call('INCR', KEYS[first])
  redis.call('HSET', key, 'q', change)
  redis.call('ZADD', updated_leaf(first, after.t, after.s), change, seq)
  for p in pairs(kept) do
    if not had[p] then
      redis.call('ZADD', mx .. 'c:' .. p, seq, seq)
    end
    redis.call('ZADD', mx .. 'u:' .. p, change, seq)
  end
  return change
end

-- The doctor's repair of the inbox indexes of one conversation: `current` is {t, s, q, x}
-- of its hash (empty when it is gone), `x` the pairs its metadata has now. Removes the seq
-- from the leaves and from KEYS[extra..] (metadata indexes found holding it) where it
-- does not belong, adds it where it does. Returns how many entries changed.
local function repair_inbox(first, mx, key, seq, current, x, extra)
  local changed = 0
  local leaf, wanted = nil, {}
  if current[1] then
    local change = current[3]
    if not change then
      change = redis.call('INCR', KEYS[first])
      redis.call('HSET', key, 'q', change)
      changed = changed + 1
    end
    if x == '' then
      changed = changed + redis.call('HDEL', key, 'x')
    elseif current[4] ~= x then
      redis.call('HSET', key, 'x', x)
      changed = changed + 1
    end
    leaf = updated_leaf(first, current[1], current[2])
    changed = changed + redis.call('ZADD', leaf, 'CH', change, seq)
    for _, p in ipairs(pairs_of(x)) do
      wanted[mx .. 'c:' .. p] = true
      wanted[mx .. 'u:' .. p] = true
      changed = changed + redis.call('ZADD', mx .. 'c:' .. p, 'CH', seq, seq)
      changed = changed + redis.call('ZADD', mx .. 'u:' .. p, 'CH', change, seq)
    end
  end
  for i = first + 1, first + 6 do
    if KEYS[i] ~= leaf then
      changed = changed + redis.call('ZREM', KEYS[i], seq)
    end
  end
  for i = extra, #KEYS do
    if not wanted[KEYS[i]] then
      changed = changed + redis.call('ZREM', KEYS[i], seq)
    end
  end
  return changed
end
