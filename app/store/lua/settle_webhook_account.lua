-- Set an account's score in its shard of the work index after a claim (app/worker/loop.py).
--! keys: ready
--! args: account seen next
-- Inputs: `ready` the shard's ready zset; `account`, `seen` the score the worker read
-- before its claim ('' none), `next` the account's next due time the claim returned ('':
-- nothing pending).
-- Replies OK.
--
-- Hints and the sweep only ever lower a score: one that moved since the worker read it
-- was lowered by news the claim may not have seen, so it is only lowered further.
local current = redis.call('ZSCORE', KEY.ready, ARG.account)
if current and current ~= ARG.seen then
  if ARG.next ~= '' then
    redis.call('ZADD', KEY.ready, 'LT', ARG.next, ARG.account)
  end
elseif ARG.next == '' then
  redis.call('ZREM', KEY.ready, ARG.account)
else
  redis.call('ZADD', KEY.ready, ARG.next, ARG.account)
end
return {CODE.OK}
