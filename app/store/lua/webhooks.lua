-- Helpers prepended to every webhook script (after lib.lua) by app/store/scripts.py.
--
-- ARGV carries the account's webhook key prefix `P:{A}:wh:` wherever a script names the
-- hashes a due delivery leads it to (delivery and endpoint hashes, an endpoint's
-- deliveries): keys of the script's own account, in its slot, that it cannot know in
-- advance. Result codes beyond lib.lua's: 6 too many endpoints, 7 endpoint disabled,
-- 8 lease lost (the attempt's result is dropped).

-- The current time of the Redis server, in ms: every host agrees on it, so leases do.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The oldest delivery of an endpoint after the watermark `fw` whose first attempt has not
-- started, or nil. Deliveries sort in event order by id; ones that were already
-- attempted, finished or dropped are stepped over, moving the watermark past them.
local function next_first_attempt(prefix, endpoint_key, deliveries_key, fw)
  local from = 0
  if fw then
    from = tonumber(string.sub(fw, 5, 17))
  end
  local offset, stepped = 0, 0
  while stepped < 1000 do
    local batch = redis.call('ZRANGEBYSCORE', deliveries_key, from, '+inf', 'LIMIT', offset, 100)
    if #batch == 0 then
      return nil
    end
    for _, id in ipairs(batch) do
      if not fw or id > fw then
        local state = redis.call('HMGET', prefix .. 'dlv:' .. id, 'st', 'at')
        if state[1] == 'pending' and state[2] == '0' then
          return id
        end
        fw = id
        redis.call('HSET', endpoint_key, 'fw', id)
      end
      stepped = stepped + 1
    end
    offset = offset + #batch
  end
  return nil
end
