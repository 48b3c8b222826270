"""Commands that run code: info, exec, run, reset."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from boardkit.cli.common import emit_json, human_size, note_interrupted, open_device, ProgramOutput
from boardkit.errors import RemoteError, UsageError

MAX_TIME = click.option("--max-time", type=float, metavar="SECONDS",
                        help="Stop the program (Ctrl-C) if it runs longer than this.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def info(ctx, as_json):
    """Show what the board is: implementation, version, machine, memory, filesystem.

    \b
    Examples:
      boardkit info
      boardkit -p microbit1 info --json
    """
    with open_device(ctx) as device:
        caps = device.caps
        note_interrupted(device)
        from boardkit.fleet.labels import read_label

        seat = read_label(device)  # a classroom board's seat label (fleet scan), if it has one
        data = {"port": device.url, **caps.to_dict(), "seat": seat}
    if as_json:
        emit_json(data)
        return
    from rich.console import Console
    from rich.table import Table
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("port", device.url)
    if seat:
        table.add_row("seat", seat)
    table.add_row("implementation", f"{caps.implementation} {caps.version_text}")
    table.add_row("machine", caps.machine)
    table.add_row("platform", caps.platform)
    if caps.release:
        table.add_row("release", caps.release)
    table.add_row("free memory", f"{human_size(caps.mem_free)}" + (f" of {human_size(caps.mem_total)}" if caps.mem_total else ""))
    if caps.fs_space:
        table.add_row("free space", f"{human_size(caps.fs_space[0])} of {human_size(caps.fs_space[1])}")
    table.add_row("folders", "yes" if caps.has_folders else "no (flat filesystem)")
    table.add_row("os calls", ", ".join(caps.os_calls))
    Console().print(table)


def _run(ctx, code: str | bytes, max_time: float | None) -> None:
    with open_device(ctx) as device:
        try:
            output = ProgramOutput()
            try:
                device.exec(code, on_output=output, timeout=max_time)
            finally:
                output.close()
        except RemoteError as exc:
            note_interrupted(device)
            sys.stdout.flush()
            click.echo(exc.traceback.replace("\r\n", "\n"), err=True)
            if exc.hint:
                click.echo(f"boardkit: {exc.hint}", err=True)
            ctx.exit(1)
        note_interrupted(device)


@click.command("exec")
@click.argument("code")
@MAX_TIME
@click.pass_context
def exec_(ctx, code, max_time):
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
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@MAX_TIME
@click.pass_context
def run(ctx, file: Path, max_time):
    """Run a local Python FILE on the board (without copying it), streaming its output.

    FILE "-" reads the program from standard input. Exits 1 if the program raised an exception.

    \b
    Examples:
      boardkit run blink.py
      boardkit -p /dev/ttyACM0 run examples/hello.py
      generate_test.py | boardkit run -
    """
    try:
        code = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise UsageError(f"{file} is a folder, not a program") from None
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    _run(ctx, code, max_time)


@click.command()
@click.option("--hard", is_flag=True, help="Reset the whole chip, like the reset button "
                                             "(virtual boards: restart the emulator).")
@click.pass_context
def reset(ctx, hard):
    """Soft-reset the board (fresh Python heap), or --hard reset it.

    \b
    Examples:
      boardkit reset
      boardkit reset --hard      # also unsticks a board that ignores Ctrl-C
    """
    if hard:
        from boardkit import resets

        from boardkit.cli.common import webrepl_target

        port, password = webrepl_target(ctx)
        how = resets.hard_reset(port, password=password)
        if password is not None:
            from boardkit.cli.common import note_unencrypted

            note_unencrypted()
        click.echo(f"hard reset ({how})", err=True)
        return
    with open_device(ctx) as device:
        device.soft_reset()
    click.echo("soft reset", err=True)
