"""watch: sync a folder on every save and re-run a program (parse, call boardkit.api, render).

The program's output goes to stdout as it streams; what the watch does goes to stderr as
`boardkit: ...` lines, or with --json every event (the output too) is one JSON line on stdout.
The first Ctrl-C stops the program and the watch (exit 130, as `run` does); a second one
stops at once.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import click

from boardkit import api
from boardkit.api.watch import BOARD_WAIT, DEBOUNCE, Watcher, WatchEvent, check_local_watch
from boardkit.cli.common import ProgramOutput, credentials, note_if_unencrypted, options
from boardkit.cli.params import SECONDS
from boardkit.device import Device
from boardkit.errors import UsageError


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))  # boardkit.api says what is wrong with it
@click.argument("target", required=False)
@click.option(
    "--run",
    "program",
    metavar="FILE",
    help="The program to re-run after each sync, a file of FOLDER. Default: FOLDER's main.py (or code.py).",
)
@click.option("--no-run", is_flag=True, help="Only sync on each save; run nothing.")
@click.option("--delete", is_flag=True, help="The first sync also removes board files FOLDER does not have.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also ignore these (gitignore syntax).")
@click.option(
    "--no-reset",
    is_flag=True,
    help="Do not soft-reset the board before each run (modules the program imported are not loaded again).",
)
@click.option(
    "--board-wait",
    type=SECONDS,
    default=BOARD_WAIT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for a board that went away (unplugged, reset) before giving up.",
)
@click.option(
    "--debounce",
    type=SECONDS,
    default=DEBOUNCE,
    show_default=True,
    metavar="SECONDS",
    help="Quiet time that ends a burst of saves (an editor writes several files per save).",
)
@click.option("--json", "as_json", is_flag=True, help="Print every event as one JSON object per line (for scripts).")
@click.pass_context
def watch(
    ctx: click.Context,
    folder: Path,
    target: str | None,
    program: str | None,
    no_run: bool,
    delete: bool,
    exclude: tuple[str, ...],
    no_reset: bool,
    board_wait: float,
    debounce: float,
    as_json: bool,
) -> None:
    """Sync FOLDER to the board (into TARGET, default /) on every save, then re-run a program.

    Each save stops the running program (Ctrl-C), sends only the files that changed, soft-resets
    the board and runs the program again, its output streaming here until it ends or the next
    save. Without --run, FOLDER's main.py (or code.py) is run if it has one. Files deleted in
    FOLDER are removed from the board. .boardkitignore, --exclude and editors' temporary files
    (.swp, ~, 4913, .#name) are left out. A failed sync or a program that raised is reported
    and the watch goes on; a board that goes away is waited for (--board-wait). Ctrl-C stops.

    \b
    Examples:
      boardkit watch lesson1/                  # runs lesson1/main.py after each save
      boardkit watch src/ --run demo.py
      boardkit watch src/ /app --no-run        # keep /app in sync, run nothing
      boardkit -p microbit1 watch lesson1/ --json
    """
    if program is not None and no_run:
        raise UsageError("--run and --no-run exclude each other", hint="give one of them")
    # local problems are said before connecting
    run = check_local_watch(folder, program, list(exclude), default_program=not no_run)
    opts = options(ctx)

    def connect() -> Device:
        return api.connect(opts.get("port"), timeout=opts.get("timeout", 10.0), credentials=credentials(ctx))

    report: _Report = _JsonReport() if as_json else _HumanReport()
    stop = threading.Event()
    device = connect()
    note_if_unencrypted(device.url)
    watcher: Watcher | None = None
    previous = signal.getsignal(signal.SIGINT) or signal.default_int_handler

    def first_ctrl_c(_signum: int, _frame: FrameType | None) -> None:
        stop.set()  # the watch stops the program and closes the session
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: at once

    try:
        watcher = Watcher(
            device,
            folder,
            target or "/",
            run=run,
            excludes=list(exclude),
            delete=delete,
            reset=not no_reset,
            on_event=report.event,
            on_output=report.output,
            stop=stop,
            reconnect=connect,
            board_wait=board_wait,
            debounce=debounce,
        )
        from boardkit.cli.keyboard import keys_to

        signal.signal(signal.SIGINT, first_ctrl_c)
        with keys_to(watcher.send_input):
            watcher.run()
    finally:
        signal.signal(signal.SIGINT, previous)
        report.close()
        (watcher.device if watcher is not None else device).close()
    if stop.is_set():
        click.echo("boardkit: interrupted", err=True)
        ctx.exit(130)


class _Report:
    """Where events and the program's output go."""

    def event(self, event: WatchEvent) -> None:
        raise NotImplementedError

    def output(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _HumanReport(_Report):
    """The program's output on stdout; one `boardkit:` line on stderr for what the watch does."""

    def __init__(self) -> None:
        self._output = ProgramOutput()

    def output(self, data: bytes) -> None:
        self._output(data)

    def close(self) -> None:
        self._output.close()

    def event(self, event: WatchEvent) -> None:
        d = event.data
        kind = event.kind
        if kind in ("finished", "raised", "exited", "stopped", "error"):
            self._output.close()
            sys.stdout.flush()
        line = self._line(kind, d)
        if kind == "raised":
            click.echo(str(d["traceback"]).replace("\r\n", "\n"), err=True)
        if line:
            click.echo(f"boardkit: {line}", err=True)

    @staticmethod
    def _line(kind: str, d: dict[str, Any]) -> str | None:
        if kind == "watching":
            then = f"then run {d['program']}" if d["program"] else "run nothing"
            where = f"{d['folder']} -> {d['remote_dir']} on {d['board']}"
            return f"watching {where}: on each save sync, {then} (Ctrl-C stops)"
        if kind == "synced":
            if not d["sent"] and not d["deleted"]:
                return None
            return f"synced {', '.join(d['files'])} ({d['bytes']} bytes, {d['seconds']:.2f} s)"
        if kind == "finished":
            return f"{d['program']} finished ({d['seconds']:.2f} s); waiting for a save"
        if kind == "raised":
            return f"{d['program']} raised {d['error']}; waiting for a save"
        if kind == "exited":
            said = f": {d['said']}" if d["said"] else ""
            return f"{d['program']} exited with status {d['code']}{said}; waiting for a save"
        if kind == "error":
            hint = f" — {d['hint']}" if d["hint"] else ""
            return f"{d['stage']} failed: {d['error']}{hint}"
        if kind == "board-lost":
            return f"lost the board ({d['error']}); waiting up to {d['wait']:g} s for it to come back"
        if kind == "waiting":
            return f"still waiting for the board ({d['seconds']} s)"
        if kind == "board-back":
            return f"the board is back ({d['board']}); syncing it"
        return None  # changed, started, stopped: the output shows them


class _JsonReport(_Report):
    """Every event as one JSON line on stdout; the output as `output` events, a line each."""

    def __init__(self) -> None:
        self._partial = b""

    def _emit(self, data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()

    def output(self, data: bytes) -> None:
        self._partial += data.replace(b"\r\n", b"\n")
        *lines, self._partial = self._partial.split(b"\n")
        for line in lines:
            self._emit({"event": "output", "text": line.decode(errors="replace")})

    def close(self) -> None:
        if self._partial:
            self._emit({"event": "output", "text": self._partial.decode(errors="replace")})
            self._partial = b""

    def event(self, event: WatchEvent) -> None:
        self.close()
        self._emit(event.to_dict())
