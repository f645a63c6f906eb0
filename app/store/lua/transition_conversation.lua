-- Charge and move a conversation through the lifecycle (SPEC.md §7), indexes included.
-- KEYS[1] token balance, KEYS[2] conversation hash, KEYS[3..14] indexes (lib.lua order)
-- ARGV[1] cost, ARGV[2] action (archive|close|reopen), ARGV[3] now (ms),
-- ARGV[4] If-Match spec, ARGV[5] creation time (ms) the id names, ARGV[6] sequence number
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
--       | {3, balance, version} | {4, balance, current status code}
local FIRST_INDEX = 3
-- target status by action and current status: '' is a no-op, false is not allowed
local MOVES = {
  archive = {o = 'a', c = 'a', a = ''},
  close = {o = 'c', c = '', a = false},
  reopen = {o = '', c = 'o', a = 'o'},
}
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local current = redis.call('HMGET', KEYS[2], 's', 'v', 't', 'c')
local status, version, ctype = current[1], version_of(current[2]), current[3]
if current[4] ~= ARGV[5] then
  return {2, balance}
end
if precondition_fails(ARGV[4], version) then
  return {3, balance, version}
end
local target = MOVES[ARGV[2]][status]
if target == false then
  return {4, balance, status}
end
if target ~= '' then
  local seq = ARGV[6]
  for _, key in ipairs(status_indexes(FIRST_INDEX, ctype, status)) do
    redis.call('ZREM', key, seq)
  end
  for _, key in ipairs(status_indexes(FIRST_INDEX, ctype, target)) do
    redis.call('ZADD', key, seq, seq)
  end
  redis.call('HSET', KEYS[2], 's', target, 'u', ARGV[3], 'v', tonumber(version) + 1)
  redis.call('HDEL', KEYS[2], 'cl', 'ar')
  if target == 'c' then
    redis.call('HSET', KEYS[2], 'cl', ARGV[3])
  elseif target == 'a' then
    redis.call('HSET', KEYS[2], 'ar', ARGV[3])
  end
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
