-- Set an account's score in its shard of the work index after a claim (app/worker/loop.py).
-- KEYS[1] the shard's ready zset
-- ARGV[1] the account, ARGV[2] the score the worker read before its claim ('' none),
-- ARGV[3] the account's next due time the claim returned ('' nothing pending)
-- Returns 1
--
-- Hints and the sweep only ever lower a score: one that moved since the worker read it
-- was lowered by news the claim may not have seen, so it is only lowered further.
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if current and current ~= ARGV[2] then
  if ARGV[3] ~= '' then
    redis.call('ZADD', KEYS[1], 'LT', ARGV[3], ARGV[1])
  end
elseif ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
