-- Keep one live stream open (docs/stream.md): the key must still be live and hold the
-- scope, its lease is renewed, and every 100 events the price is taken again.
--! keys: tokens key_record streams
--! args: cost scopes stream now lease
--! reply: balance
-- Inputs: `tokens` the account's balance, `key_record` the API key's record, `streams`
-- the key's open streams (zset); `cost` the price (0: a renewal alone), `scopes` those
-- that suffice (',scope,scope,'), `stream` the stream's token, `now` (ms), `lease` (ms).
-- Replies OK with the balance; INSUFFICIENT_TOKENS; UNAUTHORIZED (the key was revoked or
-- is unknown); INSUFFICIENT_SCOPE (it lost the scope). A refusal renews nothing.
local refused = key_refusal()
if refused then
  return refused
end
local balance, short = pay()
if short then
  return short
end
local now, lease = tonumber(ARG.now), tonumber(ARG.lease)
redis.call('ZADD', KEY.streams, now + lease, ARG.stream)
redis.call('PEXPIRE', KEY.streams, lease)
return {CODE.OK, balance}
