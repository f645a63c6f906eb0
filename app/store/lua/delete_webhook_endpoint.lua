-- Delete a webhook endpoint: unsubscribe it and drop its record and its deliveries' list.
-- KEYS[1] the account's token balance, KEYS[2] the endpoint's hash, KEYS[3] its
-- deliveries (zset), KEYS[4] the account's subscriptions (hash), KEYS[5] the account's
-- endpoints (zset), KEYS[6] its previous secret (string)
-- ARGV[1] the request's price, ARGV[2] endpoint id
-- Returns {0, balance} | {1, balance} (insufficient tokens) | {2, balance} (no such
-- endpoint, charged)
--
-- Its delivery hashes expire with the events' retention; the worker drops any of them
-- still due when it meets one (its endpoint is gone).
local refused = admit() if refused then return refused end
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {2, balance}
end
redis.call('HDEL', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('UNLINK', KEYS[2], KEYS[3], KEYS[6])
return {0, balance}
