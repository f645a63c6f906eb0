"""The command line explains itself (docs/cli.md): every option of every command says what
it does, its default when it has one, and whether it repeats; a command missing is a usage
error with the help; `keys create` says what the account's balance means; `serve` on Redis
says how to make a key and that webhooks need `saasignal worker`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import build_parser
from harness.servers import RedisServer
from tests.support.served import Served

SAASIGNAL = str(Path(sys.executable).parent / "saasignal")


def parsers(
    parser: argparse.ArgumentParser, name: str = "saasignal"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser of the tree, with the command that reaches it."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from parsers(sub, f"{name} {sub_name}")


def missing_help(parser: argparse.ArgumentParser) -> list[str]:
    """What a parser's options and commands fail to say."""
    wrong = []
    for action in parser._actions:
        name = "/".join(action.option_strings) or action.dest
        if isinstance(action, argparse._SubParsersAction):
            wrong += [f"{c.dest}: no help" for c in action._choices_actions if not c.help]
            continue
        if not action.help or action.help == argparse.SUPPRESS:
            wrong.append(f"{name}: no help")
            continue
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if action.option_strings and not action.required and "default" not in action.help:
            wrong.append(f"{name}: its default is not said")
        if isinstance(action, argparse._AppendAction) and "repeat" not in action.help:
            wrong.append(f"{name}: it repeats, and does not say so")
    return wrong


def test_every_option_of_every_command_has_help() -> None:
    tree = dict(parsers(build_parser()))
    assert {"saasignal keys create", "saasignal serve", "saasignal worker"} <= set(tree)
    wrong = {name: missing_help(parser) for name, parser in tree.items()}
    assert {name: found for name, found in wrong.items() if found} == {}


def test_the_walk_finds_an_option_without_help() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bare")
    parser.add_argument("--many", action="append", help="more (default: none)")
    parser.add_argument("--quiet", action="store_true", help="say less")
    assert missing_help(parser) == [
        "--bare: no help",
        "--many: it repeats, and does not say so",
        "--quiet: its default is not said",
    ]


def run(*args: str, redis_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_KEY_PREFIX": f"help{uuid.uuid4().hex[:8]}"}
    env.pop("REDIS_URL", None)
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    return subprocess.run([SAASIGNAL, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [[], ["keys"], ["tokens"]])
def test_a_missing_command_exits_non_zero_with_the_help(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"usage: {' '.join(['saasignal', *args])}")
    assert "Traceback" not in result.stderr


def test_keys_create_help_says_a_new_account_starts_at_zero() -> None:
    result = run("keys", "create", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "starts at 0 tokens" in text and "402" in text
    assert "on an existing account adds" in text


def test_keys_create_says_a_new_account_has_no_tokens(redis_server: RedisServer) -> None:
    result = run("keys", "create", "--account", "fresh", redis_url=redis_server.url)
    assert result.returncode == 0, result.stderr
    *lines, secret = result.stdout.splitlines()
    assert secret.startswith("sk_live_")
    (balance,) = [line for line in lines if line.startswith("balance: ")]
    assert balance.startswith("balance: 0 tokens: ")
    assert "402 insufficient_tokens" in balance and "saasignal tokens grant" in balance


def test_tokens_on_an_existing_account_are_added(redis_server: RedisServer) -> None:
    prefix = f"help{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REDIS_URL": redis_server.url, "REDIS_KEY_PREFIX": prefix}

    def create(tokens: str) -> list[str]:
        command = [SAASIGNAL, "keys", "create", "--account", "team", "--tokens", tokens]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    assert "balance: 10 tokens (10 added)" in create("10")
    assert "balance: 15 tokens (5 added)" in create("5")


def test_serve_on_redis_says_how_to_make_a_key_and_to_run_a_worker(
    redis_server: RedisServer,
) -> None:
    with Served(REDIS_URL=redis_server.url, REDIS_KEY_PREFIX="helpserve") as served:
        printed = "\n".join(served.lines)
    assert "saasignal keys create --account" in printed
    assert "saasignal worker" in printed
    assert "export KEY=" not in printed  # no development keys on Redis
    assert printed.count("webhook targets") == 1
