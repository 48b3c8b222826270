"""File commands: ls, cat, put, get, cp, rm, mkdir (each: parse, call boardkit.api, render)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from boardkit import api
from boardkit.cli.common import Progress, emit_json, human_size, open_device


@click.command()
@click.argument("path", default="/")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("-a", "--all", "show_all", is_flag=True, help="Also show /.boardkit (helpers boardkit keeps there).")
@click.pass_context
def ls(ctx: click.Context, path: str, as_json: bool, show_all: bool) -> None:
    """List files on the board (PATH defaults to the top folder).

    \b
    Examples:
      boardkit ls
      boardkit ls /lib --json
      boardkit ls -a                 # with /.boardkit, boardkit's helpers
    """
    with open_device(ctx) as device:
        entries = api.ls(device, path, show_all=show_all)
    if as_json:
        emit_json([api.entry_dict(e) for e in entries])
        return
    if not entries:
        click.echo(f"{path}: empty", err=True)  # stderr: a script reading stdout sees no names
    for e in entries:
        size = "<dir>" if e.is_dir else human_size(e.size)
        click.echo(f"{size:>10}  {e.name}{'/' if e.is_dir else ''}")


@click.command()
@click.argument("path")
@click.pass_context
def cat(ctx: click.Context, path: str) -> None:
    """Print a file from the board.

    \b
    Example:
      boardkit cat main.py
    """
    with open_device(ctx) as device, Progress(f"reading {path}") as progress:
        data = api.cat(device, path, progress=progress)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


@click.command()
@click.argument("local", type=click.Path(path_type=Path))
@click.argument("remote", required=False)
@click.pass_context
def put(ctx: click.Context, local: Path, remote: str | None) -> None:
    """Copy a LOCAL file to the board (as REMOTE; default: same name, top folder).

    The file is written under a temporary name and renamed into place when it is
    complete, so a cut cable never leaves half a main.py (where the board can rename).

    \b
    Examples:
      boardkit put main.py
      boardkit put lib/helpers.py /lib/helpers.py
    """
    api.check_local_put(local)  # a mistyped name is said before connecting
    with open_device(ctx) as device, Progress(f"sending {local.name}") as progress:
        done = api.put(device, local, remote, progress=progress)
    click.echo(f"{local} -> {done.target} ({done.bytes} bytes)", err=True)


@click.command()
@click.argument("remote")
@click.argument("local", required=False, type=click.Path(path_type=Path))
@click.pass_context
def get(ctx: click.Context, remote: str, local: Path | None) -> None:
    """Copy a REMOTE file from the board to LOCAL (default: same name, here).

    \b
    Examples:
      boardkit get main.py
      boardkit get /data/log.csv logs/
    """
    api.check_local_get(remote, local)  # a missing output folder is said before connecting
    with open_device(ctx) as device, Progress(f"reading {remote}") as progress:
        done = api.get(device, remote, local, progress=progress)
    click.echo(f"{remote} -> {done.target} ({done.bytes} bytes)", err=True)


@click.command()
@click.argument("source")
@click.argument("dest")
@click.pass_context
def cp(ctx: click.Context, source: str, dest: str) -> None:
    """Copy SOURCE to DEST, one of them on the board, marked with ':' (mpremote's spelling).

    \b
    Examples:
      boardkit cp main.py :            # to /main.py on the board
      boardkit cp util.py :lib/        # into a board folder
      boardkit cp :data.csv .          # from the board, here
    """
    api.check_local_cp(source, dest)  # a wrong spelling or a local file problem is said before connecting
    with open_device(ctx) as device, Progress(f"copying {source}") as progress:
        done = api.cp(device, source, dest, progress=progress)
    click.echo(f"{done.source} -> {done.target} ({done.bytes} bytes)", err=True)


@click.command()
@click.argument("paths", metavar="PATH...", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Also remove folders and everything in them.")
@click.pass_context
def rm(ctx: click.Context, paths: tuple[str, ...], recursive: bool) -> None:
    """Remove files (or empty folders) on the board; -r removes whole folders.

    \b
    Examples:
      boardkit rm old.py
      boardkit rm a.py b.py
      boardkit rm -r lib
    """
    with open_device(ctx) as device:
        api.rm(device, paths, recursive=recursive)


@click.command()
@click.argument("path")
@click.pass_context
def mkdir(ctx: click.Context, path: str) -> None:
    """Make a folder on the board (boards with a flat filesystem, like the micro:bit, have none).

    \b
    Example:
      boardkit mkdir /lib
    """
    with open_device(ctx) as device:
        api.mkdir(device, path)
