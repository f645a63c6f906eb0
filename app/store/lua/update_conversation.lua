-- Charge and apply a field update computed from a read at version ARGV[4] (compare-and-set),
-- with its event when something changed.
-- KEYS[1] token balance, KEYS[2..5] events (lib.lua), KEYS[6] conversation hash,
-- KEYS[7..13] inbox keys (lib.lua)
-- ARGV[1] cost, ARGV[2] event context (lib.lua), ARGV[3] creation time (ms) the id names,
-- ARGV[4] version read, ARGV[5] If-Match spec, ARGV[6] now (ms), ARGV[7] sequence number,
-- ARGV[8] n = number of fields to set, ARGV[9 .. 8+2n] field, value pairs, then the fields
-- to delete
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
--       | {3, balance, version} | {5, -1} (version moved since the read: nothing charged)
local refused = admit() if refused then return refused end
local FIRST_INBOX = 7
local current = redis.call('HMGET', KEYS[6], 'c', 'v')
local found = current[1] == ARGV[3]
local version = version_of(current[2])
if found and version ~= ARGV[4] then
  return {5, -1}
end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
if not found then
  return {2, balance}
end
if precondition_fails(ARGV[5], version) then
  return {3, balance, version}
end
local n = tonumber(ARGV[8])
local deletes = 9 + 2 * n
if n > 0 or deletes <= #ARGV then
  local before = as_table(redis.call('HGETALL', KEYS[6]))
  if n > 0 then
    redis.call('HSET', KEYS[6], unpack(ARGV, 9, 8 + 2 * n))
  end
  if deletes <= #ARGV then
    redis.call('HDEL', KEYS[6], unpack(ARGV, deletes))
  end
  redis.call('HSET', KEYS[6], 'v', tonumber(version) + 1, 'u', ARGV[6])
  local ctx = cjson.decode(ARGV[2])
  local after = {t = before.t, s = before.s, x = redis.call('HGET', KEYS[6], 'x')}
  inbox_change(FIRST_INBOX, ctx.mx, KEYS[6], ARGV[7], before, after)
  local object = redis.call('HGETALL', KEYS[6])
  local previous = previous_attributes(before, as_table(object))
  emit_event(ctx, 'conversation.updated', ARGV[7], object, previous)
  return {0, balance, object}
end
return {0, balance, redis.call('HGETALL', KEYS[6])}
