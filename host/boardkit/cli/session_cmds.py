"""Commands that run code: info, exec, run, reset (each: parse, call boardkit.api, render)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from boardkit import api
from boardkit.cli.common import (
    ProgramOutput,
    credentials,
    emit_json,
    human_size,
    note_if_unencrypted,
    note_interrupted,
    open_device,
    options,
)
from boardkit.cli.params import SECONDS
from boardkit.device import Device
from boardkit.errors import RemoteError
from boardkit.program import ProgramExit

MAX_TIME = click.option(
    "--max-time", type=SECONDS, metavar="SECONDS", help="Stop the program (Ctrl-C) if it runs longer than this."
)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def info(ctx: click.Context, as_json: bool) -> None:
    """Show what the board is: implementation, version, machine, memory, filesystem.

    \b
    Examples:
      boardkit info
      boardkit -p microbit1 info --json
    """
    with open_device(ctx) as device:
        found = api.info(device)
        note_interrupted(device)
    if as_json:
        emit_json(found.to_dict())
        return
    _show_info(found)


def _show_info(found: api.BoardInfo) -> None:
    from rich.console import Console
    from rich.table import Table

    caps = found.capabilities
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("port", found.port)
    if found.seat:
        table.add_row("seat", found.seat)
    table.add_row("implementation", f"{caps.implementation} {caps.version_text}")
    table.add_row("machine", caps.machine)
    table.add_row("platform", caps.platform)
    if caps.release:
        table.add_row("release", caps.release)
    table.add_row(
        "free memory", f"{human_size(caps.mem_free)}" + (f" of {human_size(caps.mem_total)}" if caps.mem_total else "")
    )
    if caps.fs_space:
        table.add_row("free space", f"{human_size(caps.fs_space[0])} of {human_size(caps.fs_space[1])}")
    table.add_row("folders", "yes" if caps.has_folders else "no (flat filesystem)")
    table.add_row("os calls", ", ".join(caps.os_calls))
    Console().print(table)


def _run(ctx: click.Context, code: str | bytes, max_time: float | None, keyboard: bool = True) -> None:
    """Run code on the board, its output streaming to stdout; exit 1 with its traceback if it raised.

    keyboard: what is typed at the terminal goes to the program's input() while it runs.
    """
    from boardkit.cli.keyboard import keys_to

    with open_device(ctx) as device, program_errors(ctx, device):
        output = ProgramOutput()
        try:
            with keys_to(device.send_input) if keyboard else contextlib.nullcontext():
                api.exec_code(device, code, on_output=output, max_time=max_time)
        finally:
            output.close()


@contextlib.contextmanager
def program_errors(ctx: click.Context, device: Device) -> Iterator[None]:
    """How `run` and `exec` end: the program's traceback and exit 1 if it raised, its status
    if it called sys.exit(N), a note if a program already running had to be stopped."""
    try:
        yield
    except RemoteError as exc:
        note_interrupted(device)
        sys.stdout.flush()
        click.echo(exc.traceback.replace("\r\n", "\n"), err=True)
        if exc.hint:
            click.echo(f"boardkit: {exc.hint}", err=True)
        ctx.exit(1)
    except ProgramExit as exc:  # sys.exit(N): exit N, as python would, saying only its message
        note_interrupted(device)
        if exc.said:
            click.echo(exc.said, err=True)
        ctx.exit(exc.exit_code)
    note_interrupted(device)


@click.command("exec")
@click.argument("code")
@MAX_TIME
@click.pass_context
def exec_(ctx: click.Context, code: str, max_time: float | None) -> None:
    """Run CODE (a line of Python) on the board and print its output.

    Exits 1 if the code raised an exception (its traceback goes to stderr).

    \b
    Examples:
      boardkit exec "print(1 + 1)"
      boardkit exec "import machine; print(machine.freq())"
      boardkit exec --max-time 5 "while True: pass"
    """
    _run(ctx, code, max_time)


@click.command()
@click.argument("file", type=click.Path(allow_dash=True, path_type=Path))  # boardkit.api says what is wrong
@MAX_TIME
@click.pass_context
def run(ctx: click.Context, file: Path, max_time: float | None) -> None:
    """Run a local Python FILE on the board (without copying it), streaming its output.

    FILE "-" reads the program from standard input. Exits 1 if the program raised an exception.

    \b
    Examples:
      boardkit run blink.py
      boardkit -p /dev/ttyACM0 run examples/hello.py
      generate_test.py | boardkit run -
    """
    from_stdin = str(file) == "-"
    code = sys.stdin.buffer.read() if from_stdin else api.read_program(file)
    _run(ctx, code, max_time, keyboard=not from_stdin)


@click.command()
@click.option(
    "--hard", is_flag=True, help="Reset the whole chip, like the reset button (virtual boards: restart the emulator)."
)
@click.pass_context
def reset(ctx: click.Context, hard: bool) -> None:
    """Soft-reset the board (fresh Python heap), or --hard reset it.

    \b
    Examples:
      boardkit reset
      boardkit reset --hard      # also unsticks a board that ignores Ctrl-C
    """
    if hard:
        port = options(ctx).get("port")
        how = api.hard_reset(port, credentials=credentials(ctx))
        note_if_unencrypted(port or "")
        click.echo(f"hard reset ({how})", err=True)
        return
    with open_device(ctx) as device:
        api.reset(device)
    click.echo("soft reset", err=True)
