"""Check (and repair) that the indexes agree with the hashes (`saasignal doctor`).

Every index entry must have its hash, and every hash must sit, with its sequence number as
score, in exactly the four indexes of its type and status; with its change number `q` in
the updated-order leaf of its type and status; and in the two metadata indexes of each
pair its metadata has, which its `x` field lists (docs/conversations.md). The Lua scripts keep this
true;
the doctor proves it, and repairs what an operator's hand or a restored backup broke,
one conversation per script, so that it can run while the service keeps writing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.jsontext import NotJson
from app.store.inbox import metadata_pairs, pairs_field
from app.store.keyspace import STATUS_NAMES, TYPE_NAMES, Keyspace
from app.store.scripts import Code, register_scripts


def expected_indexes(keys: Keyspace, account: str, fields: dict[str, str]) -> set[str]:
    """The index keys a conversation hash belongs in."""
    type_, status = TYPE_NAMES[fields["t"]], STATUS_NAMES[fields["s"]]
    return {
        keys.index(account),
        keys.index(account, type_=type_),
        keys.index(account, status=status),
        keys.index(account, type_=type_, status=status),
    }


def accounts(client: Any, keys: Keyspace) -> Iterator[str]:
    """Every account that has ever stored a conversation."""
    seen = set()
    for key in client.scan_iter(match=keys.account_pattern(), count=1000):
        name = key[key.index("{") + 1 : key.index("}")]
        if name not in seen:
            seen.add(name)
            yield name


def find_drift(client: Any, keys: Keyspace, account: str) -> list[tuple[str, str]]:
    """Every problem of one account, read from a snapshot: (conversation seq, line) pairs."""
    problems: list[tuple[str, str]] = []
    prefix = keys.conversation(account, "")
    hashes: dict[str, dict[str, str]] = {}
    for key in client.scan_iter(match=prefix + "*", count=1000):
        seq = key.removeprefix(prefix)
        fields = client.hgetall(key)
        if (
            fields.get("t") not in TYPE_NAMES
            or fields.get("s") not in STATUS_NAMES
            or "c" not in fields
            or _pairs(fields) is None
        ):
            problems.append((seq, f"{account}: conversation {seq} has a broken hash: {fields}"))
            continue
        hashes[seq] = fields
    for index in keys.all_indexes(account):
        scores = dict(client.zrange(index, 0, -1, withscores=True))
        members = set(scores)
        for seq in sorted(members, key=lambda member: (len(member), member)):
            fields = hashes.get(seq)
            if fields is None or index not in expected_indexes(keys, account, fields):
                line = f"{account}: {index} holds conversation {seq}, which is not there"
                problems.append((seq, line))
            elif int(scores[seq]) != int(seq):
                line = f"{account}: {index} scores conversation {seq} {scores[seq]}"
                problems.append((seq, line))
        for seq, fields in sorted(hashes.items()):
            if index in expected_indexes(keys, account, fields) and seq not in members:
                problems.append((seq, f"{account}: {index} lacks conversation {seq}"))
    problems += _inbox_drift(client, keys, account, hashes)
    return problems


def _pairs(fields: dict[str, str]) -> list[str] | None:
    """The metadata pairs a hash should be indexed under; None when its metadata is broken."""
    try:
        return metadata_pairs(fields.get("m") or "{}")
    except (NotJson, AttributeError):  # not JSON, or JSON that is not an object
        return None


def _inbox_drift(
    client: Any, keys: Keyspace, account: str, hashes: dict[str, dict[str, str]]
) -> list[tuple[str, str]]:
    """Drift in the inbox indexes: the leaves, the metadata indexes, the `q` and `x` fields."""
    problems: list[tuple[str, str]] = []
    expected: dict[str, dict[str, float]] = {}  # index key -> seq -> score
    for seq, fields in hashes.items():
        if "q" not in fields:
            problems.append((seq, f"{account}: conversation {seq} has no change number"))
            continue
        change = float(fields["q"])
        leaf = keys.updated_leaf(account, TYPE_NAMES[fields["t"]], STATUS_NAMES[fields["s"]])
        expected.setdefault(leaf, {})[seq] = change
        if fields.get("x") != pairs_field(fields.get("m") or "{}"):
            problems.append((seq, f"{account}: conversation {seq} lists other metadata pairs"))
        for pair in _pairs(fields) or []:
            expected.setdefault(keys.metadata_index(account, pair, False), {})[seq] = float(seq)
            expected.setdefault(keys.metadata_index(account, pair, True), {})[seq] = change
    found = set(keys.updated_leaves(account))
    found.update(client.scan_iter(match=keys.metadata_prefix(account) + "*", count=1000))
    for index in sorted(found | set(expected)):
        scores = dict(client.zrange(index, 0, -1, withscores=True))
        wanted = expected.get(index, {})
        for seq, score in scores.items():
            if seq in hashes and "q" not in hashes[seq]:
                continue  # already reported: its repair rebuilds every inbox entry
            if seq not in wanted:
                problems.append((seq, f"{account}: {index} holds conversation {seq}, not its"))
            elif score != wanted[seq]:
                problems.append((seq, f"{account}: {index} scores conversation {seq} {score}"))
        for seq in wanted.keys() - scores.keys():
            problems.append((seq, f"{account}: {index} lacks conversation {seq}"))
    return problems


def _repair(client: Any, keys: Keyspace, account: str, seq: str, script: Any) -> None:
    """Repair one conversation from its hash as it is now (read again if it moves)."""
    fixed = {
        "indexes": keys.all_indexes(account),
        "changes": keys.changes(account),
        "leaves": keys.updated_leaves(account),
    }
    prefix = keys.metadata_prefix(account)
    holding = [
        key
        for key in client.scan_iter(match=prefix + "*", count=1000)
        if client.zscore(key, seq) is not None
    ]
    for _ in range(5):
        metadata = client.hget(keys.conversation(account, seq), "m") or ""
        try:
            x = pairs_field(metadata or "{}") or ""
        except (NotJson, AttributeError):
            return  # a broken hash is left alone, as the script would
        args = {
            "seq": seq,
            "metadata": metadata,
            "pairs": x,
            "account_prefix": keys.account_prefix(account),
        }
        conversation = keys.conversation(account, seq)
        reply = script({"conversation": conversation, **fixed, "holding": holding}, args)
        if reply.code != Code.STALE:
            return


def check_account(client: Any, keys: Keyspace, account: str, repair: bool) -> list[str]:
    """The drift in one account, repaired when asked; one line per problem.

    The snapshot may be stale by the time it is read to the end: the service keeps
    writing. So a repair never trusts it: each conversation a problem names is repaired by
    one script that reads its hash at that instant (a broken hash is left alone).
    """
    problems = find_drift(client, keys, account)
    if repair and problems:
        repair_conversation = register_scripts(client)["repair_conversation"]
        for seq in sorted({seq for seq, _ in problems}, key=lambda seq: (len(seq), seq)):
            _repair(client, keys, account, seq, repair_conversation)
    return [line for _, line in problems]


def run_doctor(client: Any, keys: Keyspace, account: str | None, repair: bool) -> list[str]:
    """Check one account or all of them; return every problem found."""
    names = [account] if account else list(accounts(client, keys))
    problems: list[str] = []
    for name in names:
        problems += check_account(client, keys, name, repair)
    return problems
