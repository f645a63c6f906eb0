-- Charge and move a conversation through the lifecycle (SPEC.md §7), indexes included.
-- KEYS[1] token balance, KEYS[2] conversation hash, KEYS[3..14] indexes (lib.lua order)
-- ARGV[1] cost, ARGV[2] action (archive|close|reopen), ARGV[3] now (ms),
-- ARGV[4] If-Match spec, ARGV[5] conversation id
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
--       | {3, balance, version} | {4, balance, current status}
local FIRST_INDEX = 3
-- target status by action and current status: '' is a no-op, false is not allowed
local MOVES = {
  archive = {open = 'archived', closed = 'archived', archived = ''},
  close = {open = 'closed', closed = '', archived = false},
  reopen = {open = '', closed = 'open', archived = 'open'},
}
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local current = redis.call('HMGET', KEYS[2], 'status', 'version', 'type', 'seq')
local status, version, ctype, seq = current[1], current[2], current[3], current[4]
if not status then
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
  for _, key in ipairs(status_indexes(FIRST_INDEX, ctype, status)) do
    redis.call('ZREM', key, ARGV[5])
  end
  for _, key in ipairs(status_indexes(FIRST_INDEX, ctype, target)) do
    redis.call('ZADD', key, seq, ARGV[5])
  end
  redis.call('HSET', KEYS[2], 'status', target, 'updated_at', ARGV[3])
  redis.call('HINCRBY', KEYS[2], 'version', 1)
  redis.call('HDEL', KEYS[2], 'closed_at', 'archived_at')
  if target == 'closed' then
    redis.call('HSET', KEYS[2], 'closed_at', ARGV[3])
  elseif target == 'archived' then
    redis.call('HSET', KEYS[2], 'archived_at', ARGV[3])
  end
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
