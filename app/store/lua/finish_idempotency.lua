-- Store the outcome of a claimed request, or release the claim so a retry runs for real.
--! keys: record
--! args: token action status body etag lifetime
-- Inputs: `record` the Idempotency-Key's record, `token` the claim's, `action` 'store' |
-- 'release', then for 'store' the HTTP `status`, the `body`, the `etag` ('' for none) and
-- the record's `lifetime` (s); a release passes '' for those.
-- Replies OK when done, LEASE_LOST when the claim was no longer ours (expired and taken
-- again) or no longer running: an outcome the write's own script committed
-- (lib_events.lua) is never released, even when its reply was lost and the request ended
-- in a 503, so the retry replays it.
local record = redis.call('HMGET', KEY.record, 'token', 'state')
if record[1] ~= ARG.token or record[2] ~= 'running' then
  return {CODE.LEASE_LOST}
end
if ARG.action == 'release' then
  redis.call('DEL', KEY.record)
  return {CODE.OK}
end
redis.call('HSET', KEY.record, 'state', 'done', 'status', ARG.status, 'body', ARG.body,
  'etag', ARG.etag)
redis.call('EXPIRE', KEY.record, tonumber(ARG.lifetime))
return {CODE.OK}
