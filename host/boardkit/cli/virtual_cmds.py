"""`boardkit virtual start|list|stop|reset`: thin wrappers over boardkit.virtual."""

from __future__ import annotations

import json
from pathlib import Path

import click

import boardkit.virtual as vb
from boardkit.errors import UsageError, VirtualBoardError


def _uptime(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@click.group(
    epilog="""\b
Examples:
  boardkit virtual start wasm                  a WebAssembly MicroPython board (wasm1)
  boardkit virtual start microbit --baud 115200
  boardkit virtual list
  boardkit -p wasm1 exec "print(1 + 1)"
  boardkit virtual stop --all
"""
)
def virtual() -> None:
    """Start, list and stop virtual boards: real MicroPython behind a pty, no hardware."""


@virtual.command(
    epilog="""\b
Examples:
  boardkit virtual start wasm
  boardkit virtual start wasm --name lab-a
  boardkit virtual start microbit --baud 115200 --json
  boardkit virtual start microbit --image lesson3.hex     # boots that hex, its files inside
  boardkit virtual start wasm --name lab --image kit.zip  # lab's files become the zip's
  boardkit virtual start wasm --files lesson3/            # ... or a folder's
  boardkit virtual start wasm --flash-size 64K            # a small filesystem (default 2M)
  WEBREPL_PW=secret boardkit virtual start wasm --webrepl 8266 --password-env WEBREPL_PW
"""
)
@click.argument("kind", type=click.Choice(vb.kind_names()))
@click.option(
    "--name", help="Board name (default: first free KIND1, KIND2, ...). Files of a wasm board are kept per name."
)
@click.option("--baud", type=int, help="Throttle the link like a UART at this baud rate (8N1: baud/10 bytes/s).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for the REPL.")
@click.option(
    "--webrepl",
    "webrepl_port",
    type=int,
    metavar="PORT",
    help="Also answer WebREPL on ws://127.0.0.1:PORT (0: any free port), like an ESP32.",
)
@click.option(
    "--password-env", metavar="VAR", help="With --webrepl: name of the environment variable holding its password."
)
@click.option(
    "--image",
    type=click.Path(path_type=Path, exists=True),
    metavar="FILE",
    help="micro:bit: the .hex to boot (files inside it). wasm: a .zip (or folder) of the board's files.",
)
@click.option(
    "--files",
    "files_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    metavar="DIR",
    help="Put this folder's files on the board (micro:bit: into the hex's filesystem; flat).",
)
@click.option(
    "--flash-size",
    metavar="SIZE",
    help="wasm: size of the board's filesystem, e.g. 64K or 2M (default 2M, an ESP32's); writes past it fail (ENOSPC).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the board as JSON.")
@click.pass_context
def start(
    ctx: click.Context,
    kind: str,
    name: str | None,
    baud: int | None,
    timeout: float,
    webrepl_port: int | None,
    password_env: str | None,
    image: Path | None,
    files_dir: Path | None,
    flash_size: str | None,
    as_json: bool,
) -> None:
    """Start a virtual board in the background and print its name and port."""
    if flash_size is not None:
        from boardkit.virtual.flash_size import parse_size

        try:
            parse_size(flash_size)  # a bad size is a bad command line (exit 2)
        except VirtualBoardError as exc:
            raise UsageError(f"--flash-size: {exc.message}", hint=exc.hint) from None
    password = None
    if webrepl_port is not None:
        import os

        password_env = password_env or ctx.find_root().obj.get("password_env")
        if not password_env:
            raise UsageError(
                "--webrepl needs a password", hint="put it in an environment variable and give --password-env VAR"
            )
        password = os.environ.get(password_env)
        if not password:
            raise UsageError(
                f"--password-env {password_env}: that environment variable is not set",
                hint=f"export {password_env}=... first",
            )
    elif password_env:
        raise UsageError("--password-env only makes sense with --webrepl PORT", hint="add --webrepl PORT")
    from boardkit.cli.common import InstallNotes

    with InstallNotes() as notes:  # the wasm runtime is installed on first use: say so, show it is busy
        board = vb.start(
            kind,
            name=name,
            baud=baud,
            timeout=timeout,
            webrepl_port=webrepl_port,
            webrepl_password=password,
            image=image,
            files=files_dir,
            on_note=notes,
            flash_size=flash_size,
        )
    if as_json:
        click.echo(json.dumps(board.to_json()))
    else:
        web = f" ws://127.0.0.1:{board.webrepl_port}" if board.webrepl_port is not None else ""
        click.echo(f"{board.name} {board.port}{web}")


@virtual.command(
    "list",
    epilog="""\b
Examples:
  boardkit virtual list
  boardkit virtual list --json
""",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_(as_json: bool) -> None:
    """List the running virtual boards."""
    boards = vb.list_boards()
    if as_json:
        click.echo(json.dumps([b.to_json() for b in boards]))
        return
    if not boards:
        click.echo("no virtual boards running (start one: boardkit virtual start wasm)")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "kind", "port", "baud", "pid", "uptime")
    for b in boards:
        table.add_row(b.name, b.kind, b.port, str(b.baud) if b.baud else "-", str(b.pid), _uptime(b.uptime))
    Console().print(table)


@virtual.command(
    epilog="""\b
Examples:
  boardkit virtual stop wasm1
  boardkit virtual stop --all
"""
)
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Stop every running virtual board.")
def stop(names: tuple[str, ...], all_: bool) -> None:
    """Stop virtual boards by name (a wasm board's files are kept for next time)."""
    if all_:
        stopped = vb.stop_all()
    elif names:
        stopped = []
        for name in names:
            vb.stop(name)
            stopped.append(name)
    else:
        raise UsageError("say which board to stop", hint="boardkit virtual stop NAME, or --all")
    click.echo("stopped " + (", ".join(stopped) if stopped else "nothing"))


@virtual.command(
    epilog="""\b
Examples:
  boardkit virtual reset wasm1
"""
)
@click.argument("name")
def reset(name: str) -> None:
    """Hard-reset a virtual board (like its reset button); the port stays the same."""
    board = vb.hard_reset(name)
    click.echo(f"reset {board.name} {board.port}")
