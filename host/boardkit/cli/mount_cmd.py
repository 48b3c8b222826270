"""`boardkit mount DIR`: the board imports and opens files from a folder on this computer."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from boardkit import api
from boardkit.cli.common import ProgramOutput, open_device
from boardkit.cli.session_cmds import MAX_TIME, program_errors
from boardkit.device import Device
from boardkit.errors import RemoteError, UsageError


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))  # boardkit.api says what is wrong
@click.option("--run", "run_file", metavar="FILE", type=click.Path(path_type=Path), help="Run this local .py file.")
@click.option("--exec", "code", metavar="CODE", help="Run this line of Python.")
@click.option("--writable", is_flag=True, help="Let the board create, change and remove files in DIR.")
@click.option("--unsafe-links", is_flag=True, help="Follow symbolic links that lead out of DIR.")
@MAX_TIME
@click.pass_context
def mount(
    ctx: click.Context,
    folder: Path,
    run_file: Path | None,
    code: str | None,
    writable: bool,
    unsafe_links: bool,
    max_time: float | None,
) -> None:
    """Mount the local folder DIR on the board at /remote, without copying it.

    The board's working folder becomes /remote: `import` finds DIR's modules and packages
    and open() reads its files, fetched as the program asks. With no --run or --exec,
    opens the board's REPL (Ctrl-] leaves); with them, runs the program and exits with
    its status, as `boardkit run` does. Read-only unless --writable; paths stay inside
    DIR. Unmounted on the way out; the board's own files are not touched.

    \b
    Examples:
      boardkit mount .
      boardkit mount project --run project/main.py
      boardkit mount lib --exec "import sensors; sensors.demo()"
      boardkit mount logs --writable --exec "open('log.txt', 'w').write('hi')"
    """
    if run_file is not None and code is not None:
        raise UsageError("give --run or --exec, not both", hint="see `boardkit mount --help`")
    api.check_local_mount(folder)  # a mistyped folder is said before the board is opened
    program: bytes | str | None = api.read_program(run_file) if run_file is not None else code
    with open_device(ctx) as device:
        if program is None:
            _repl(device, folder, writable, unsafe_links)
            return
        interrupted = threading.Event()
        with program_errors(ctx, device), _stopped_as_interrupt(interrupted):
            output = ProgramOutput()
            try:
                with (
                    api.mounted(device, folder, writable=writable, unsafe_links=unsafe_links) as session,
                    _ctrl_c(session.interrupt, interrupted),
                ):
                    from boardkit.cli.keyboard import keys_to

                    with keys_to(device.send_input):
                        api.exec_code(device, program, on_output=output, max_time=max_time)
            finally:
                output.close()


def _repl(device: Device, folder: Path, writable: bool, unsafe_links: bool) -> None:
    from boardkit.terminal import Terminal

    with api.mounted(device, folder, writable=writable, unsafe_links=unsafe_links) as session:
        session.mount_again_after_soft_reset(lambda text: click.echo(f"\r\nboardkit: {text}\r", err=True))
        device.repl.exit()  # to the friendly prompt; the mount stays
        mode = "writable" if session.writable else "read-only"
        click.echo(f"Mounted {session.folder} at {session.mount_point} ({mode}). Ctrl-] to leave.", err=True)
        Terminal(session.link).run()
    click.echo("", err=True)


@contextlib.contextmanager
def _ctrl_c(interrupt: Callable[[], None], interrupted: threading.Event) -> Iterator[None]:
    """The first Ctrl-C stops the program through the mount (never inside a file transfer);
    a second one stops it the hard way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if interrupted.is_set():
            raise KeyboardInterrupt
        interrupted.set()
        interrupt()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _stopped_as_interrupt(interrupted: threading.Event) -> Iterator[None]:
    """A program that stopped with KeyboardInterrupt because Ctrl-C was pressed ends as an
    interrupted `boardkit run` does (exit 130), not as a program error."""
    try:
        yield
    except RemoteError as exc:
        if interrupted.is_set() and exc.exc_type == "KeyboardInterrupt":
            raise KeyboardInterrupt from None
        raise
