-- Drop the entries of an account's delivery listings past the events' retention, at most
-- once in a while (the worker's sweep; a new event trims its own listing as it goes).
-- KEYS[1] the account's endpoints (zset), KEYS[2] the `trimmed` marker
-- ARGV[1] the account's webhook key prefix, ARGV[2] the retention's cut-off (ms),
-- ARGV[3] how long the marker lives (s)
-- Returns the entries dropped, or -1 when trimmed lately
if redis.call('EXISTS', KEYS[2]) == 1 then
  return -1
end
local dropped = 0
for _, endpoint in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  dropped = dropped + redis.call('ZREMRANGEBYSCORE', ARGV[1] .. 'ep:' .. endpoint .. ':dlv',
    '-inf', '(' .. ARGV[2])
end
redis.call('SET', KEYS[2], '1', 'EX', tonumber(ARGV[3]))
return dropped
