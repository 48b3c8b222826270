"""A virtual board kind from an installed package: registered by entry point, run by the real daemon.

This one file is the whole plugin: a Backend (BACKEND, below) whose board is this same file
run by CPython as a small board program speaking MicroPython's REPL protocols (friendly REPL,
raw REPL, soft reboot; no raw-paste, so the client falls back to plain raw mode), executing
the code it is sent for real. The test installs it as pip would (a dist-info on PYTHONPATH
whose entry_points.txt names it in the group "boardkit.virtual_kinds") and drives it with
the real CLI in subprocesses: `virtual start dummy`, `exec`, `virtual reset`, `virtual stop`.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from boardkit.virtual.kinds.base import Backend
from cli_helpers import boardkit, json_of

KIND = "dummy"
BANNER = b'Dummy board (CPython) for boardkit\'s plugin test\r\nType "help()" for more information.\r\n'


class CPythonBoard(Backend):
    """A board that is CPython running this file's board program."""

    def command(self, state: Path, fs_dir: Path | None, monitor: str, image: Path | None = None) -> list[str]:
        return [sys.executable, "-u", str(Path(__file__).resolve())]


BACKEND = CPythonBoard(KIND, "CPython speaking the raw REPL (boardkit's plugin test)")


# ---------------------------------------------------------------- the board program


def _out(data: bytes) -> None:
    while data:
        data = data[os.write(1, data) :]


class _Console:
    """sys.stdout/stderr on the board: newlines go out as \\r\\n, like a board's UART."""

    def __init__(self, sink: bytearray | None = None) -> None:
        self.sink = sink

    def write(self, text: str) -> int:
        data = text.replace("\n", "\r\n").encode()
        if self.sink is None:
            _out(data)
        else:
            self.sink += data
        return len(text)

    def flush(self) -> None:
        pass


def _run(code: str, names: dict[str, object], mode: str) -> bytes:
    """Run code with its output going out as it is printed; the traceback, if it raised."""
    errors = bytearray()
    sys.stdout = _Console()
    try:
        compiled = compile(code, "<stdin>", mode)
        exec(compiled, names)
    except BaseException:  # noqa: BLE001 - the board reports whatever the program raised
        sys.stderr = _Console(errors)
        traceback.print_exc(limit=-1)
        sys.stderr = sys.__stderr__
    finally:
        sys.stdout = sys.__stdout__
    return bytes(errors)


def board() -> None:
    """The board's REPL on stdin/stdout: friendly mode, Ctrl-A raw mode, Ctrl-D soft reboot."""
    names: dict[str, object] = {"__name__": "__main__"}
    raw = False
    line = bytearray()
    _out(BANNER + b">>> ")
    while True:
        data = os.read(0, 4096)
        if not data:
            return
        for byte in data:
            if raw:
                if byte == 0x01:  # Ctrl-A: raw-paste request ("\x05A\x01") or a raw reset
                    if bytes(line) == b"\x05A":
                        _out(b"R\x00")  # raw-paste not supported: stay in raw mode
                    else:
                        _out(b"raw REPL; CTRL-B to exit\r\n>")
                    line.clear()
                elif byte == 0x02:  # Ctrl-B: back to the friendly REPL
                    raw = False
                    line.clear()
                    _out(b"\r\n" + BANNER + b">>> ")
                elif byte == 0x03:  # Ctrl-C: drop the line
                    line.clear()
                elif byte == 0x04:  # Ctrl-D: run the line, or a soft reboot when it is empty
                    _out(b"OK")
                    if not line:
                        names = {"__name__": "__main__"}
                        _out(b"\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
                        continue
                    errors = _run(line.decode(errors="replace"), names, "exec")
                    line.clear()
                    _out(b"\x04" + errors + b"\x04>")
                else:
                    line.append(byte)
            elif byte == 0x01:  # Ctrl-A: raw mode
                raw = True
                line.clear()
                _out(b"\r\nraw REPL; CTRL-B to exit\r\n>")
            elif byte == 0x03:  # Ctrl-C: drop the line
                line.clear()
                _out(b"\r\n>>> ")
            elif byte == 0x04:  # Ctrl-D: soft reboot
                names = {"__name__": "__main__"}
                line.clear()
                _out(b"\r\nMPY: soft reboot\r\n" + BANNER + b">>> ")
            elif byte == 0x0D:  # Enter: run the line, echo what it evaluates to
                _out(b"\r\n")
                if line.strip():
                    _out(_run(line.decode(errors="replace"), names, "single"))
                line.clear()
                _out(b">>> ")
            else:
                line.append(byte)
                _out(bytes([byte]))  # echo, as a terminal expects


if __name__ == "__main__":
    board()


# ---------------------------------------------------------------- the test


def _install_plugin(site: Path) -> dict[str, str]:
    """A dist-info naming this file's BACKEND as a virtual board kind; the environment that sees it."""
    info = site / "boardkit_dummy_kind-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: boardkit-dummy-kind\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[boardkit.virtual_kinds]\n{KIND} = {Path(__file__).stem}:BACKEND\n")
    path = [str(site), str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(p for p in path if p)}


def test_an_installed_virtual_board_kind_starts_runs_code_and_stops(tmp_path: Path) -> None:
    env = _install_plugin(tmp_path / "site")

    helped = boardkit("virtual", "start", "--help", env=env)
    assert KIND in helped.stdout.decode(), "the CLI lists kinds from the registry, entry points included"
    assert KIND not in boardkit("virtual", "start", "--help").stdout.decode(), "without the plugin: no such kind"

    board = json_of(boardkit("virtual", "start", KIND, "--json", env=env))
    name = board["name"]
    try:
        assert board["kind"] == KIND and name == f"{KIND}1"
        assert board["port"].startswith("/dev/pts/")

        ran = boardkit("-p", name, "exec", "import sys; print(sys.implementation.name, 6 * 7)", env=env)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout == b"cpython 42\n"

        failed = boardkit("-p", name, "exec", "1 / 0", env=env)
        assert failed.returncode != 0
        assert "ZeroDivisionError" in failed.stderr.decode()

        # The board keeps its globals between sessions, like a real one, until its reset button.
        assert boardkit("-p", name, "exec", "x = 5", env=env).returncode == 0
        assert boardkit("-p", name, "exec", "print(x)", env=env).stdout == b"5\n"
        reset = boardkit("virtual", "reset", name, env=env)
        assert reset.returncode == 0, reset.stderr
        assert boardkit("-p", name, "exec", "print('x' in globals())", env=env).stdout == b"False\n"

        listed = json_of(boardkit("virtual", "list", "--json", env=env))
        assert [(b["name"], b["kind"]) for b in listed if b["name"] == name] == [(name, KIND)]
    finally:
        stopped = boardkit("virtual", "stop", name, env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout == f"stopped {name}\n".encode()
    assert name not in [b["name"] for b in json_of(boardkit("virtual", "list", "--json", env=env))]
