-- Charge and move a conversation through the lifecycle (SPEC.md §7), indexes and event
-- included; a no-op writes no event.
-- KEYS[1] token balance, KEYS[2..5] events (lib.lua), KEYS[6] conversation hash,
-- KEYS[7..18] indexes (lib.lua order), KEYS[19..25] inbox keys (lib.lua)
-- ARGV[1] cost, ARGV[2] event context (lib.lua), ARGV[3] action (archive|close|reopen),
-- ARGV[4] now (ms), ARGV[5] If-Match spec, ARGV[6] creation time (ms) the id names,
-- ARGV[7] sequence number
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
--       | {3, balance, version} | {4, balance, current status code}
local refused = admit() if refused then return refused end
local FIRST_INDEX = 7
local FIRST_INBOX = 19
-- target status by action and current status: '' is a no-op, false is not allowed
local MOVES = {
  archive = {o = 'a', c = 'a', a = ''},
  close = {o = 'c', c = '', a = false},
  reopen = {o = '', c = 'o', a = 'o'},
}
local EVENT_TYPES = {
  archive = 'conversation.archived',
  close = 'conversation.closed',
  reopen = 'conversation.reopened',
}
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local before = as_table(redis.call('HGETALL', KEYS[6]))
local status, version, ctype = before.s, version_of(before.v), before.t
if before.c ~= ARGV[6] then
  return {2, balance}
end
if precondition_fails(ARGV[5], version) then
  return {3, balance, version}
end
local target = MOVES[ARGV[3]][status]
if target == false then
  return {4, balance, status}
end
local ctx = cjson.decode(ARGV[2])
local seq = ARGV[7]
if target ~= '' then
  for _, key in ipairs(status_indexes(FIRST_INDEX, ctype, status)) do
    redis.call('ZREM', key, seq)
  end
  for _, key in ipairs(status_indexes(FIRST_INDEX, ctype, target)) do
    redis.call('ZADD', key, seq, seq)
  end
  redis.call('HSET', KEYS[6], 's', target, 'u', ARGV[4], 'v', tonumber(version) + 1)
  redis.call('HDEL', KEYS[6], 'cl', 'ar')
  inbox_change(FIRST_INBOX, ctx.mx, KEYS[6], seq, before, {t = ctype, s = target, x = before.x})
  if target == 'c' then
    redis.call('HSET', KEYS[6], 'cl', ARGV[4])
  elseif target == 'a' then
    redis.call('HSET', KEYS[6], 'ar', ARGV[4])
  end
end
local object = redis.call('HGETALL', KEYS[6])
if target ~= '' then
  local previous = previous_attributes(before, as_table(object))
  emit_event(ctx, EVENT_TYPES[ARGV[3]], seq, object, previous)
end
commit_idempotency(ctx, seq, object)
return {0, balance, object}
