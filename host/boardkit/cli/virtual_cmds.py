"""`boardkit virtual start|list|stop|reset`: thin wrappers over boardkit.virtual."""

from __future__ import annotations

import json

import click

import boardkit.virtual as vb
from boardkit.errors import UsageError


def _uptime(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@click.group(epilog="""\b
Examples:
  boardkit virtual start wasm                  a WebAssembly MicroPython board (wasm1)
  boardkit virtual start microbit --baud 115200
  boardkit virtual list
  boardkit -p wasm1 exec "print(1 + 1)"
  boardkit virtual stop --all
""")
def virtual():
    """Start, list and stop virtual boards: real MicroPython behind a pty, no hardware."""


@virtual.command(epilog="""\b
Examples:
  boardkit virtual start wasm
  boardkit virtual start wasm --name lab-a
  boardkit virtual start microbit --baud 115200 --json
""")
@click.argument("kind", type=click.Choice(list(vb.KINDS)))
@click.option("--name", help="Board name (default: first free KIND1, KIND2, ...). Files of a wasm board are kept per name.")
@click.option("--baud", type=int, help="Throttle the link like a UART at this baud rate (8N1: baud/10 bytes/s).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for the REPL.")
@click.option("--json", "as_json", is_flag=True, help="Print the board as JSON.")
def start(kind, name, baud, timeout, as_json):
    """Start a virtual board in the background and print its name and port."""
    board = vb.start(kind, name=name, baud=baud, timeout=timeout)
    if as_json:
        click.echo(json.dumps(board.to_json()))
    else:
        click.echo(f"{board.name} {board.port}")


@virtual.command("list", epilog="""\b
Examples:
  boardkit virtual list
  boardkit virtual list --json
""")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_(as_json):
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


@virtual.command(epilog="""\b
Examples:
  boardkit virtual stop wasm1
  boardkit virtual stop --all
""")
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Stop every running virtual board.")
def stop(names, all_):
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


@virtual.command(epilog="""\b
Examples:
  boardkit virtual reset wasm1
""")
@click.argument("name")
def reset(name):
    """Hard-reset a virtual board (like its reset button); the port stays the same."""
    board = vb.hard_reset(name)
    click.echo(f"reset {board.name} {board.port}")

