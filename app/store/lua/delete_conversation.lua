-- Charge and delete a conversation with every index entry, and write its event.
-- KEYS[1] token balance, KEYS[2..5] events (lib.lua), KEYS[6] conversation hash,
-- KEYS[7..18] indexes (lib.lua order), KEYS[19..25] inbox keys (lib.lua)
-- ARGV[1] cost, ARGV[2] event context (lib.lua), ARGV[3] If-Match spec, ARGV[4] creation
-- time (ms) the id names, ARGV[5] sequence number
-- Returns {0, balance} | {1, balance} | {2, balance} | {3, balance, version}
local refused = admit() if refused then return refused end
local FIRST_INDEX = 7
local FIRST_INBOX = 19
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
local object = redis.call('HGETALL', KEYS[6])
local current = as_table(object)
if current.c ~= ARGV[4] then
  return {2, balance}
end
if precondition_fails(ARGV[3], version_of(current.v)) then
  return {3, balance, version_of(current.v)}
end
for _, key in ipairs(indexes_of(FIRST_INDEX, current.t, current.s)) do
  redis.call('ZREM', key, ARGV[5])
end
local ctx = cjson.decode(ARGV[2])
inbox_change(FIRST_INBOX, ctx.mx, KEYS[6], ARGV[5], current, nil)
redis.call('DEL', KEYS[6])
emit_event(ctx, 'conversation.deleted', ARGV[5], object, nil)
return {0, balance}
