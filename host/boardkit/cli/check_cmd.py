"""`boardkit check PATH`: what a lesson uses that a target lacks, before thirty pupils find out."""

from __future__ import annotations

from pathlib import Path

import click

from boardkit.cli.common import emit_json

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
@click.option("-t", "--target", "targets", multiple=True, metavar="T",
              help="Only these targets; exit 1 if the code cannot run on one of them.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.pass_context
def check(ctx, path, targets, as_json):
    """List, per target, what the code uses that the target lacks."""
    from boardkit.conformance.check import (check_files, load_feature_data, problem_dict, python_files,
                                            resolve_targets)

    data = load_feature_data()
    names = resolve_targets(list(targets), data) if targets else sorted(data)
    files = python_files(path)
    problems = check_files(files, names, data)
    blocking = [p for p in problems if p.certain and targets]
    if as_json:
        emit_json({"files": [str(f) for f in files], "targets": {n: data[n]["description"] for n in names},
                   "problems": [problem_dict(p) for p in problems], "ok": not blocking})
    else:
        for name in names:
            mine = [p for p in problems if p.target == name]
            certain = sum(p.certain for p in mine)
            status = f"{certain} problem(s)" if certain else "ok"
            if len(mine) > certain:
                status += f" ({len(mine) - certain} maybe)"
            click.echo(f"{name} ({data[name]['description']}): {status}")
            for p in mine:
                where = f"{p.path}: " if len(files) > 1 or path.is_dir() else ""
                click.echo(f"  {where}{p.message(data[name]['description'])}")
    ctx.exit(1 if blocking else 0)
