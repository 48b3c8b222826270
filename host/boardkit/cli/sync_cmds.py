"""push and sync: send what changed, atomically and verified."""

from __future__ import annotations

from pathlib import Path

import click

from boardkit import drives, sync
from boardkit.cli.common import Progress, emit_json, open_device
from boardkit.errors import UsageError


def _report(run, as_json: bool, verb: str) -> None:
    """Run `run(progress)` under a progress bar, then print the summary line or JSON."""
    with Progress("", quiet=as_json) as bar:
        result: sync.SyncResult = run(bar.files)
    if as_json:
        emit_json(result.to_dict())
        return
    rate = f", {result.bytes / result.seconds / 1024:.1f} KB/s" if result.seconds > 0 and result.bytes else ""
    click.echo(f"{verb} {result.sent} file(s), {result.bytes} bytes; {result.skipped} unchanged; "
               f"{result.deleted} deleted ({result.seconds:.2f} s{rate})", err=True)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def push(ctx, paths, as_json):
    """Copy FILE... to the board, into REMOTE_DIR (the last argument, if it is not a local file;
    a leading ":" makes it plainly the board's, as in mpremote).

    Files the board already holds with the same content are skipped; each new file is
    written under a temporary name, checked by hash on the board, then moved into place.

    \b
    Examples:
      boardkit push main.py
      boardkit push lib/util.py lib/net.py /lib
      boardkit push main.py :/
    """
    files, remote_dir = sync.push_arguments(paths)
    with open_device(ctx) as device:
        plan = sync.plan_push(device, files, remote_dir)
        _report(lambda progress: sync.apply_push(device, plan, progress=progress), as_json, "pushed")


@click.command("sync")
@click.argument("source")
@click.argument("target", required=False)
@click.option("--pull", is_flag=True, help="Copy the board's SOURCE folder into the local TARGET folder.")
@click.option("--delete", is_flag=True, help="Remove files on the board that the local folder no longer has.")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also ignore these (gitignore syntax).")
@click.option("--drive", type=click.Path(file_okay=False, path_type=Path), metavar="PATH",
              help="Sync to a CircuitPython CIRCUITPY drive (or any folder standing in for one) "
                   "instead of through the REPL.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (or the plan, with --dry-run).")
@click.pass_context
def sync_(ctx, source, target, pull, delete, dry_run, exclude, drive, as_json):
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
      boardkit sync lesson1/ --drive /media/me/CIRCUITPY
    """
    if pull:
        _pull(ctx, source, target, dry_run, as_json)
        return
    root = Path(source)
    files = sync.scan_local(root, list(exclude))
    protected = sync.ignore_matcher(root, list(exclude))
    if drive is not None:
        _sync_drive(files, drive / (target or "").strip("/"), delete, protected, dry_run, as_json)
        return
    with open_device(ctx) as device:
        mounted = drives.find_circuitpy() if device.caps.implementation == "circuitpython" else []
        if len(mounted) != 1:
            plan = sync.plan_push(device, files, target or "/", delete=delete, protected=protected)
            if dry_run:
                _show_rows(plan.describe(), as_json)
                return
            _report(lambda progress: sync.apply_push(device, plan, progress=progress), as_json, "sent")
            return
    # The REPL's view of the filesystem is read-only while the drive is mounted: use the drive.
    click.echo(f"boardkit: note: writing through the CIRCUITPY drive at {mounted[0]}", err=True)
    _sync_drive(files, mounted[0] / (target or "").strip("/"), delete, protected, dry_run, as_json)


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
            _show_rows(rows + [{"action": "same", "path": p} for p in same], as_json)
            return
        root.mkdir(parents=True, exist_ok=True)
        _report(lambda progress: sync.apply_pull(device, fetch, same, progress=progress), as_json, "fetched")


def _sync_drive(files, drive: Path, delete: bool, protected, dry_run: bool, as_json: bool) -> None:
    plan = drives.plan_drive(files, drive, delete=delete, protected=protected)
    if dry_run:
        _show_rows(plan.describe(), as_json)
        return
    _report(lambda progress: drives.apply_drive(plan, drive, progress=progress), as_json, "sent")


def _show_rows(rows: list[dict], as_json: bool) -> None:
    """A dry run's plan: JSON, or one line per action."""
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        size = f" ({row['bytes']} bytes)" if "bytes" in row else ""
        click.echo(f"{row['action']:6} {row['path']}{size}")
