-- Charge and apply a field update computed from a read at version ARGV[3] (compare-and-set).
-- KEYS[1] token balance, KEYS[2] conversation hash
-- ARGV[1] cost, ARGV[2] creation time (ms) the id names, ARGV[3] version read,
-- ARGV[4] If-Match spec, ARGV[5] now (ms), ARGV[6] n = number of fields to set,
-- ARGV[7 .. 6+2n] field, value pairs, then the fields to delete
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
--       | {3, balance, version} | {5, -1} (version moved since the read: nothing charged)
local current = redis.call('HMGET', KEYS[2], 'c', 'v')
local found = current[1] == ARGV[2]
local version = version_of(current[2])
if found and version ~= ARGV[3] then
  return {5, -1}
end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
if not found then
  return {2, balance}
end
if precondition_fails(ARGV[4], version) then
  return {3, balance, version}
end
local n = tonumber(ARGV[6])
local deletes = 7 + 2 * n
if n > 0 or deletes <= #ARGV then
  if n > 0 then
    redis.call('HSET', KEYS[2], unpack(ARGV, 7, 6 + 2 * n))
  end
  if deletes <= #ARGV then
    redis.call('HDEL', KEYS[2], unpack(ARGV, deletes))
  end
  redis.call('HSET', KEYS[2], 'v', tonumber(version) + 1, 'u', ARGV[5])
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
