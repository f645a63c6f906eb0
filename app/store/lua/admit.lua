-- Admit a request whose own script does not call admit() (lib.lua): the key, the scope,
-- the rate limit and the Idempotency-Key's claim, with nothing taken or done.
-- KEYS, ARGV: admit()'s layout, then KEYS[1] the token balance, ARGV[1] the price
-- Returns {0} | admit()'s refusal
local refused = admit() if refused then return refused end
return {0}
