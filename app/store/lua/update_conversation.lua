-- Charge and apply a field update computed from a read at version ARGV[2] (compare-and-set).
-- KEYS[1] token balance, KEYS[2] conversation hash
-- ARGV[1] cost, ARGV[2] version read, ARGV[3] If-Match spec, ARGV[4] now (ms),
-- ARGV[5] n = number of fields to set, ARGV[6 .. 5+2n] field, value pairs, then fields to delete
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
--       | {3, balance, version} | {5, -1} (version moved since the read: nothing charged)
local version = redis.call('HGET', KEYS[2], 'version')
if version and version ~= ARGV[2] then
  return {5, -1}
end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
if not version then
  return {2, balance}
end
if precondition_fails(ARGV[3], version) then
  return {3, balance, version}
end
local n = tonumber(ARGV[5])
local deletes = 6 + 2 * n
if n > 0 or deletes <= #ARGV then
  if n > 0 then
    redis.call('HSET', KEYS[2], unpack(ARGV, 6, 5 + 2 * n))
  end
  if deletes <= #ARGV then
    redis.call('HDEL', KEYS[2], unpack(ARGV, deletes))
  end
  redis.call('HINCRBY', KEYS[2], 'version', 1)
  redis.call('HSET', KEYS[2], 'updated_at', ARGV[4])
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
