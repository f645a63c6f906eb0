-- Keep one live stream open (docs/stream.md): the key must still be live and hold the
-- scope, its lease is renewed, and every 100 events the price is taken again.
-- KEYS[1] token balance, KEYS[2] the API key's record, KEYS[3] the key's open streams
-- ARGV[1] cost (0: a renewal alone), ARGV[2] the scopes that suffice (',scope,scope,'),
-- ARGV[3] the stream's token, ARGV[4] now (ms), ARGV[5] the lease (ms)
-- Returns {0, balance} | {1, balance} | {12, 0} revoked or unknown | {13, 0} scope lost
local balance_key, record, open = KEYS[1], KEYS[2], KEYS[3]
local cost, accepted, token = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local now, lease = tonumber(ARGV[4]), tonumber(ARGV[5])

local key = redis.call('HMGET', record, 'scopes', 'revoked')
if not key[1] or key[2] == '1' then
  return {12, 0}
end
local allowed = false
for scope in string.gmatch(key[1], '%S+') do
  if string.find(accepted, ',' .. scope .. ',', 1, true) then
    allowed = true
  end
end
if not allowed then
  return {13, 0}
end
local ok, balance = debit(balance_key, cost)
if not ok then
  return {1, balance}
end
redis.call('ZADD', open, now + lease, token)
redis.call('PEXPIRE', open, lease)
return {0, balance}
