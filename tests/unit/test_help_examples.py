"""Every command and group's --help ends with examples (the house rule for output people expect)."""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner

from boardkit.cli.main import cli


def _commands(command: click.Command, path: list[str]) -> Iterator[list[str]]:
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=" ".join(path) or "boardkit")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _commands(sub, [*path, name])


def test_every_command_and_group_shows_examples() -> None:
    runner = CliRunner()
    missing = []
    paths = list(_commands(cli, []))
    for path in paths:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        if "Example" not in result.output:  # "Example:" or "Examples:"
            missing.append(" ".join(path) or "boardkit")
    assert len(paths) > 40
    assert missing == []
