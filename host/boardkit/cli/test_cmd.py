"""`boardkit test`: the conformance suite on CPython, the WebAssembly build, the browser, boards."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from boardkit.cli.common import InstallNotes, credentials, emit_json, options

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from boardkit.api.testing import SuiteReport
    from boardkit.conformance.runner import Result
    from boardkit.conformance.targets import Credentials, Target

EPILOG = """\b
Targets: cpython, wasm (the npm WebAssembly build under node), browser (the
same build in headless Chromium), microbit (the QEMU micro:bit), or a port URL /
virtual board name (/dev/ttyACM0, socket://host:port, ws://host:8266, ...).
Default: the board given with -p, else cpython and wasm.

\b
Examples:
  boardkit test                                 # cpython and wasm
  boardkit test -t microbit -k strings          # string tests on the micro:bit
  boardkit -p /dev/ttyACM0 test                 # a real board
  boardkit test -t cpython -t wasm -t browser -t microbit --json
  boardkit test --matrix                        # all four; writes docs/conformance.md
"""


@click.command(epilog=EPILOG)
@click.option("-t", "--target", "targets", multiple=True, metavar="T", help="Where to run (repeatable).")
@click.option(
    "-k",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Only tests whose id (area/name) contains PATTERN or matches the glob.",
)
@click.option(
    "--matrix", is_flag=True, help="Probe every feature and write docs/conformance.md (default targets: all four)."
)
@click.option(
    "--test-timeout", type=float, default=10.0, show_default=True, metavar="S", help="Seconds one test may run."
)
@click.option("-v", "--verbose", is_flag=True, help="List every test's result.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def test(
    ctx: click.Context,
    targets: tuple[str, ...],
    patterns: tuple[str, ...],
    matrix: bool,
    test_timeout: float,
    verbose: bool,
    as_json: bool,
) -> None:
    """Run the conformance suite: pass / fail / unsupported per target, a diff per failure."""
    from boardkit.api.testing import run_suite

    port = options(ctx).get("port")
    names = list(targets) or ([port] if port and not matrix else [])
    progress = _TestProgress(quiet=as_json)
    notes = InstallNotes(quiet=as_json)  # a target's runtime installed on first use (npm ci)

    def starting(name: str) -> None:
        notes.stop()  # the install is over: its spinner gives way to the test bars
        progress.note(f"starting {name}")

    try:
        report = run_suite(
            names,
            pattern=patterns,
            matrix=matrix,
            timeout=test_timeout,
            credentials=_credentials(ctx),
            on_result=progress.result,
            on_target=progress.target,
            on_open=starting,
            on_note=notes,
        )
    finally:
        notes.stop()
        progress.close()
    if report.written and not as_json:
        click.echo(f"wrote {', '.join(str(p) for p in report.written)}", err=True)
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_report(report, verbose)
    ctx.exit(1 if report.failed else 0)


def _credentials(ctx: click.Context) -> Credentials | None:
    """The CLI's WebREPL password provider (asked only when a board asks; -t ws://... too)."""
    return credentials(ctx)


class _TestProgress:
    """One bar per target (tests done / total), on stderr, only on a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def _ensure(self) -> Progress | None:
        if self._bar is None and not self.quiet:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
        return self._bar

    def note(self, text: str) -> None:
        bar = self._ensure()
        if bar is not None:
            bar.console.print(f"[dim]{text}[/dim]")

    def target(self, target: Target, total: int) -> None:
        bar = self._ensure()
        if bar is not None:
            self._task = bar.add_task(target.name, total=total)

    def result(self, result: Result) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_report(report: SuiteReport, verbose: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for r in report.results:
        if r.status in ("fail", "error"):
            console.print(f"[bold red]{r.status.upper()}[/] {r.target}: {r.test}")
            console.print(r.detail, markup=False, highlight=False)
        elif verbose:
            console.print(
                f"{r.status:<11} {r.target}: {r.test}" + (f" ({r.detail})" if r.detail else ""),
                markup=False,
                highlight=False,
            )
    table = Table(title="conformance")
    for column in ("target", "implementation", "pass", "fail", "unsupported", "error", "time"):
        table.add_column(column, justify="right" if column not in ("target", "implementation") else "left")
    for t in report.targets:
        c = report.counts(t.name)
        table.add_row(
            t.name,
            t.description,
            str(c["pass"]),
            _red(c["fail"]),
            str(c["unsupported"]),
            _red(c["error"]),
            f"{t.seconds:.1f} s",
        )
    console.print(table)


def _red(n: int) -> str:
    return f"[red]{n}[/red]" if n else "0"
