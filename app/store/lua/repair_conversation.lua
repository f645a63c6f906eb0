-- Make every index of an account agree with one conversation's hash as it is now.
-- KEYS[1] conversation hash, KEYS[2..13] the account's indexes (lib.lua order),
-- KEYS[14..20] inbox keys (lib.lua), KEYS[21..] metadata indexes found holding the seq
-- ARGV[1] sequence number, ARGV[2] the metadata text the pairs were computed from ('' for
-- none), ARGV[3] its pairs as the `x` field holds them ('' for none), ARGV[4] the prefix
-- of the account's metadata indexes ('P:{A}:meta:')
-- Returns {0, n} the indexes agree, n entries were added, rescored or removed
--       | {-1} the hash is broken (not a hash, or type, status or created missing or
--         unknown): left alone
--       | {-2} the metadata changed since it was read: read it again
--
-- The inbox indexes follow the pairs Python computed from the metadata (Lua's JSON would
-- not keep a number's text); a conversation without a change number (stored before the
-- inbox indexes existed) takes the next one. Metadata index keys are named from ARGV[4]
-- and the pairs, which only the hash tells (SPEC.md §11).
--
-- A well-formed hash puts the seq, scored seq, in exactly the four indexes of its type and
-- status; a missing hash puts it in none. Deciding inside the script, from the hash read
-- here, is what lets the doctor repair while the service keeps writing.
local FIRST_INDEX = 2
local seq = ARGV[1]
local wanted = {}
local kind = redis.call('TYPE', KEYS[1])
kind = type(kind) == 'table' and kind.ok or kind
if kind ~= 'none' then
  if kind ~= 'hash' then
    return {-1}
  end
  local current = redis.call('HMGET', KEYS[1], 't', 's', 'c', 'm')
  if not TYPE_POS[current[1]] or not STATUS_POS[current[2]] or not current[3] then
    return {-1}
  end
  if (current[4] or '') ~= ARGV[2] then
    return {-2}
  end
  for _, key in ipairs(indexes_of(FIRST_INDEX, current[1], current[2])) do
    wanted[key] = true
  end
end
local changed = 0
for i = FIRST_INDEX, FIRST_INDEX + 11 do
  local key = KEYS[i]
  if wanted[key] then
    changed = changed + redis.call('ZADD', key, 'CH', seq, seq)
  else
    changed = changed + redis.call('ZREM', key, seq)
  end
end
local inbox = {}
if kind ~= 'none' then
  inbox = redis.call('HMGET', KEYS[1], 't', 's', 'q', 'x')
end
changed = changed + repair_inbox(14, ARGV[4], KEYS[1], seq, inbox, ARGV[3], 21)
return {0, changed}
