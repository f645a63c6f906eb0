"""What the inbox indexes of docs/conversations.md hold for one conversation, computed in Python.

A metadata filter `metadata[<key>]=<value>` matches a top-level member whose value is the
string `<value>`, or a number or boolean whose JSON text (as the API returns it) is
`<value>`. Each such member of a conversation is one *pair* `<key>:<value>` (a key never
holds ':'), and the hash keeps the sorted list of its pairs as JSON in the field `x`, so
that every script (a transition, a delete, the doctor's repair) knows which metadata
indexes hold the conversation without parsing its metadata in Lua, whose JSON numbers
would not keep their text. Members that no filter can match (a key outside the pattern,
an empty or over-long value, null, arrays, objects) are not indexed.
"""

from __future__ import annotations

import re
from typing import Any

from app.jsontext import dumps, loads

METADATA_KEY_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
METADATA_VALUE_MAX = 256
# A page that combines a metadata filter with type or status reads at most this many
# entries of the metadata index (docs/conversations.md).
FILTERED_READ_BUDGET = 1000
PAIRS_FIELD = "x"
CHANGE_FIELD = "q"


def filter_text(value: Any) -> str | None:
    """The text a filter must give to match `value`; None when no filter can match it."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float):
        text = dumps(value).decode()
    else:
        return None
    return text if 1 <= len(text) <= METADATA_VALUE_MAX else None


def pair(key: str, value: str) -> str:
    """The member of `x` (and the tail of the index keys) for one filter."""
    return f"{key}:{value}"


def metadata_pairs(metadata_text: str) -> list[str]:
    """The sorted pairs of a stored metadata text."""
    metadata = loads(metadata_text.encode())
    pairs = []
    for key, value in metadata.items():
        text = filter_text(value)
        if text is not None and METADATA_KEY_RE.fullmatch(key):
            pairs.append(pair(key, text))
    return sorted(pairs)


def pairs_field(metadata_text: str) -> str | None:
    """The value of the hash's `x` field for this metadata; None: the field is absent."""
    pairs = metadata_pairs(metadata_text)
    return dumps(pairs).decode() if pairs else None
