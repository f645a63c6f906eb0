-- Inbox indexes (docs/conversations.md), prepended after lib.lua. A script that keeps them
-- declares the keys `changes` (the account's change sequence) and `leaves[6]` (the
-- updated-order leaves, lib.lua's order). The metadata indexes of a conversation are named
-- by the script (lib.lua's keyspace: metadata_index) from the pairs of its hash's `x` field
-- (app/store/inbox.py), which only the hash tells: metadata_index(pair, false) scored by
-- seq, metadata_index(pair, true) scored by the last change.
local function updated_leaf(ctype, status)
  return KEY.leaves[1 + 3 * TYPE_POS[ctype] + STATUS_POS[status]]
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
local function inbox_change(keys, key, seq, before, after)
  local kept = {}
  if after then
    for _, p in ipairs(pairs_of(after.x)) do
      kept[p] = true
    end
  end
  local had = {}
  -- A change within one leaf only rescores the entry (ZADD below): one call fewer.
  if before and not (after and after.t == before.t and after.s == before.s) then
    redis.call('ZREM', updated_leaf(before.t, before.s), seq)
  end
  if before then
    for _, p in ipairs(pairs_of(before.x)) do
      had[p] = true
      if not kept[p] then
        redis.call('ZREM', keys.metadata_index(p, false), seq)
        redis.call('ZREM', keys.metadata_index(p, true), seq)
      end
    end
  end
  if not after then
    return nil
  end
  local change = redis.call('INCR', KEY.changes)
  redis.call('HSET', key, 'q', change)
  redis.call('ZADD', updated_leaf(after.t, after.s), change, seq)
  for p in pairs(kept) do
    if not had[p] then
      redis.call('ZADD', keys.metadata_index(p, false), seq, seq)
    end
    redis.call('ZADD', keys.metadata_index(p, true), change, seq)
  end
  return change
end

-- The doctor's repair of the inbox indexes of one conversation: `current` is {t, s, q, x}
-- of its hash (empty when it is gone), `x` the pairs its metadata has now. Removes the seq
-- from the leaves and from `holding` (metadata indexes found holding it) where it does not
-- belong, adds it where it does. Returns how many entries changed.
local function repair_inbox(keys, key, seq, current, x, holding)
  local changed = 0
  local leaf, wanted = nil, {}
  if current[1] then
    local change = current[3]
    if not change then
      change = redis.call('INCR', KEY.changes)
      redis.call('HSET', key, 'q', change)
      changed = changed + 1
    end
    if x == '' then
      changed = changed + redis.call('HDEL', key, 'x')
    elseif current[4] ~= x then
      redis.call('HSET', key, 'x', x)
      changed = changed + 1
    end
    leaf = updated_leaf(current[1], current[2])
    changed = changed + redis.call('ZADD', leaf, 'CH', change, seq)
    for _, p in ipairs(pairs_of(x)) do
      local by_seq, by_change = keys.metadata_index(p, false), keys.metadata_index(p, true)
      wanted[by_seq], wanted[by_change] = true, true
      changed = changed + redis.call('ZADD', by_seq, 'CH', seq, seq)
      changed = changed + redis.call('ZADD', by_change, 'CH', change, seq)
    end
  end
  for _, other in ipairs(KEY.leaves) do
    if other ~= leaf then
      changed = changed + redis.call('ZREM', other, seq)
    end
  end
  for _, index in ipairs(holding) do
    if not wanted[index] then
      changed = changed + redis.call('ZREM', index, seq)
    end
  end
  return changed
end
