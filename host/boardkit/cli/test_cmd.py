"""`boardkit test`: the conformance suite, or a user's own tests (`boardkit test PATH...`), on
CPython, the WebAssembly build, the browser, boards; JUnit XML and GitHub annotations for CI."""

from __future__ import annotations

import os
import sys
from pathlib import Path
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

With PATHs, runs your own tests (the .py files in those files and folders)
instead of boardkit's conformance suite: a test prints (expected output from
NAME.py.exp / NAME.exp, else CPython's) or uses unittest. See docs/testing.md.

\b
Examples:
  boardkit test tests/ -t wasm -t cpython --junit-xml report.xml
  boardkit test mytests/ -t microbit -v         # your tests on the emulated micro:bit
  boardkit test                                 # cpython and wasm
  boardkit test -t microbit -k strings          # string tests on the micro:bit
  boardkit -p /dev/ttyACM0 test                 # a real board
  boardkit test -t cpython -t wasm -t browser -t microbit --json
  boardkit test --matrix                        # all four; writes docs/conformance.md
"""


@click.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("-t", "--target", "targets", multiple=True, metavar="T", help="Where to run (repeatable).")
@click.option(
    "-k",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Only tests whose id (area/name, or your test's path) contains PATTERN or matches the glob.",
)
@click.option(
    "--matrix", is_flag=True, help="Probe every feature and write docs/conformance.md (default targets: all four)."
)
@click.option(
    "--test-timeout", type=float, default=10.0, show_default=True, metavar="S", help="Seconds one test may run."
)
@click.option("-v", "--verbose", is_flag=True, help="List every test's result.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--junit-xml", type=click.Path(path_type=Path), metavar="FILE", help="Write JUnit XML (a suite per target)."
)
@click.option(
    "--github-annotations/--no-github-annotations",
    default=None,
    help="Print GitHub Actions ::error annotations for failures (default: on when GITHUB_ACTIONS=true).",
)
@click.pass_context
def test(
    ctx: click.Context,
    paths: tuple[Path, ...],
    targets: tuple[str, ...],
    patterns: tuple[str, ...],
    matrix: bool,
    test_timeout: float,
    verbose: bool,
    as_json: bool,
    junit_xml: Path | None,
    github_annotations: bool | None,
) -> None:
    """Run your tests (PATH...) or the conformance suite: pass / fail / unsupported per target."""
    from boardkit.api.testing import run_suite, run_tests
    from boardkit.errors import UsageError

    if paths and matrix:
        raise UsageError("--matrix runs the conformance suite, not your tests", hint="drop --matrix or the paths")
    if junit_xml is not None and junit_xml.is_dir():
        raise UsageError(f"--junit-xml {junit_xml} is a folder", hint="name a file, e.g. --junit-xml report.xml")
    if junit_xml is not None and not junit_xml.absolute().parent.is_dir():
        raise UsageError(f"--junit-xml {junit_xml}: no folder {junit_xml.parent}", hint="create it first")
    port = options(ctx).get("port")
    names = list(targets) or ([port] if port and not matrix else [])
    progress = _TestProgress(quiet=as_json)
    notes = InstallNotes(quiet=as_json)  # a target's runtime installed on first use (npm ci)

    def starting(name: str) -> None:
        notes.stop()  # the install is over: its spinner gives way to the test bars
        progress.note(f"starting {name}")

    common = {
        "pattern": patterns,
        "timeout": test_timeout,
        "credentials": _credentials(ctx),
        "on_result": progress.result,
        "on_target": progress.target,
        "on_open": starting,
        "on_note": notes,
    }
    try:
        if paths:
            report = run_tests(paths, names, **common)  # type: ignore[arg-type]
        else:
            report = run_suite(names, matrix=matrix, **common)  # type: ignore[arg-type]
    finally:
        notes.stop()
        progress.close()
    if report.written and not as_json:
        click.echo(f"wrote {', '.join(str(p) for p in report.written)}", err=True)
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_report(report, verbose, "tests" if paths else "conformance")
    _ci_outputs(report, junit_xml, github_annotations, as_json)
    ctx.exit(1 if report.failed else 0)


def _ci_outputs(report: SuiteReport, junit_xml: Path | None, annotations: bool | None, as_json: bool) -> None:
    """The JUnit file, GitHub annotations and the GitHub step summary, as asked."""
    from boardkit.api.testing import github_annotations
    from boardkit.api.testing import junit_xml as junit_text
    from boardkit.conformance.ci_reports import markdown_summary

    if junit_xml is not None:
        _write_text(junit_xml, junit_text(report))
    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    if annotations if annotations is not None else on_github:
        for line in github_annotations(report):
            click.echo(line, err=as_json)  # stdout, unless it holds the JSON
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if on_github and summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(markdown_summary(report))
        except OSError:
            pass  # the summary is a nicety; the annotations and the exit status carry the result


def _write_text(path: Path, text: str) -> None:
    from boardkit.errors import InvalidInput

    # Beside it, then renamed: a half-written report never replaces a whole one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder exists") from None


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


def _print_report(report: SuiteReport, verbose: bool, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for r in report.results:
        if r.status in ("fail", "error"):
            console.print(f"[bold red]{r.status.upper()}[/] {r.target}: {r.test}")
            console.print(r.detail, markup=False, highlight=False, soft_wrap=True)
        elif verbose:
            console.print(
                f"{r.status:<11} {r.target}: {r.test}" + (f" ({r.detail})" if r.detail else ""),
                markup=False,
                highlight=False,
            )
    table = Table(title=title)
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
