"""Shared pieces of the CLI: opening the board named by -p, progress bars, JSON output."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import click

from boardkit.device import Device
from boardkit.links import CredentialsProvider


def options(ctx: click.Context) -> dict[str, Any]:
    """The options given before the command (-p, --timeout, --password-env, --debug)."""
    return ctx.find_root().obj or {}


def credentials(ctx: click.Context) -> CredentialsProvider:
    """Where a link that asks for a password gets it: --password-env, the environment, the
    config file, then a prompt (see boardkit.webrepl_auth). Asked only when a board asks."""
    password_env = options(ctx).get("password_env")
    provider: CredentialsProvider | None = None

    def provide(url: str) -> str:
        nonlocal provider
        if provider is None:  # webrepl_auth (and the WebREPL link) load only for a board that asks
            from boardkit.webrepl_auth import cli_credentials

            provider = cli_credentials(password_env)
        return provider(url)

    return provide


@contextlib.contextmanager
def open_device(ctx: click.Context) -> Iterator[Device]:
    """The board for this command: -p, or the only one present."""
    from boardkit.api import connect

    opts = options(ctx)
    device = connect(opts.get("port"), timeout=opts.get("timeout", 10.0), credentials=credentials(ctx))
    note_if_unencrypted(device.url)
    try:
        yield device
    finally:
        device.close()


_noted_unencrypted = False


def note_if_unencrypted(url: str) -> None:
    """Say once per process that a ws:// connection is unencrypted."""
    if url.lower().startswith("ws://"):  # (not webrepl_auth.is_webrepl: it loads the WebREPL link)
        note_unencrypted()


def note_unencrypted() -> None:
    """The CLI's hook after a ws:// connection opened: say once per process it is unencrypted."""
    global _noted_unencrypted
    if not _noted_unencrypted:
        from boardkit.webrepl_auth import UNENCRYPTED_NOTE

        click.echo(UNENCRYPTED_NOTE, err=True)
        _noted_unencrypted = True


def note_interrupted(device: Device) -> None:
    """Say so when the board was running a program that had to be stopped."""
    if device.repl.interrupted_program:
        click.echo("boardkit: note: the board was running a program; stopped it with Ctrl-C", err=True)


def note(text: str) -> None:
    """A note from the library (an on_note callback): one line on stderr."""
    click.echo(f"boardkit: note: {text}", err=True)


class InstallNotes:
    """An on_note callback for a first-use install (the wasm runtime's npm ci): each line goes to
    stderr as `boardkit: ...`; between the line saying an install started and the one saying it
    is done, a spinner with the seconds so far (on a terminal). Use it in a `with` block: the
    spinner stops when the block ends, even when the install failed."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self._status: Any = None
        self._lines = 0

    def __call__(self, text: str) -> None:
        self.stop()
        click.echo(f"boardkit: {text}", err=True)
        self._lines += 1
        # The install says two lines, start and end (wasm_runtime.RuntimeProgress): busy between.
        if self._lines % 2 == 1 and not self.quiet and sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(_Elapsed(time.monotonic()))
            self._status.start()

    def stop(self) -> None:
        """Stop the spinner (if any); the next line may start it again."""
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __enter__(self) -> InstallNotes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Elapsed:
    """A status text that renders the seconds since `started` each time the spinner redraws."""

    def __init__(self, started: float) -> None:
        self.started = started

    def __rich__(self) -> str:
        return f"npm is installing the runtime… {time.monotonic() - self.started:.0f} s"


def emit_json(data: Any) -> None:
    """Print data as indented JSON on stdout."""
    click.echo(json.dumps(data, indent=2, default=str))


class ProgramOutput:
    """Writes a board's output to stdout as it streams, turning its \r\n into \n.

    A \r at the end of one chunk is held back until the next shows whether a \n follows:
    chunks split anywhere (a TCP link splits them differently from a USB one).
    """

    def __init__(self, stream: IO[bytes] | None = None) -> None:
        self.stream = stream or sys.stdout.buffer
        self._held_cr = False

    def __call__(self, data: bytes) -> None:
        if self._held_cr:
            data = b"\r" + data
        self._held_cr = data.endswith(b"\r")
        if self._held_cr:
            data = data[:-1]
        self.stream.write(data.replace(b"\r\n", b"\n"))
        self.stream.flush()

    def close(self) -> None:
        if self._held_cr:
            self.stream.write(b"\r")
            self._held_cr = False
        self.stream.flush()


class Progress:
    """A byte progress bar on stderr that only appears when the job takes over a second."""

    def __init__(self, description: str, quiet: bool = False, delay: float = 1.0) -> None:
        self.description = description
        self.quiet = quiet or not sys.stderr.isatty()
        self.delay = delay
        self._started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self._bar is None:
            if time.monotonic() - self._started < self.delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                TextColumn,
                TransferSpeedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        self._bar.update(self._task, completed=done, total=total, description=self.description)

    def files(self, files_done: int, files_total: int, done: int, total: int) -> None:
        """The same bar for many files: "file n/N" beside the bytes."""
        self.description = f"file {min(files_done + 1, files_total)}/{files_total}"
        self(done, total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def human_size(n: int) -> str:
    """1536 -> '1.5 KB'; a negative size (a folder) -> ''."""
    if n < 0:
        return ""
    if n < 1024:
        return f"{n} B"
    size = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        if size < 1024 or unit == "TB":
            return f"{size:.1f} {unit}"
    return f"{n} B"
