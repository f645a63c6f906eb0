-- Charge and read one conversation.
--! keys: key_record rate_counter claim tokens conversation
--! args: scopes limit fingerprint claim_token claim_seconds cost created
--! reply: balance fields
--! admits
-- Inputs: admission's (lib.lua); `conversation` its hash, `created` the creation time (ms)
-- the id names.
-- Replies OK with the balance and the flat hash; INSUFFICIENT_TOKENS; NOT_FOUND (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
if not exists(KEY.conversation, ARG.created) then
  return {CODE.NOT_FOUND, balance}
end
return {CODE.OK, balance, redis.call('HGETALL', KEY.conversation)}
