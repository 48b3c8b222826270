"""push and sync: send what changed, atomically and verified."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from boardkit import sync
from boardkit.cli.common import emit_json, open_device
from boardkit.errors import UsageError


class SyncProgressBar:
    """Files and bytes with a rate, on stderr, once the job has taken over a second."""

    def __init__(self, quiet: bool):
        import time
        self._start = time.monotonic()
        self._clock = time.monotonic
        self.quiet = quiet or not sys.stderr.isatty()
        self._bar = None

    def __call__(self, files_done: int, files_total: int, done: int, total: int) -> None:
        if self.quiet or (self._bar is None and self._clock() - self._start < 1.0):
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=total)
        self._bar.update(self._task, completed=done, total=total,
                         description=f"file {min(files_done + 1, files_total)}/{files_total}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _summary(result: sync.SyncResult, verb: str) -> str:
    rate = f", {result.bytes / result.seconds / 1024:.1f} KB/s" if result.seconds > 0 and result.bytes else ""
    return (f"{verb} {result.sent} file(s), {result.bytes} bytes; {result.skipped} unchanged; "
            f"{result.deleted} deleted ({result.seconds:.2f} s{rate})")


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def push(ctx, paths, as_json):
    """Copy FILE... to the board, into REMOTE_DIR (the last argument, if it is not a local file).

    Files the board already holds with the same content are skipped; each new file is
    written under a temporary name, checked by hash on the board, then moved into place.

    \b
    Examples:
      boardkit push main.py
      boardkit push lib/util.py lib/net.py /lib
    """
    names = list(paths)
    remote_dir = "/"
    if len(names) > 1 and not Path(names[-1]).exists():
        remote_dir = names.pop()
    files = []
    for name in names:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"no such file: {name}" if not path.exists() else f"{name} is a folder",
                             hint="push sends files; use `boardkit sync FOLDER` for a folder")
        files.append(sync.LocalFile(path.name, path, path.stat().st_size))
    with open_device(ctx) as device:
        plan = sync.plan_push(device, files, remote_dir)
        bar = SyncProgressBar(as_json)
        try:
            result = sync.apply_push(device, plan, progress=bar)
        finally:
            bar.close()
    if as_json:
        emit_json(result.to_dict())
    else:
        click.echo(_summary(result, "pushed"), err=True)


@click.command("sync")
@click.argument("source")
@click.argument("target", required=False)
@click.option("--pull", is_flag=True, help="Copy the board's SOURCE folder into the local TARGET folder.")
@click.option("--delete", is_flag=True, help="Remove files on the board that the local folder no longer has.")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also ignore these (gitignore syntax).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (or the plan, with --dry-run).")
@click.pass_context
def sync_(ctx, source, target, pull, delete, dry_run, exclude, as_json):
    """Make the board's folder match LOCAL_DIR (SOURCE), or with --pull copy a board folder here.

    Only what differs is sent: one round trip asks the board for the size and hash of
    everything it holds. .boardkitignore (gitignore syntax) and --exclude leave files out;
    .git, __pycache__, *.pyc and .DS_Store are always left out.

    \b
    Examples:
      boardkit sync lesson1/                 # lesson1/ -> the board's top folder
      boardkit sync src/ /app --delete       # and remove what src/ no longer has
      boardkit sync src/ --dry-run
      boardkit sync --pull / backup/         # the board's files -> backup/
    """
    if pull:
        _pull(ctx, source, target, dry_run, as_json)
        return
    root = Path(source)
    files = sync.scan_local(root, list(exclude))
    protected = sync.ignore_matcher(root, list(exclude))
    with open_device(ctx) as device:
        plan = sync.plan_push(device, files, target or "/", delete=delete, protected=protected)
        if dry_run:
            _show_plan(plan, as_json)
            return
        bar = SyncProgressBar(as_json)
        try:
            result = sync.apply_push(device, plan, progress=bar)
        finally:
            bar.close()
    if as_json:
        emit_json(result.to_dict())
    else:
        click.echo(_summary(result, "sent"), err=True)


def _pull(ctx, remote_dir: str, local: str | None, dry_run: bool, as_json: bool) -> None:
    if not local:
        raise UsageError("--pull needs a local folder", hint="boardkit sync --pull / backup/")
    root = Path(local)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    with open_device(ctx) as device:
        fetch, same = sync.plan_pull(device, remote_dir, root)
        if dry_run:
            rows = [{"action": "fetch", "path": e.path, "to": str(t), "bytes": e.size} for e, t in fetch]
            rows += [{"action": "same", "path": p} for p in same]
            emit_json(rows) if as_json else [click.echo(f"{r['action']:6} {r['path']}") for r in rows]
            return
        root.mkdir(parents=True, exist_ok=True)
        bar = SyncProgressBar(as_json)
        try:
            result = sync.apply_pull(device, fetch, same, progress=bar)
        finally:
            bar.close()
    if as_json:
        emit_json(result.to_dict())
    else:
        click.echo(_summary(result, "fetched"), err=True)


def _show_plan(plan: sync.SyncPlan, as_json: bool) -> None:
    rows = plan.describe()
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        size = f" ({row['bytes']} bytes)" if "bytes" in row else ""
        click.echo(f"{row['action']:6} {row['path']}{size}")
