-- Make every index of an account agree with one conversation's hash as it is now.
--! keys: conversation indexes[12] changes leaves[6] holding[]
--! args: seq metadata pairs account_prefix
--! reply: changed
-- Inputs: `conversation` its hash, `indexes` (lib.lua), the inbox's (lib_inbox.lua),
-- `holding` the metadata indexes found holding the seq; `seq` its sequence number,
-- `metadata` the metadata text the pairs were computed from ('' for none), `pairs` its
-- pairs as the `x` field holds them ('' for none), `account_prefix` `P:{A}:`.
-- Replies OK with how many entries were added, rescored or removed; BROKEN when the hash
-- is broken (not a hash, or type, status or created missing or unknown): left alone;
-- STALE when the metadata changed since it was read: read it again.
--
-- The inbox indexes follow the pairs Python computed from the metadata (Lua's JSON would
-- not keep a number's text); a conversation without a change number (stored before the
-- inbox indexes existed) takes the next one. Metadata index keys are named from the pairs
-- (lib.lua's keyspace), which only the hash tells.
--
-- A well-formed hash puts the seq, scored seq, in exactly the four indexes of its type and
-- status; a missing hash puts it in none. Deciding inside the script, from the hash read
-- here, is what lets the doctor repair while the service keeps writing.
local seq = ARG.seq
local wanted = {}
local kind = redis.call('TYPE', KEY.conversation)
kind = type(kind) == 'table' and kind.ok or kind
if kind ~= 'none' then
  if kind ~= 'hash' then
    return {CODE.BROKEN}
  end
  local current = redis.call('HMGET', KEY.conversation, 't', 's', 'c', 'm')
  if not TYPE_POS[current[1]] or not STATUS_POS[current[2]] or not current[3] then
    return {CODE.BROKEN}
  end
  if (current[4] or '') ~= ARG.metadata then
    return {CODE.STALE}
  end
  for _, key in ipairs(indexes_of(KEY.indexes, current[1], current[2])) do
    wanted[key] = true
  end
end
local changed = 0
for _, key in ipairs(KEY.indexes) do
  if wanted[key] then
    changed = changed + redis.call('ZADD', key, 'CH', seq, seq)
  else
    changed = changed + redis.call('ZREM', key, seq)
  end
end
local inbox = {}
if kind ~= 'none' then
  inbox = redis.call('HMGET', KEY.conversation, 't', 's', 'q', 'x')
end
local keys = keyspace(ARG.account_prefix)
changed = changed + repair_inbox(keys, KEY.conversation, seq, inbox, ARG.pairs, KEY.holding)
return {CODE.OK, changed}
