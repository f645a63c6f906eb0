"""A writer process for the stream's no-gap tests: `python -m tests.support.stream_writer
URL SECRET WRITES INDEX` makes WRITES writes over HTTP: creates, each followed by a close
and a reopen while writes remain. Exits non-zero when a write is refused."""

from __future__ import annotations

import sys

from tests.support.live import BASE, call


def main(url: str, secret: str, writes: int, index: int) -> int:
    made = 0
    while made < writes:
        reply = call(url, "POST", BASE, secret, {"type": "group", "title": f"w{index}-{made}"})
        if reply.status != 201:
            print(f"writer {index}: create answered {reply.status} {reply.body}", file=sys.stderr)
            return 1
        made += 1
        conversation = reply.body["data"]["id"]
        for move in ("close", "reopen"):
            if made >= writes:
                break
            reply = call(url, "POST", f"{BASE}/{conversation}/{move}", secret)
            if reply.status != 200:
                print(f"writer {index}: {move} answered {reply.status}", file=sys.stderr)
                return 1
            made += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
