-- Delete a webhook endpoint: unsubscribe it and drop its record and its deliveries' list.
-- KEYS[1] the endpoint's hash, KEYS[2] its deliveries (zset), KEYS[3] the account's
-- subscriptions (hash), KEYS[4] the account's endpoints (zset)
-- ARGV[1] endpoint id
-- Returns {0} | {2} (no such endpoint)
--
-- Its delivery hashes expire with the events' retention; the worker drops any of them
-- still due when it meets one (its endpoint is gone).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {2}
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('UNLINK', KEYS[1], KEYS[2])
return {0}
