"""How a fleet command looks while it runs and when it is done: a live view of every seat,
then each board's output and a summary table (the fleet commands in fleet_cmds.py render
through these)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from boardkit.fleet import FleetReport


def print_outputs(report: FleetReport) -> None:
    for result in report.results:
        text = result.data.get("output", "")
        trace = result.data.get("traceback", "")
        if not text and not trace:
            continue
        click.echo(f"── {result.seat} " + "─" * max(2, 40 - len(result.seat)))
        if text:
            click.echo(text.rstrip("\n"))
        if trace:
            click.echo(trace.rstrip("\n"))


def print_summary(report: FleetReport) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"fleet {report.command}: {len(report.results)} seat(s) in {report.seconds:.1f} s", title_justify="left"
    )
    table.add_column("seat", style="bold")
    table.add_column("result")
    table.add_column("time", justify="right")
    table.add_column("details", overflow="fold")
    for r in report.results:
        detail = r.summary if r.ok else r.error + (f" — {r.hint}" if r.hint else "")
        table.add_row(r.seat, "[green]ok[/]" if r.ok else "[red]FAILED[/]", f"{r.seconds:.1f} s", detail)
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    failed = report.failed
    if failed:
        click.echo(
            f"boardkit: {len(failed)} of {len(report.results)} failed: {', '.join(failed)} — "
            f"fix them and run again with --retry-failed",
            err=True,
        )


class FleetView:
    """One live line per board on stderr (only on a terminal): state, what it is doing, a bar."""

    def __init__(self, title: str, seats: list[str], quiet: bool = False) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.title = title
        self.seats = seats
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> FleetView:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(
                TextColumn("{task.fields[seat]:<14}", style="bold"),
                TextColumn("{task.fields[mark]}"),
                BarColumn(bar_width=24),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
                refresh_per_second=8,
            )
            self._progress = progress
            progress.start()
            for seat in self.seats:
                self._task(progress, seat)
        return self

    def _task(self, progress: Progress, seat: str) -> TaskID:
        if seat not in self._tasks:
            self._tasks[seat] = progress.add_task("waiting", total=None, seat=seat[:14], mark="·")
        return self._tasks[seat]

    def update(self, seat: str, state: str, text: str, done: int | None, total: int | None) -> None:
        progress = self._progress
        if progress is None:
            return
        task = self._task(progress, seat)
        marks = {"waiting": "·", "working": "[yellow]…[/]", "ok": "[green]✓[/]", "failed": "[red]✗[/]"}
        fields: dict[str, Any] = {"description": text[:60], "mark": marks.get(state, "")}
        if done is not None and total:
            fields.update(completed=done, total=total)
        elif state in ("ok", "failed"):
            fields.update(completed=1, total=1)
        progress.update(task, **fields)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
