"""The events' side of the webhook keyspace contract, for tests until events are on main.

`write_event` appends an event to `P:{A}:events` and fans it out to `P:{A}:wh:subs` in one
script, exactly as the contract in app/store/keyspace.py says the events' writer does.
"""

from __future__ import annotations

from typing import Any

from app.store.keyspace import Keyspace

RETENTION_SECONDS = 30 * 86400

FAN_OUT = """
local id = redis.call('XADD', KEYS[1], '*', 'ty', ARGV[1], unpack(ARGV, 4))
local dash = string.find(id, '-', 1, true)
local ms, n = string.sub(id, 1, dash - 1), string.sub(id, dash + 1)
local now = ms
local subs = redis.call('HGETALL', KEYS[2])
for i = 1, #subs, 2 do
  local endpoint, events = subs[i], subs[i + 1]
  if events == '*' or string.find(events, ',' .. ARGV[1] .. ',', 1, true) then
    local d = 'whd_' .. string.rep('0', 13 - #ms) .. ms .. string.rep('0', 6 - #n) .. n
      .. '_' .. string.sub(endpoint, 4)
    local key = ARGV[2] .. 'dlv:' .. d
    redis.call('HSET', key, 'ep', endpoint, 'ev', id, 'ty', ARGV[1], 'st', 'pending',
      'at', 0, 'cr', now, 'na', now)
    redis.call('EXPIRE', key, tonumber(ARGV[3]))
    redis.call('ZADD', ARGV[2] .. 'ep:' .. endpoint .. ':dlv', ms, d)
    redis.call('ZADD', KEYS[3], now, d)
  end
end
return id
"""


def write_event(client: Any, keys: Keyspace, account: str, event_type: str, **fields: str) -> str:
    """Write one event and its deliveries; return the stream entry id."""
    flat: list[str] = []
    for name, value in fields.items():
        flat += [name, value]
    stream_keys = [
        keys.account(account, "events"),
        keys.webhook_subscriptions(account),
        keys.webhook_due(account),
    ]
    args = [event_type, keys.webhook_prefix(account), RETENTION_SECONDS, *flat]
    return str(client.eval(FAN_OUT, len(stream_keys), *stream_keys, *args))


def render_event(account: str, entry_id: str, fields: dict[str, str]) -> dict[str, Any]:
    """A stand-in for app.events.render_event: the public event object of an entry."""
    return {
        "id": "evt_" + entry_id.replace("-", "_"),
        "object": "event",
        "type": fields["ty"],
        "account": account,
        "data": {key: value for key, value in fields.items() if key != "ty"},
    }
