"""push and sync: send what changed, atomically and verified (parse, call boardkit.api, render).

Whether a CircuitPython board is written through its CIRCUITPY drive is boardkit.api's choice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from boardkit import api
from boardkit.cli.common import Progress, emit_json, note, open_device
from boardkit.device import Device
from boardkit.errors import UsageError
from boardkit.sync import SyncProgress, push_arguments


def _report(transfer: Callable[[SyncProgress], api.TransferResult], as_json: bool, verb: str) -> None:
    """Run transfer(progress) under a progress bar, then print the summary line, the plan, or JSON."""
    with Progress("", quiet=as_json) as bar:
        result = transfer(bar.files)
    if result.plan is not None:
        _show_rows(result.plan, as_json)
        return
    if as_json:
        emit_json(result.to_dict())
        return
    rate = f", {result.bytes / result.seconds / 1024:.1f} KB/s" if result.seconds > 0 and result.bytes else ""
    click.echo(
        f"{verb} {result.sent} file(s), {result.bytes} bytes; {result.skipped} unchanged; "
        f"{result.deleted} deleted ({result.seconds:.2f} s{rate})",
        err=True,
    )


COMPILE_HELP = (
    "Send each module x.py as x.mpy compiled for the board's MicroPython (mpy-cross); "
    "main.py and boot.py stay .py. The .py files here stay the source."
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--compile", "compile_", is_flag=True, help=COMPILE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.option("--no-compress", is_flag=True, help="Send files as they are, never deflate-compressed.")
@click.pass_context
def push(ctx: click.Context, paths: tuple[str, ...], compile_: bool, as_json: bool, no_compress: bool) -> None:
    """Copy FILE... to the board, into REMOTE_DIR (the last argument, if it is not a local file;
    a leading ":" makes it plainly the board's, as in mpremote).

    Files the board already holds with the same content are skipped; each new file is
    written under a temporary name, checked by hash on the board, then moved into place.

    \b
    Examples:
      boardkit push main.py
      boardkit push lib/util.py lib/net.py /lib
      boardkit push main.py :/
      boardkit push --compile lib/util.py /lib   # as /lib/util.mpy
      boardkit push photo.jpg --no-compress
    """
    files, remote_dir = push_arguments(list(paths))
    api.check_local_push([f.path for f in files])  # local problems are said before connecting
    with open_device(ctx) as device:
        _report(
            lambda progress: api.push(
                device,
                [f.path for f in files],
                remote_dir,
                compile=compile_,
                progress=progress,
                on_note=note,
                compress=not no_compress,
            ),
            as_json,
            "pushed",
        )


@click.command("sync")
@click.argument("source")
@click.argument("target", required=False)
@click.option("--pull", is_flag=True, help="Copy the board's SOURCE folder into the local TARGET folder.")
@click.option("--delete", is_flag=True, help="Remove files on the board that the local folder no longer has.")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--compile", "compile_", is_flag=True, help=COMPILE_HELP)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also ignore these (gitignore syntax).")
@click.option(
    "--drive",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="PATH",
    help="Sync to a CircuitPython CIRCUITPY drive (or any folder standing in for one) instead of through the REPL.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (or the plan, with --dry-run).")
@click.option("--no-compress", is_flag=True, help="Send files as they are, never deflate-compressed.")
@click.pass_context
def sync_(
    ctx: click.Context,
    source: str,
    target: str | None,
    pull: bool,
    delete: bool,
    dry_run: bool,
    compile_: bool,
    exclude: tuple[str, ...],
    drive: Path | None,
    as_json: bool,
    no_compress: bool,
) -> None:
    """Make the board's folder match LOCAL_DIR (SOURCE), or with --pull copy a board folder here.

    Only what differs is sent: one round trip asks the board for the size and hash of
    everything it holds. .boardkitignore (gitignore syntax) and --exclude leave files out;
    .git, __pycache__, *.pyc and .DS_Store are always left out. A CircuitPython board whose
    CIRCUITPY drive is mounted is written through the drive.

    \b
    Examples:
      boardkit sync lesson1/                 # lesson1/ -> the board's top folder
      boardkit sync src/ /app --delete       # and remove what src/ no longer has
      boardkit sync src/ --dry-run
      boardkit sync src/ --compile           # modules as .mpy: smaller, faster to import
      boardkit sync --pull / backup/         # the board's files -> backup/
      boardkit sync lesson1/ --drive /media/me/CIRCUITPY
      boardkit sync src/ /app --no-compress  # send files as they are
    """
    if pull:
        if compile_:
            raise UsageError("--compile is for sending files, not --pull", hint="drop --compile")
        if not target:
            raise UsageError("--pull needs a local folder", hint="boardkit sync --pull / backup/")
        api.check_local_pull(Path(target))
        with open_device(ctx) as device:
            _report(
                lambda progress: api.pull(device, source, Path(target), dry_run=dry_run, progress=progress),
                as_json,
                "fetched",
            )
        return
    if compile_ and drive is not None:
        raise UsageError("--compile makes MicroPython .mpy files; --drive is CircuitPython's", hint="drop --compile")
    remote_dir = target or "/"
    api.check_local_sync(Path(source), list(exclude))  # local problems are said before connecting

    def carry_out(device: Device | None, progress: SyncProgress) -> api.TransferResult:
        return api.sync(
            device,
            Path(source),
            remote_dir,
            delete=delete,
            excludes=list(exclude),
            drive=drive,
            dry_run=dry_run,
            compile=compile_,
            progress=progress,
            on_note=note,
            compress=not no_compress,
        )

    if drive is not None:  # a folder standing in for the drive: no board needed
        _report(lambda progress: carry_out(None, progress), as_json, "sent")
        return
    with open_device(ctx) as device:
        _report(lambda progress: carry_out(device, progress), as_json, "sent")


def _show_rows(rows: list[dict[str, Any]], as_json: bool) -> None:
    """A dry run's plan: JSON, or one line per action."""
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        size = f" ({row['bytes']} bytes)" if "bytes" in row else ""
        path = f"{row['from']} -> {row['path']}" if "from" in row else row["path"]
        why = f" (replaced by {row['replaced_by']})" if "replaced_by" in row else ""
        click.echo(f"{row['action']:6} {path}{size}{why}")
