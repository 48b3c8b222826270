"""File commands: ls, cat, put, get, rm, mkdir."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from boardkit.cli.common import Progress, emit_json, human_size, open_device
from boardkit.errors import UsageError


@click.command()
@click.argument("path", default="/")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def ls(ctx, path, as_json):
    """List files on the board (PATH defaults to the top folder).

    \b
    Examples:
      boardkit ls
      boardkit ls /lib --json
    """
    with open_device(ctx) as device:
        entries = device.listdir(path)
    if as_json:
        emit_json([{"name": e.name, "path": e.path, "size": None if e.is_dir else e.size,
                    "type": "dir" if e.is_dir else "file"} for e in entries])
        return
    if not entries:
        click.echo(f"{path}: empty", err=True)  # stderr: a script reading stdout sees no names
    for e in entries:
        size = "<dir>" if e.is_dir else human_size(e.size)
        click.echo(f"{size:>10}  {e.name}{'/' if e.is_dir else ''}")


@click.command()
@click.argument("path")
@click.pass_context
def cat(ctx, path):
    """Print a file from the board.

    \b
    Example:
      boardkit cat main.py
    """
    with open_device(ctx) as device, Progress(f"reading {path}") as progress:
        data = device.read_file(path, progress=progress)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


@click.command()
@click.argument("local", type=click.Path(path_type=Path))
@click.argument("remote", required=False)
@click.pass_context
def put(ctx, local: Path, remote: str | None):
    """Copy a LOCAL file to the board (as REMOTE; default: same name, top folder).

    The file is written under a temporary name and renamed into place when it is
    complete, so a cut cable never leaves half a main.py (where the board can rename).

    \b
    Examples:
      boardkit put main.py
      boardkit put lib/helpers.py /lib/helpers.py
    """
    data = _read_local(local)
    with open_device(ctx) as device:
        target = remote or local.name
        if target.endswith("/") or (remote and device.caps.has_folders and _is_dir(device, target)):
            target = target.rstrip("/") + "/" + local.name
        with Progress(f"sending {local.name}") as progress:
            device.write_file(target, data, progress=progress)
    click.echo(f"{local} -> {target} ({len(data)} bytes)", err=True)


def _is_dir(device, path: str) -> bool:
    found = device.stat(path)
    return bool(found and found[0] == "d")


def _read_local(local: Path) -> bytes:
    try:
        return local.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {local}") from None
    except IsADirectoryError:
        raise UsageError(f"{local} is a folder", hint="copy files one at a time (folders: `boardkit sync`)") from None
    except OSError as exc:
        raise UsageError(f"cannot read {local}: {exc.strerror}") from None


@click.command()
@click.argument("remote")
@click.argument("local", required=False, type=click.Path(path_type=Path))
@click.pass_context
def get(ctx, remote: str, local: Path | None):
    """Copy a REMOTE file from the board to LOCAL (default: same name, here).

    \b
    Examples:
      boardkit get main.py
      boardkit get /data/log.csv logs/
    """
    name = remote.rstrip("/").rsplit("/", 1)[-1]
    target = local or Path(name)
    if target.is_dir():
        target = target / name
    if not target.parent.exists():
        raise UsageError(f"no such folder: {target.parent}")
    with open_device(ctx) as device, Progress(f"reading {remote}") as progress:
        data = device.read_file(remote, progress=progress)
    # Write beside the target and rename: an interrupted copy never clobbers a good file.
    tmp = target.with_name(f".{target.name}.bktmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    click.echo(f"{remote} -> {target} ({len(data)} bytes)", err=True)


@click.command()
@click.argument("source")
@click.argument("dest")
@click.pass_context
def cp(ctx, source: str, dest: str):
    """Copy SOURCE to DEST, one of them on the board, marked with ':' (mpremote's spelling).

    \b
    Examples:
      boardkit cp main.py :            # to /main.py on the board
      boardkit cp util.py :lib/        # into a board folder
      boardkit cp :data.csv .          # from the board, here
    """
    on_board = [side.startswith(":") for side in (source, dest)]
    if on_board == [False, True]:
        ctx.invoke(put, local=Path(source), remote=dest[1:] or None)
    elif on_board == [True, False]:
        ctx.invoke(get, remote=source[1:], local=Path(dest))
    else:
        raise UsageError(f"cp {source} {dest}: mark exactly one side as the board's with ':'",
                         hint="e.g. `boardkit cp main.py :main.py` or `boardkit cp :main.py .`")


@click.command()
@click.argument("paths", metavar="PATH...", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Also remove folders and everything in them.")
@click.pass_context
def rm(ctx, paths, recursive):
    """Remove files (or empty folders) on the board; -r removes whole folders.

    \b
    Examples:
      boardkit rm old.py
      boardkit rm a.py b.py
      boardkit rm -r lib
    """
    with open_device(ctx) as device:
        for path in paths:
            device.remove(path, recursive=recursive)


@click.command()
@click.argument("path")
@click.pass_context
def mkdir(ctx, path):
    """Make a folder on the board (boards with a flat filesystem, like the micro:bit, have none).

    \b
    Example:
      boardkit mkdir /lib
    """
    with open_device(ctx) as device:
        device.mkdir(path)
