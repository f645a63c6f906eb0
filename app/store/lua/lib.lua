-- Helpers prepended to every conversation script by app/store/scripts.py.
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
--   4 invalid transition, 5 stale read (nothing charged)
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
