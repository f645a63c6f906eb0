-- Charge and read one event of the account's stream.
--! keys: key_record rate_counter claim tokens events
--! args: scopes limit fingerprint claim_token claim_seconds cost stream_id cutoff
--! reply: balance fields
--! admits
-- Inputs: admission's (lib.lua); `events` the account's stream, `stream_id` the event's
-- ('' when the id cannot be this account's), `cutoff` the retention's cut-off (ms): an
-- older event is gone even before it is trimmed (trimming is approximate).
-- Replies OK with the balance and the entry's fields; INSUFFICIENT_TOKENS; NOT_FOUND
-- (charged).
local refused = admit() if refused then return refused end
local balance, short = pay()
if short then
  return short
end
local stream_id = ARG.stream_id
if stream_id == '' or tonumber(string.match(stream_id, '^(%d+)-')) < tonumber(ARG.cutoff) then
  return {CODE.NOT_FOUND, balance}
end
local found = redis.call('XRANGE', KEY.events, stream_id, stream_id)
-- A `webhook_endpoint.test` event is its endpoint's alone: not in the feed, by id either.
if #found == 0 or as_table(found[1][2]).ty == 'webhook_endpoint.test' then
  return {CODE.NOT_FOUND, balance}
end
return {CODE.OK, balance, found[1][2]}
