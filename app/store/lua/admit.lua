-- Admit a request whose own script does not admit (lib.lua): the key, the scope, the rate
-- limit and the Idempotency-Key's claim, with nothing taken or done.
--! keys: key_record rate_counter claim tokens
--! args: scopes limit fingerprint claim_token claim_seconds cost
--! admits
-- Inputs: admission's (lib.lua); `tokens` and `cost` are read, never debited.
-- Replies OK, or admit()'s refusal.
local refused = admit() if refused then return refused end
return {CODE.OK}
