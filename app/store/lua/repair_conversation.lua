-- Make every index of an account agree with one conversation's hash as it is now.
-- KEYS[1] conversation hash, KEYS[2..13] the account's indexes (lib.lua order)
-- ARGV[1] sequence number
-- Returns {0, n} the indexes agree, n entries were added, rescored or removed
--       | {-1} the hash is broken (not a hash, or type, status or created missing or
--         unknown): left alone
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
  local current = redis.call('HMGET', KEYS[1], 't', 's', 'c')
  if not TYPE_POS[current[1]] or not STATUS_POS[current[2]] or not current[3] then
    return {-1}
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
return {0, changed}
