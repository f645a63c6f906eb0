-- Send one endpoint a `webhook_endpoint.test` event (SPEC.md §19): append the event to the
-- account's stream (its id is then unique and ordered like every event's; the feed skips
-- the type) and give that endpoint alone a delivery, due now, whatever it subscribes to.
-- KEYS[1] the account's token balance, KEYS[2] the endpoint's hash, KEYS[3] the account's
-- event stream, KEYS[4] the account's due zset (of endpoints), KEYS[5] the endpoint's
-- deliveries (zset)
-- ARGV[1] the request's price, ARGV[2] endpoint id, ARGV[3] the endpoint object (JSON,
-- without its secret), ARGV[4] request id, ARGV[5] Idempotency-Key ('' none), ARGV[6] the
-- oldest stream id kept, ARGV[7] the retention (s), ARGV[8] the account's webhook key
-- prefix `P:{A}:wh:`: the script names the new delivery's hash `<prefix>dlv:<id>` and the
-- endpoint's due zset, ARGV[9] the hint channel, ARGV[10] the account, ARGV[11] the
-- idempotency context (JSON: tok, ittl, st; see commit_webhook_idempotency); KEYS[6] the
-- request's Idempotency-Key record (never written without one)
-- Returns {0, balance, delivery id, {delivery field, value, ...}} | {1, balance} |
--   {2, balance} (no such endpoint, charged) | {7, balance} (endpoint disabled, charged)
local refused = admit() if refused then return refused end
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
local status = redis.call('HGET', KEYS[2], 'st')
if not status then
  return {2, balance}
end
if status ~= 'enabled' then
  return {7, balance}
end
local fields = {'ty', 'webhook_endpoint.test', 'o', ARGV[3], 'rq', ARGV[4]}
if ARGV[5] ~= '' then
  fields[#fields + 1] = 'ik'
  fields[#fields + 1] = ARGV[5]
end
local id = redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[6], '*', unpack(fields))
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[7]))
local dash = string.find(id, '-', 1, true)
local ms = string.sub(id, 1, dash - 1)
local stamp = string.format('%013d%06d', tonumber(ms), tonumber(string.sub(id, dash + 1)))
local delivery = 'whd_' .. stamp .. '_' .. string.sub(ARGV[2], 4)
local record = ARGV[8] .. 'dlv:' .. delivery
redis.call('HSET', record, 'ep', ARGV[2], 'ev', id, 'ty', 'webhook_endpoint.test',
  'st', 'pending', 'at', 0, 'cr', ms, 'na', ms)
redis.call('EXPIRE', record, tonumber(ARGV[7]))
redis.call('ZADD', KEYS[5], tonumber(ms), delivery)
make_due(KEYS[4], ARGV[8], ARGV[2], delivery, tonumber(ms), tonumber(ms), ARGV[9], ARGV[10])
local object = redis.call('HGETALL', record)
commit_webhook_idempotency(KEYS[6], ARGV[11], delivery, object)
return {0, balance, delivery, object}
