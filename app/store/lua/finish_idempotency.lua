-- Store the outcome of a claimed request, or release the claim so a retry runs for real.
-- KEYS[1] the key's record
-- ARGV[1] claim token, ARGV[2] 'store' | 'release', then for 'store':
-- ARGV[3] HTTP status, ARGV[4] body, ARGV[5] ETag ('' for none), ARGV[6] lifetime (seconds)
-- Returns 1 when done, 0 when the claim was no longer ours (expired and taken again) or
-- the write's own script already committed the outcome (lib.lua's commit_idempotency)
local record = redis.call('HMGET', KEYS[1], 'token', 'state')
if record[1] ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'release' then
  -- A committed outcome stays, even when the reply that said so was lost (a 503): the
  -- change is made, so the retry must be a replay, not a second run.
  if record[2] == 'done' then
    return 0
  end
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[3], 'body', ARGV[4], 'etag', ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
return 1
