-- Store the outcome of a claimed request, or release the claim so a retry runs for real.
-- KEYS[1] the key's record
-- ARGV[1] claim token, ARGV[2] 'store' | 'release', then for 'store':
-- ARGV[3] HTTP status, ARGV[4] body, ARGV[5] ETag ('' for none), ARGV[6] lifetime (seconds)
-- Returns 1 when done, 0 when the claim was no longer ours (expired and taken again) or no
-- longer running: an outcome the write's own script committed (lib.lua) is never released,
-- even when its reply was lost and the request ended in a 503, so the retry replays it.
local record = redis.call('HMGET', KEYS[1], 'token', 'state')
if record[1] ~= ARGV[1] or record[2] ~= 'running' then
  return 0
end
if ARGV[2] == 'release' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[3], 'body', ARGV[4], 'etag', ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
return 1
