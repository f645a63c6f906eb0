-- Helpers prepended to every script by app/store/scripts.py, after `CODE` (the Code enum)
-- and the script's inputs bound by name (`KEY.<name>`, `ARG.<name>`: docs/internals/scripts.md).
--
-- The 12 conversation indexes come as one list `KEY.indexes`, in Keyspace.all_indexes's
-- order: 1 all, 2 type:direct, 3 type:group, 4..6 status:{open,closed,archived},
-- 7..9 type:direct:status:{open,closed,archived}, 10..12 type:group:status:{...}; the six
-- updated-order leaves as `KEY.leaves` (Keyspace.updated_leaves): direct then group, each
-- open, closed, archived. A conversation's hash uses short fields (app/store/keyspace.py):
-- t type (d|g), s status (o|c|a), v version (absent while 1), c created (ms), u updated (ms,
-- absent while equal to c), cl closed (ms), ar archived (ms), q change, x metadata pairs.
-- Index members are the conversation's sequence number, also its score.
local TYPE_POS = {d = 0, g = 1}
local STATUS_POS = {o = 0, c = 1, a = 2}

-- The keys a script must name itself, because only the data tells them (a new seq, the
-- seqs an index holds, the endpoints and deliveries a due zset leads to): built from the
-- account's prefix `P:{A}:` (Keyspace.account_prefix), under its hash tag, by functions
-- named as Keyspace's methods. Keyspace's docstring lists them.
local function keyspace(prefix)
  local wh = prefix .. 'wh:'
  return {
    conversation = function(seq) return prefix .. 'conv:' .. seq end,
    metadata_index = function(pair, updated)
      return prefix .. 'meta:' .. (updated and 'u:' or 'c:') .. pair
    end,
    webhook_endpoint = function(id) return wh .. 'ep:' .. id end,
    webhook_endpoint_due = function(id) return wh .. 'ep:' .. id .. ':due' end,
    webhook_endpoint_in_flight = function(id) return wh .. 'ep:' .. id .. ':fly' end,
    webhook_endpoint_deliveries = function(id) return wh .. 'ep:' .. id .. ':dlv' end,
    webhook_previous_secret = function(id) return wh .. 'ep:' .. id .. ':ps' end,
    webhook_delivery = function(id) return wh .. 'dlv:' .. id end,
  }
end

-- The id of the delivery of the event at stream id `<ms>-<n>` to an endpoint, and its ms:
-- `whd_<ms, 13 digits><n, 6 digits>_<endpoint id without we_>` (webhook_deliveries.py).
local function delivery_id(stream_id, endpoint)
  local dash = string.find(stream_id, '-', 1, true)
  local ms = tonumber(string.sub(stream_id, 1, dash - 1))
  local stamp = string.format('%013d%06d', ms, tonumber(string.sub(stream_id, dash + 1)))
  return 'whd_' .. stamp .. '_' .. string.sub(endpoint, 4), ms
end

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

-- The request's price from KEY.tokens: nil when paid, else the refusal to return.
local function pay()
  local ok, balance = debit(KEY.tokens, tonumber(ARG.cost))
  if not ok then
    return nil, {CODE.INSUFFICIENT_TOKENS, balance}
  end
  return balance, nil
end

-- The two indexes that depend on the status: status:<s> and type:<t>:status:<s>.
local function status_indexes(indexes, ctype, status)
  return {
    indexes[4 + STATUS_POS[status]],
    indexes[7 + 3 * TYPE_POS[ctype] + STATUS_POS[status]],
  }
end

-- All four indexes that hold a conversation of this type and status.
local function indexes_of(indexes, ctype, status)
  local keys = status_indexes(indexes, ctype, status)
  keys[3] = indexes[1]
  keys[4] = indexes[2 + TYPE_POS[ctype]]
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

-- A flat HGETALL reply as a table.
local function as_table(flat)
  local t = {}
  for i = 1, #flat, 2 do
    t[flat[i]] = flat[i + 1]
  end
  return t
end

-- Why the API key of KEY.key_record may not make this request: UNAUTHORIZED (unknown or
-- revoked), INSUFFICIENT_SCOPE (none of its scopes is in ARG.scopes, ',scope,scope,'), or nil.
local function key_refusal()
  local key = redis.call('HMGET', KEY.key_record, 'scopes', 'revoked')
  if not key[1] or key[2] == '1' then
    return {CODE.UNAUTHORIZED}
  end
  for scope in string.gmatch(key[1], '%S+') do
    if string.find(ARG.scopes, ',' .. scope .. ',', 1, true) then
      return nil
    end
  end
  return {CODE.INSUFFICIENT_SCOPE}
end

-- Admission (docs/api-keys.md): the checks before a request's work, in the contract's
-- order, in the same atomic step as the work. A script that declares `--! admits` starts
-- with `local refused = admit() if refused then return refused end` and declares
-- admission's inputs (app/store/admission.py gives them):
--   keys: key_record (the API key's record, P:{A}:key:<digest>), rate_counter (the key's
--     rate-limit counter, flask-limiter's, bumped by the command just before this script
--     in the same pipeline), claim (the request's Idempotency-Key record), tokens
--   args: scopes (the scopes that suffice, ',scope,scope,'; '' when admitted already:
--     nothing is checked), limit ('' no check, 'refused' when the strategy said so apart),
--     fingerprint ('' without an Idempotency-Key), claim_token, claim_seconds (the claim's
--     lifetime), cost
-- It answers nil (admitted: the claim, if any, is taken) or the refusal to return (an
-- idempotent request is refused for tokens before it claims the key).
local function admit()
  if ARG.scopes ~= '' then
    local refused = key_refusal()
    if refused then
      return refused
    end
  end
  local limit = ARG.limit
  if limit == 'refused' then
    return {CODE.RATE_LIMITED}
  end
  if limit ~= '' and tonumber(redis.call('GET', KEY.rate_counter) or '0') > tonumber(limit) then
    return {CODE.RATE_LIMITED}
  end
  local fingerprint = ARG.fingerprint
  if fingerprint ~= '' then
    local held = redis.call('HMGET', KEY.claim, 'fingerprint', 'state', 'status', 'body',
      'etag', 'seq', 'object')
    if held[1] then
      if held[1] ~= fingerprint then
        return {CODE.IDEMPOTENCY_KEY_REUSED}
      end
      if held[2] == 'running' then
        return {CODE.IDEMPOTENCY_IN_PROGRESS}
      end
      return {CODE.REPLAY, held[3], held[4] or '', held[5] or '', held[6] or '', held[7] or ''}
    end
    local balance = tonumber(redis.call('GET', KEY.tokens) or '0')
    if balance < tonumber(ARG.cost) then
      return {CODE.INSUFFICIENT_TOKENS, balance}
    end
    redis.call('HSET', KEY.claim, 'fingerprint', fingerprint, 'state', 'running', 'token',
      ARG.claim_token)
    redis.call('EXPIRE', KEY.claim, tonumber(ARG.claim_seconds))
  end
  return nil
end
