"""`boardkit check PATH`: what a lesson uses that a target lacks, before thirty pupils find out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from boardkit.cli.common import emit_json

if TYPE_CHECKING:
    from boardkit.api.testing import CheckReport

EPILOG = """\b
Examples:
  boardkit check lesson1/                   # every known target
  boardkit check blink.py --target microbit # exit 1 if it cannot run there
  boardkit check lesson1/ --json
Targets come from the last `boardkit test --matrix` run (cpython, wasm, browser,
microbit). "maybe" lines depend on a type the code does not show (s[::-1]
fails on a str but works on a list); they never change the exit status.
"""


@click.command(epilog=EPILOG)
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "-t",
    "--target",
    "targets",
    multiple=True,
    metavar="T",
    help="Only these targets; exit 1 if the code cannot run on one of them.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.pass_context
def check(ctx: click.Context, path: Path, targets: tuple[str, ...], as_json: bool) -> None:
    """List, per target, what the code uses that the target lacks."""
    from boardkit.api.testing import check as check_code

    report = check_code(path, list(targets))
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_report(report, several_files=len(report.files) > 1 or path.is_dir())
    ctx.exit(0 if report.ok else 1)


def _print_report(report: CheckReport, several_files: bool) -> None:
    for name, description in report.targets.items():
        mine = report.on(name)
        certain = sum(p.certain for p in mine)
        status = f"{certain} problem(s)" if certain else "ok"
        if len(mine) > certain:
            status += f" ({len(mine) - certain} maybe)"
        click.echo(f"{name} ({description}): {status}")
        for p in mine:
            where = f"{p.path}: " if several_files else ""
            click.echo(f"  {where}{p.message(description)}")
