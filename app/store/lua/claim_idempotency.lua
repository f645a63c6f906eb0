-- Claim an Idempotency-Key for one request, or answer what the key already holds.
-- KEYS[1] the key's record
-- ARGV[1] request fingerprint, ARGV[2] claim token, ARGV[3] claim lifetime (seconds)
-- Returns {0} claimed | {9, status, body, etag, seq, object} a finished request to replay
--         (body '' when the write's own script committed it: then seq and object, the
--         conversation's flat hash as JSON, render it)
--       | {10} still running | {11} used by a different request
local record = redis.call('HMGET', KEYS[1], 'fingerprint', 'state', 'status', 'body', 'etag',
  'seq', 'object')
if not record[1] then
  redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'state', 'running', 'token', ARGV[2])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
  return {0}
end
if record[1] ~= ARGV[1] then
  return {11}
end
if record[2] == 'running' then
  return {10}
end
return {9, record[3], record[4] or '', record[5] or '', record[6] or '', record[7] or ''}
