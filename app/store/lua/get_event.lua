-- Charge and read one event of the account's stream.
-- KEYS[1] token balance, KEYS[2] the account's event stream
-- ARGV[1] cost, ARGV[2] the event's stream id ('' when the id cannot be this account's),
-- ARGV[3] the retention's cut-off (ms): an older event is gone even before it is trimmed
-- (trimming is approximate)
-- Returns {0, balance, {field, value, ...}} | {1, balance} | {2, balance}
local refused = admit() if refused then return refused end
local ok, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not ok then
  return {1, balance}
end
if ARGV[2] == '' or tonumber(string.match(ARGV[2], '^(%d+)-')) < tonumber(ARGV[3]) then
  return {2, balance}
end
local found = redis.call('XRANGE', KEYS[2], ARGV[2], ARGV[2])
-- A `webhook_endpoint.test` event is its endpoint's alone: not in the feed, by id either.
if #found == 0 or as_table(found[1][2]).ty == 'webhook_endpoint.test' then
  return {2, balance}
end
return {0, balance, found[1][2]}
