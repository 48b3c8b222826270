"""`boardkit doctor`: a thin wrapper over boardkit.doctor (what is present, what is missing)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from boardkit.doctor import Check

WIDTH = 80  # the table fits a default terminal
NAME_WIDTH = 19
STATUS_WIDTH = 8


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(checks: list[Check]) -> list[str]:
    """The table (one line per check, at most WIDTH columns), then one "fix" line per problem."""
    detail_width = WIDTH - 2 - STATUS_WIDTH - NAME_WIDTH
    lines = []
    for check in checks:
        status = "ok" if check.ok else "missing"
        lines.append(f"  {status:<{STATUS_WIDTH}}{check.name:<{NAME_WIDTH}}{_clip(check.detail, detail_width)}")
    problems = [check for check in checks if not check.ok and check.fix]
    if problems:
        lines += ["", "To fix (each is needed only for what it names):"]
        for check in problems:
            lines.append(f"  {check.name}: needed for {check.needed_for}" if check.needed_for else f"  {check.name}:")
            lines.append(f"    {check.fix}")
    return lines


@click.command()
@click.option(
    "--install",
    is_flag=True,
    help="Install what boardkit can install itself (the pinned MicroPython WebAssembly runtime, with npm).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as a JSON list.")
def doctor(install: bool, as_json: bool) -> None:
    """Show what boardkit needs on this computer: what is present, what is missing, how to fix it.

    Debian packages (QEMU, the micro:bit firmware, Chromium) are never installed for you:
    the list ends with the exact command to run. The WebAssembly runtime is installed on first
    use anyway; --install does it now.

    \b
    Examples:
      boardkit doctor
      boardkit doctor --install
      boardkit doctor --json | jq '.[] | select(.ok | not) | .fix'
    """
    from boardkit import doctor as diagnosis

    if install:
        from boardkit.cli.common import InstallNotes

        with InstallNotes(quiet=as_json) as notes:
            checks = diagnosis.install_missing(progress=notes)
    else:
        checks = diagnosis.diagnose()
    if as_json:
        click.echo(json.dumps([check.to_dict() for check in checks], indent=2))
        return
    for line in render(checks):
        click.echo(line)
