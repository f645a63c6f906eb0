-- Take the price of a request that fails before reaching storage (validation, bad id).
--! keys: key_record rate_counter claim tokens
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! reply: balance
--! admits
-- Inputs: admission's (lib.lua), `tokens` the account's balance, `cost` the price.
-- Replies OK with the balance after, or INSUFFICIENT_TOKENS with the balance.
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
return {CODE.OK, balance}
