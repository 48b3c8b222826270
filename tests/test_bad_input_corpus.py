"""The bad-input corpus (issue 15): hundreds of mistakes a user makes, across every command,
each with the same verdict asserted.

    one line on stderr, `boardkit: ...`, saying what the table says it must;
    the exit status docs/getting-started.md documents (2: the port or the command line,
    3: the board did not answer as MicroPython should, 1: anything else, 130: interrupted);
    no traceback, no "internal error";
    no hang (every case runs under a timeout);
    nothing lost (the project folder and the boards' files are unchanged afterwards).

The table is data: CASES, built section by section below (command line, ports, local paths,
special files, rosters, images, kits, environment, interrupts, boards vanishing, names on
real boards). Cases that need no board run concurrently in one pool, once per module; the
few on the virtual boards run one at a time per board. `pytest -k corpus` runs it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cli_helpers import BOARDKIT

CASE_TIMEOUT = 45.0  # seconds: a case that takes longer is a hang


@dataclass(frozen=True)
class Case:
    """One bad input: the command line, the exit status, words the line must hold."""

    args: tuple[str, ...]
    code: int
    says: str
    env: tuple[tuple[str, str], ...] = ()
    board: str = ""  # "" (no board), "wasm" or "microbit": {port} in args is that board
    interrupt_after: float = 0.0  # send SIGINT after this many seconds
    stdin: bytes | None = None
    name: str = ""

    @property
    def id(self) -> str:
        text = self.name or " ".join(self.args)[:90]
        return f"{self.board}: {text}" if self.board else text


def case(*args: str, code: int = 2, says: str = "", env: dict[str, str] | None = None, **kw: object) -> Case:
    return Case(tuple(args), code, says, tuple(sorted((env or {}).items())), **kw)  # type: ignore[arg-type]


NO_BOARD = ("-p", "/dev/ttyNOPE")
SILENT = "{silent}"  # a pty with nothing behind it (filled in at run time)
VANISHING = "{vanishing}"  # a TCP port that accepts and hangs up at once (a board unplugged)

# -- 1. the command line: unknown options, misplaced global options, missing or extra arguments

LEAF_COMMANDS: list[tuple[str, ...]] = [
    ("devices",),
    ("info",),
    ("repl",),
    ("exec", "1"),
    ("run", "main.py"),
    ("reset",),
    ("ls",),
    ("cat", "x.py"),
    ("put", "main.py"),
    ("get", "x.py"),
    ("cp", "main.py", ":"),
    ("rm", "x.py"),
    ("mkdir", "d"),
    ("push", "main.py"),
    ("sync", "src"),
    ("watch", "src"),
    ("test",),
    ("check", "main.py"),
    ("boards",),
    ("firmware", "list"),
    ("firmware", "fetch"),
    ("firmware", "add", "main.py"),
    ("flash",),
    ("kit", "build", "kit"),
    ("fleet", "collect"),
    ("fleet", "exec", "1"),
    ("fleet", "flash"),
    ("fleet", "label"),
    ("fleet", "push", "main.py"),
    ("fleet", "reset"),
    ("fleet", "run", "main.py"),
    ("fleet", "scan"),
    ("fleet", "status"),
    ("fleet", "sync", "src"),
    ("virtual", "start", "wasm"),
    ("virtual", "list"),
    ("virtual", "stop", "x"),
    ("doctor",),
    ("mount", "src"),
]
CASES: list[Case] = [case(*c, "--bogus", says="No such option '--bogus'") for c in LEAF_COMMANDS]
CASES += [case(*c, "--no-such-flag=1", says="No such option") for c in LEAF_COMMANDS[:12]]
# boardkit's own options belong before the command; each command says so
CASES += [case(*c, "-p", "wasm1", says="-p goes before the command") for c in LEAF_COMMANDS if c[0] not in ("flash",)]
CASES += [
    case(*c, "--timeout", "5", says="--timeout goes before the command")
    for c in LEAF_COMMANDS
    if c[:2] != ("virtual", "start")
]
CASES += [case(*c, "--debug", says="--debug goes before the command") for c in LEAF_COMMANDS[:10]]
CASES += [
    case("nosuchcommand", says="No such command 'nosuchcommand'"),
    case("EXEC", "1", says="No such command 'EXEC'"),
    case("fleet", "nosuch", says="No such command 'nosuch'"),
    case("firmware", "nosuch", says="No such command 'nosuch'"),
    case("kit", "nosuch", says="No such command 'nosuch'"),
    case("virtual", "nosuch", says="No such command 'nosuch'"),
]
MISSING = [
    ("exec",),
    ("run",),
    ("cat",),
    ("put",),
    ("get",),
    ("cp", "main.py"),
    ("cp",),
    ("mkdir",),
    ("push",),
    ("check",),
    ("firmware", "add"),
    ("kit", "build"),
    ("kit", "build", "kit"),
    ("kit", "build", "kit", "-o", "k.zip"),
    ("fleet", "run"),
    ("fleet", "exec"),
    ("fleet", "push"),
    ("fleet", "sync"),
    ("virtual", "start"),
]
CASES += [case(*c, says="Missing") for c in MISSING]
CASES += [case("virtual", "stop", says="say which board to stop")]
EXTRA = [
    ("devices", "extra"),
    ("info", "extra"),
    ("reset", "extra"),
    ("boards", "extra"),
    ("doctor", "extra"),
    ("exec", "1", "2"),
    ("run", "main.py", "more.py"),
    ("mkdir", "a", "b"),
    ("firmware", "list", "x"),
    ("virtual", "list", "x"),
    ("fleet", "status", "x"),
    ("check", "main.py", "x.py"),
    ("repl", "x"),
    ("cp", "main.py", ":", "extra"),
    ("kit", "build", "kit", "other", "--board", "virtual_wasm", "-o", "k.zip"),
]
CASES += [case(*c, says="unexpected extra argument") for c in EXTRA]

# -- 2. option values

CASES += [
    case("--timeout", "abc", "exec", "1", says="'abc' is not a valid float"),
    case("--timeout", "", "ls", says="is not a valid float"),
    case("--timeout", "-1", "ls", says="--timeout"),
    case("--timeout", "0", "ls", says="--timeout"),
    case("--timeout", "nan", "ls", says="--timeout"),
    case("exec", "--max-time", "abc", "1", says="is not a valid float"),
    case("exec", "--max-time", "-5", "1", says="--max-time"),
    case("exec", "--max-time", "0", "1", says="--max-time"),
    case("run", "--max-time", "x", "main.py", says="is not a valid float"),
    case("run", "--max-time", "-1", "main.py", says="--max-time"),
    case("fleet", "run", "--max-time", "-1", "main.py", says="--max-time"),
    case("fleet", "run", "--max-time", "0", "main.py", says="--max-time"),
    case("fleet", "exec", "--max-time", "abc", "1", says="is not a valid float"),
    case("watch", "--board-wait", "-1", "src", says="--board-wait"),
    case("watch", "--debounce", "abc", "src", says="is not a valid float"),
    case("watch", "src", "--run", "nope.py", says="no such program: nope.py"),
    case("watch", "src", "--run", "main.py", "--no-run", says="--run and --no-run exclude each other"),
    case("fleet", "status", "--workers", "0", says="--workers"),
    case("fleet", "status", "--workers", "abc", says="--workers"),
    case("fleet", "status", "--workers", "999", says="--workers"),
    case("fleet", "run", "--workers", "-3", "main.py", says="--workers"),
    case("fleet", "sync", "src", "--workers", "0", says="--workers"),
    case("flash", "--board", "nosuch", says="unknown board 'nosuch'"),
    case("flash", "--board", "", says="which board is this?"),
    case("flash", "--board", "esp32_generic", "--version", "0.0.1", "-p", "/dev/ttyNOPE", says="0.0.1"),
    case("kit", "build", "kit", "--board", "nosuch", "-o", "k.zip", says="unknown board 'nosuch'"),
    case("kit", "build", "kit", "--board", "esp32_generic", "--version", "9.9", "-o", "k.bin", says="9.9"),
    case("kit", "build", "kit", "--board", "virtual_wasm", "-o", "k.hex", says="is a .zip file, not .hex"),
    case("firmware", "fetch", "--board", "nosuch", says="unknown board 'nosuch'"),
    case("firmware", "fetch", "--board", "microbit_v1", "--version", "7.7", says="7.7"),
    case("firmware", "fetch", "--board", "microbit_v1", "--flavour", "nosuch", says="'nosuch' is not one of"),
    case("firmware", "add", "main.py", says="not a firmware image name"),
    case("firmware", "add", "images/image.hex", "--board", "nosuch", says="unknown board 'nosuch'"),
    case("test", "-t", "nosuch", says="no conformance target, port or virtual board named 'nosuch'"),
    case("test", "--test-timeout", "abc", says="is not a valid float"),
    case("check", "-t", "nosuch", "main.py", says="no feature data for target 'nosuch'"),
    case("check", "-t", "", "main.py", says="empty target name"),
    case("virtual", "start", "nosuchkind", says="'nosuchkind' is not one of"),
    case("virtual", "start", "wasm", "--baud", "abc", says="is not a valid integer"),
    case("virtual", "start", "wasm", "--baud", "-9600", says="--baud"),
    case("virtual", "start", "wasm", "--baud", "0", says="--baud"),
    case("virtual", "start", "wasm", "--timeout", "abc", says="is not a valid float"),
    case("virtual", "start", "wasm", "--webrepl", "abc", says="is not a valid integer"),
    case("virtual", "start", "wasm", "--webrepl", "70000", says="--webrepl"),
    case("virtual", "start", "wasm", "--name", "", says="name"),
    case("virtual", "start", "wasm", "--name", "../evil", says="name"),
    case("virtual", "start", "wasm", "--name", "a/b", says="name"),
    case("virtual", "start", "microbit", "--image", "nope.hex", says="nope.hex"),
    case("virtual", "start", "wasm", "--files", "nope", says="nope"),
    case("virtual", "stop", "nosuch", says="no running virtual board named nosuch"),
    case("fleet", "collect", "--out", "main.py", says="main.py"),
    case("fleet", "scan", "--board", "nosuch", says="unknown board 'nosuch'"),
    case("fleet", "scan", "--prefix", "../x", says="prefix"),
    case(*NO_BOARD, "sync", "src", "--exclude", "\\", name="sync --exclude backslash", says="not a valid pattern"),
]

# -- 3. ports: every command that talks to a board, every kind of port that is not a board

BAD_PORTS = [
    ("/dev/ttyNOPE", 2, "no such port: /dev/ttyNOPE"),
    ("relay://x", 2, "unknown kind of port 'relay://x'"),
    ("socket://127.0.0.1:9", 2, "cannot reach socket://127.0.0.1:9"),
    ("rfc2217://127.0.0.1:9", 2, "cannot reach rfc2217://127.0.0.1:9"),
    ("/dev/null", 2, "cannot open /dev/null"),
    ("src", 2, "src"),
    ("nosuchboard", 2, "no port or virtual board named 'nosuchboard'"),
    ("socket://127.0.0.1:abc", 2, "socket://127.0.0.1:abc"),
    ("main.py", 2, "main.py"),
]
BOARD_COMMANDS: list[tuple[str, ...]] = [
    ("exec", "print(1)"),
    ("ls",),
    ("info",),
    ("cat", "x.py"),
    ("rm", "x.py"),
    ("mkdir", "d"),
    ("put", "main.py"),
    ("get", "x.py", "out/"),
    ("run", "main.py"),
    ("sync", "src"),
    ("push", "main.py"),
    ("cp", "main.py", ":"),
    ("watch", "src"),
    ("mount", "src", "--exec", "1"),
]
CASES += [
    case("-p", port, *command, code=code, says=says, name=f"port {port} {' '.join(command)}")
    for port, code, says in BAD_PORTS
    for command in BOARD_COMMANDS
]
CASES += [
    case("-p", "ws://127.0.0.1:9", *command, says="cannot reach ws://127.0.0.1:9")
    for command in (("exec", "1"), ("ls",), ("put", "main.py"))
]
CASES += [
    case(
        *command,
        env={"BOARDKIT_PORT": "/dev/ttyNOPE"},
        says="no such port: /dev/ttyNOPE",
        name=f"BOARDKIT_PORT {command[0]}",
    )
    for command in BOARD_COMMANDS[:6]
]
CASES += [
    case("-p", "", "ls", says="", name="empty -p"),
    case("-p", "/dev/ttyNOPE", "reset", "--hard", says="/dev/ttyNOPE"),
    case("-p", "nosuchboard", "reset", "--hard", says="nosuchboard"),
    case("-p", "/dev/ttyNOPE", "repl", says="no such port"),
    case("-p", "/dev/ttyNOPE", "test", says="/dev/ttyNOPE"),
    case("-p", "/dev/ttyNOPE", "flash", "--board", "esp32_generic", "--offline", code=1, says="not in the cache"),
]
# A pty that never answers: "no answer" (3), bounded by the raw REPL's own waits.
CASES += [
    case("-p", SILENT, *command, code=3, says="no answer from", name=f"silent {command[0]}")
    for command in (("exec", "1"), ("ls",), ("info",), ("put", "main.py"), ("run", "main.py"), ("cat", "x.py"))
]

# -- 4. local paths and special files (said before any board is opened)

LOCAL = [
    (("put", "fifo"), "fifo is a named pipe (FIFO), not a regular file"),
    (("put", "/dev/zero", "z.bin"), "/dev/zero is a character device"),
    (("put", "/dev/null"), "/dev/null is a character device"),
    (("put", "/dev/stdin"), "not a regular file"),
    (("put", "huge.bin"), "huge.bin is 100 MB, more than any board can hold"),
    (("put", ""), "is a folder"),
    (("put", "src/"), "src is a folder"),
    (("run", "fifo"), "fifo is a named pipe (FIFO)"),
    (("run", "/dev/zero"), "/dev/zero is a character device"),
    (("run", "/dev/urandom"), "/dev/urandom is a character device"),
    (("run", "huge.bin"), "more than any board can hold"),
    (("run", "src"), "src is a folder"),
    (("run", ""), "is a folder"),
    (("mount", "main.py"), "main.py is a file, not a folder"),
    (("mount", "fifo"), "fifo is not a folder"),
    (("mount", "nodir"), "nodir: no such folder"),
    (("mount", "src", "--run", "fifo"), "fifo is a named pipe (FIFO)"),
    (("mount", "src", "--run", "src"), "src is a folder"),
    (("cp", "fifo", ":"), "fifo is a named pipe (FIFO)"),
    (("cp", "/dev/zero", ":z.bin"), "/dev/zero is a character device"),
    (("cp", ":x.py", "/proc/x.py"), "cannot write /proc/x.py"),
    (("cp", ":x.py", "nodir/sub/"), "no such folder"),
    (("cp", ":a", ":b"), "mark exactly one side"),
    (("cp", "main.py", "x.py"), "mark exactly one side"),
    (("push", "fifo"), "fifo is a named pipe (FIFO)"),
    (("push", "/dev/zero"), "/dev/zero is a character device"),
    (("push", "main.py", "huge.bin"), "huge.bin is 100 MB"),
    (("sync", "withfifo"), "withfifo/pipe.py is a named pipe (FIFO)"),
    (("sync", "withhuge"), "more than any board can hold"),
    (("sync", "fifo"), "fifo is not a folder"),
    (("sync", "/dev/null"), "/dev/null is not a folder"),
    (("sync", "src", "--exclude", "!"), "--exclude: not a valid pattern: '!'"),
    (("sync", "src", "--exclude", "[z-a]"), "--exclude: not a valid pattern"),
    (("sync", "bang"), "bang/.boardkitignore:1: not a valid pattern: '!'"),
    (("get", "a.py", "/proc/a.py"), "cannot write /proc/a.py"),
    (("get", "a.py", "/proc"), "cannot write /proc/a.py"),
    (("get", "a.py", "/proc/nosuch/a.py"), "no such folder: /proc/nosuch"),
    (("get", "a.py", "/dev/null"), "/dev/null is not a regular file"),
    (("get", "a.py", "fifo"), "fifo is not a regular file"),
    (("get", "a.py", "main.py/x"), "main.py is a file, not a folder"),
    (("get", "", "x"), "give a file, not a folder"),
    (("sync", "--pull", "/", "/proc/self/x"), "no such port"),
    (("sync", "--pull", "/", "main.py"), "main.py is not a folder"),
]
CASES += [case(*NO_BOARD, *args, says=says, name=f"local {' '.join(args) or '(empty)'}") for args, says in LOCAL]
CASES += [
    case("check", "fifo", says="fifo is a named pipe (FIFO)"),
    case("check", "/dev/zero", says="/dev/zero is a character device"),
    case("check", "/dev/null", says="/dev/null is a character device"),
    case("check", "huge.bin", says="more than any board can hold"),
    case("check", "binary.py", says="cannot read binary.py"),
    case("check", "syntax.py", says="syntax.py"),
    case("check", "nope.py", says="no such file"),
    case("check", "emptydir", says="no .py files in emptydir"),
]

# -- 5. rosters: every fleet command refuses a roster with a mistake, before touching a board

ROSTERS = {
    "syntax.toml": ("[seats.alice\nboard = 1\n", "TOML syntax"),
    "unknown-board.toml": ('[seats.alice]\nboard = "microbit_v3"\nvirtual = "x"\n', "unknown board type 'microbit_v3'"),
    "no-finder.toml": ('[seats.alice]\nboard = "virtual_wasm"\n', "has no way to find its board"),
    "no-board.toml": ('[seats.alice]\nvirtual = "x"\n', "has no board type"),
    "typo.toml": (
        '[seats.alice]\nbord = "virtual_wasm"\nboard = "virtual_wasm"\nvirtual = "x"\n',
        "unknown setting 'bord'",
    ),
    "dotname.toml": ('[seats."../x"]\nboard = "virtual_wasm"\nvirtual = "x"\n', "cannot start with '.'"),
    "bad-url.toml": ('[seats.alice]\nboard = "virtual_wasm"\nurl = "/dev/ttyUSB0"\n', "is not a network URL"),
    "two-finders.toml": (
        '[seats.alice]\nboard = "virtual_wasm"\nport = "/dev/ttyUSB0"\nurl = "socket://h:1"\n',
        "give only one of",
    ),
}
FLEET_COMMANDS: list[tuple[str, ...]] = [
    ("status",),
    ("run", "main.py"),
    ("exec", "1"),
    ("sync", "src"),
    ("push", "main.py"),
    ("reset",),
    ("label",),
    ("collect", "--out", "collected"),
]
CASES += [
    case("fleet", *command, "--roster", f"rosters/{roster}", says=says, name=f"roster {roster} {command[0]}")
    for roster, (_, says) in ROSTERS.items()
    for command in FLEET_COMMANDS
]
CASES += [
    case("fleet", "status", "--roster", "nope.toml", says="nope.toml"),
    case("fleet", "run", "main.py", "--roster", "nope.toml", says="nope.toml"),
    case("fleet", "status", "--roster", "src", says="src"),
    case("fleet", "status", "--roster", "fifo", says="fifo"),
    case("fleet", "status", "--roster", "/dev/zero", says="/dev/zero"),
    case("fleet", "status", env={"BOARDKIT_ROSTER": "nope.toml"}, says="nope.toml", name="BOARDKIT_ROSTER missing"),
    case("fleet", "status", "--roster", "rosters/good.toml", "--only", "nosuch", says="nosuch"),
    case("fleet", "run", "main.py", "--roster", "rosters/good.toml", "--only", "zed,nosuch", says="nosuch"),
    case("fleet", "run", "fifo", "--roster", "rosters/good.toml", says="fifo"),
    case("fleet", "run", "/dev/zero", "--roster", "rosters/good.toml", says="/dev/zero"),
    case("fleet", "sync", "bang", "--roster", "rosters/good.toml", says="not a valid pattern: '!'"),
    case("fleet", "sync", "src", "--exclude", "!", "--roster", "rosters/good.toml", says="not a valid pattern: '!'"),
    case("fleet", "sync", "withfifo", "--roster", "rosters/good.toml", says="named pipe"),
    case("fleet", "sync", "nope", "--roster", "rosters/good.toml", says="nope"),
    case("fleet", "push", "fifo", "--roster", "rosters/good.toml", says="fifo"),
    case("fleet", "push", "nope.py", "--roster", "rosters/good.toml", says="nope.py"),
    case("fleet", "flash", "--kit", "nope", "--roster", "rosters/good.toml", says="nope"),
    case("fleet", "flash", "--image", "nope.hex", "--roster", "rosters/good.toml", says="nope.hex"),
    case("fleet", "collect", "--out", "main.py", "--roster", "rosters/good.toml", says="main.py"),
]

# -- 6. firmware images: empty, random, truncated, the wrong format, not a file

IMAGES = [
    ("images/empty.hex", "empty"),
    ("images/random.hex", "MicroPython"),
    ("images/truncated.hex", "truncated"),
    ("images/binary.hex", "not an Intel HEX file"),
    ("images/random.bin", "is a esp-bin image; board 'microbit_v1' takes hex"),
    ("images/random.uf2", "is a uf2 image; board 'microbit_v1' takes hex"),
    ("fifo.hex", "named pipe (FIFO)"),
    ("nope.hex", "nope.hex"),
]
CASES += [
    case(
        "firmware",
        "add",
        image,
        "--board",
        "microbit_v1",
        code=1 if image.startswith("images/") and image.endswith(".hex") else 2,
        says=says,
    )
    for image, says in IMAGES
]
CASES += [
    case(
        "kit",
        "build",
        "kit",
        "--board",
        "microbit_v1",
        "--firmware",
        image,
        "-o",
        "out.hex",
        code=2 if image in ("fifo.hex", "nope.hex") else 1,
        says="",
        name=f"kit --firmware {image}",
    )
    for image, _says in IMAGES
]
CASES += [
    case(
        "flash",
        "--board",
        "esp32_generic",
        "-p",
        "/dev/ttyNOPE",
        image,
        code=2 if image in ("fifo.hex", "nope.hex") else 1,
        says="",
        name=f"flash esp32 {image}",
    )
    for image, _says in IMAGES
]
CASES += [
    case("firmware", "add", "/dev/zero", says="/dev/zero is a character device"),
    case("firmware", "add", "src", says="src"),
    case("firmware", "add", "images/image.txt", says="not a firmware image name"),
    case("flash", "--board", "virtual_wasm", "-p", "/dev/ttyNOPE", "images/random.hex", says=""),
    case("flash", "--board", "virtual_wasm", "-p", "/dev/ttyNOPE", "/dev/zero", says="/dev/zero"),
    case("flash", "--board", "microbit_v1", "--drive", "nodrive", "images/random.hex", code=1, says=""),
]

# -- 7. kits

CASES += [
    case("kit", "build", "nope", "--board", "virtual_wasm", "-o", "k.zip", says="nope is not a folder"),
    case("kit", "build", "main.py", "--board", "virtual_wasm", "-o", "k.zip", says="main.py is not a folder"),
    case("kit", "build", "emptydir", "--board", "virtual_wasm", "-o", "k.zip", says="has no files"),
    case("kit", "build", "badkit", "--board", "virtual_wasm", "-o", "k.zip", says="lib/util.py:2: SyntaxError"),
    case("kit", "build", "badkit", "--board", "virtual_microbit", "-o", "k.hex", says="lib/util.py:2: SyntaxError"),
    case("kit", "build", "badkit", "--board", "microbit_v1", "-o", "k.hex", says="lib/util.py:2: SyntaxError"),
    case("kit", "build", "deepkit", "--board", "virtual_microbit", "-o", "k.hex", says="flat filesystem"),
    case(
        "kit",
        "build",
        "kit",
        "--board",
        "virtual_wasm",
        "-o",
        "/nonexistent/dir/k.zip",
        says="no such folder: /nonexistent/dir",
    ),
    case(
        "kit", "build", "kit", "--board", "virtual_wasm", "-o", "main.py/k.zip", says="main.py is a file, not a folder"
    ),
    case("kit", "build", "kit", "--board", "virtual_wasm", "-o", "src", says="src is a folder"),
    case("kit", "build", "kit", "--board", "virtual_wasm", "-o", "/proc/k.zip", says="cannot write /proc/k.zip"),
    case("kit", "build", "withfifo", "--board", "virtual_wasm", "-o", "k.zip", says="named pipe"),
    case("kit", "build", "bang", "--board", "virtual_wasm", "-o", "k.zip", says="not a valid pattern"),
    case("flash", "--board", "virtual_wasm", "-p", "/dev/ttyNOPE", "--kit", "badkit", says="SyntaxError"),
    case("flash", "--board", "virtual_wasm", "-p", "/dev/ttyNOPE", "--kit", "nope", says="nope"),
]

# -- 8. the environment: state and data folders that are files, a bad default port

CASES += [
    case(
        *command,
        env={"BOARDKIT_HOME": "{file}"},
        says="BOARDKIT_HOME={file} is a file",
        name=f"HOME=file {' '.join(command)}",
    )
    for command in (
        ("devices",),
        ("virtual", "list"),
        ("virtual", "start", "wasm"),
        ("-p", "wasm1", "ls"),
        ("virtual", "stop", "--all"),
        ("-p", "wasm1", "exec", "1"),
    )
]
CASES += [
    case(
        "virtual", "start", "wasm", env={"BOARDKIT_DATA": "{file}"}, says="BOARDKIT_DATA={file} is a file, not a folder"
    ),
    case("virtual", "list", env={"BOARDKIT_HOME": "{file}/sub"}, says="cannot make boardkit's state folder"),
    case("devices", env={"BOARDKIT_HOME": "/proc/boardkit"}, says="/proc/boardkit", name="HOME in /proc"),
]

# -- 9. interrupts: Ctrl-C while boardkit waits on a silent board: one line, status 130

CASES += [
    case("-p", SILENT, *command, code=130, says="interrupted", interrupt_after=2.0, name=f"Ctrl-C {command[0]}")
    for command in (("exec", "1"), ("ls",), ("put", "main.py"), ("info",), ("run", "main.py"), ("cat", "x.py"))
]

# -- 10. boards vanishing: the other end hangs up (a TEST DOUBLE: a TCP port that accepts a
# connection and closes it at once, as a board unplugged behind ser2net does)

CASES += [
    case("-p", VANISHING, *command, code=2, says="lost the connection", name=f"vanishing {command[0]}")
    for command in (("exec", "1"), ("ls",), ("put", "main.py"), ("get", "x.py", "out/"), ("info",), ("run", "main.py"))
]

# -- 11. names and files on real (virtual) boards: refused, and the board's files unchanged

BOARD_CASES = [
    case("-p", "{port}", "cat", "ghost.py", code=1, says="ghost.py", board="microbit"),
    case("-p", "{port}", "get", "ghost.py", "out/", code=1, says="ghost.py", board="microbit"),
    case("-p", "{port}", "rm", "ghost.py", code=1, says="ghost.py", board="microbit"),
    case("-p", "{port}", "mkdir", "lib", code=1, says="flat filesystem", board="microbit"),
    case("-p", "{port}", "put", "main.py", "lib/main.py", code=1, says="flat filesystem", board="microbit"),
    case(
        "-p", "{port}", "put", "main.py", "x" * 130 + ".py", code=1, says="is too long for this board", board="microbit"
    ),
    case("-p", "{port}", "run", "ctl.py", code=2, says="control byte 0x04", board="microbit"),
    case("-p", "{port}", "run", "toobig.py", code=2, says="more than this board's raw REPL can hold", board="microbit"),
    case("-p", "{port}", "sync", "src", "/lib", code=1, says="", board="microbit"),
    case("-p", "{port}", "cat", "ghost.py", code=1, says="ghost.py", board="wasm"),
    case("-p", "{port}", "cat", "/", code=1, says="", board="wasm"),
    case("-p", "{port}", "ls", "/ghost", code=1, says="ghost", board="wasm"),
    case("-p", "{port}", "rm", "/", code=1, says="", board="wasm"),
    case("-p", "{port}", "run", "ctl.py", code=2, says="control byte 0x04", board="wasm"),
    case(
        "-p",
        "{port}",
        "exec",
        "--max-time",
        "1",
        "import time\nwhile True: time.sleep(0.1)",
        code=3,
        says="still running after 1 s",
        board="wasm",
    ),
    case("-p", "{port}", "exec", "x = '\x04'", code=2, says="control byte 0x04", board="wasm"),
]
CASES += BOARD_CASES


# ---------------------------------------------------------------- the project folder


def _make_project(root: Path) -> None:
    """Every file the cases name, relative to root (the cases' working folder)."""
    from intelhex import IntelHex

    (root / "main.py").write_text("print(1)\n")
    (root / "x.py").write_text("print('x')\n")
    (root / "src").mkdir()
    (root / "src" / "a.py").write_text("x = 1\n")
    (root / "emptydir").mkdir()
    (root / "out").mkdir()
    os.mkfifo(root / "fifo")
    os.mkfifo(root / "fifo.hex")
    with open(root / "huge.bin", "wb") as f:  # sparse: 100 MB that take no disk
        f.truncate(100 * 1024 * 1024)
    (root / "binary.py").write_bytes(b"\xff\xfe\x00garbage")
    (root / "syntax.py").write_text("def f(:\n")
    (root / "ctl.py").write_bytes(b"print('first')\ns = '\x04'\nprint('second')\n")
    (root / "toobig.py").write_text("".join(f"x{i} = {i}\n" for i in range(2000)))
    (root / "a-file").write_text("not a folder\n")
    for name, pattern in [("bang", "!\n")]:
        (root / name).mkdir()
        (root / name / "a.py").write_text("x = 1\n")
        (root / name / ".boardkitignore").write_text(pattern)
    (root / "withfifo").mkdir()
    (root / "withfifo" / "a.py").write_text("x = 1\n")
    os.mkfifo(root / "withfifo" / "pipe.py")
    (root / "withhuge").mkdir()
    with open(root / "withhuge" / "big.dat", "wb") as f:
        f.truncate(100 * 1024 * 1024)
    (root / "kit").mkdir()
    (root / "kit" / "main.py").write_text("print('kit')\n")
    (root / "badkit" / "lib").mkdir(parents=True)
    (root / "badkit" / "main.py").write_text("import util\n")
    (root / "badkit" / "lib" / "util.py").write_text("x = 1\ndef f(:\n    pass\n")
    (root / "deepkit" / "lessons").mkdir(parents=True)
    (root / "deepkit" / "lessons" / "one.py").write_text("x = 1\n")
    rosters = root / "rosters"
    rosters.mkdir()
    for name, (text, _) in ROSTERS.items():
        (rosters / name).write_text(text)
    (rosters / "good.toml").write_text('[seats.zed]\nboard = "virtual_wasm"\nvirtual = "nosuch-virtual"\n')
    images = root / "images"
    images.mkdir()
    (images / "empty.hex").write_text("")
    ih = IntelHex()
    ih.frombytes(os.urandom(4096), offset=0)
    ih.write_hex_file(str(images / "random.hex"))
    lines = (images / "random.hex").read_text().splitlines()
    (images / "truncated.hex").write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    (images / "binary.hex").write_bytes(os.urandom(2048).replace(b":", b";"))
    (images / "random.bin").write_bytes(b"\x29" + os.urandom(4095))
    (images / "random.uf2").write_bytes(os.urandom(1024))
    (images / "image.txt").write_text("firmware?\n")
    (images / "image.hex").write_text(":00000001FF\n")


def _snapshot(root: Path) -> dict[str, str]:
    """Every regular file under root by its hash; FIFOs and sparse files by their kind/size."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_fifo():
            found[rel] = "fifo"
        elif path.is_file() and path.stat().st_size > 1024 * 1024:
            found[rel] = f"size {path.stat().st_size}"
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[rel] = "dir"
    return found


@contextlib.contextmanager
def _silent_pty() -> Iterator[str]:
    master, slave = os.openpty()
    try:
        yield os.ttyname(slave)
    finally:
        os.close(master)
        os.close(slave)


@contextlib.contextmanager
def _vanishing_port() -> Iterator[str]:
    """TEST DOUBLE (no real part hangs up on cue): a TCP port that accepts and closes at once."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"socket://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        server.close()


@dataclass
class Outcome:
    returncode: int | None
    stdout: bytes = b""
    stderr: bytes = b""
    seconds: float = 0.0
    hung: bool = False
    args: list[str] = field(default_factory=list)


def _run_case(c: Case, cwd: Path, fill: dict[str, str]) -> Outcome:
    args = [a.format(**fill) if "{" in a else a for a in c.args]
    env = {**os.environ, **{k: v.format(**fill) for k, v in c.env}}
    started = time.monotonic()
    proc = subprocess.Popen(
        [*BOARDKIT, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if c.stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if c.interrupt_after:
        timer = threading.Timer(c.interrupt_after, proc.send_signal, (signal.SIGINT,))
        timer.start()
    try:
        out, err = proc.communicate(c.stdin, timeout=CASE_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Outcome(None, out, err, time.monotonic() - started, hung=True, args=args)
    return Outcome(proc.returncode, out, err, time.monotonic() - started, args=args)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, object]:
    """Run every case once: the boardless ones concurrently, the board ones one board at a time."""
    root = tmp_path_factory.mktemp("corpus")
    _make_project(root)
    before = _snapshot(root)
    outcomes: dict[str, Outcome] = {}
    board_cases = [c for c in CASES if c.board]
    needs = {c.board for c in board_cases}
    ports = {}
    listings_before = {}
    if "wasm" in needs:
        ports["wasm"] = request.getfixturevalue("wasm_board").name
    if "microbit" in needs:
        ports["microbit"] = request.getfixturevalue("microbit_board").name
    for kind, port in ports.items():
        listings_before[kind] = _board_files(port)
    with _silent_pty() as silent, _vanishing_port() as vanishing:
        fill = {"silent": silent, "vanishing": vanishing, "file": str(root / "a-file")}

        def one(c: Case) -> None:
            outcomes[c.id] = _run_case(c, root, {**fill, "port": ports.get(c.board, "")})

        def serial(kind: str) -> None:
            for c in board_cases:
                if c.board == kind:
                    one(c)

        # the silent pty serves one case at a time: run those in order, in their own thread
        silent_cases = [c for c in CASES if not c.board and SILENT in c.args]
        free = [c for c in CASES if not c.board and SILENT not in c.args]
        with ThreadPoolExecutor(max_workers=6) as pool:
            jobs = [pool.submit(serial, kind) for kind in ports]
            jobs.append(pool.submit(lambda: [one(c) for c in silent_cases]))
            jobs += [pool.submit(one, c) for c in free]
            for job in jobs:
                job.result()
    listings_after = {kind: _board_files(port) for kind, port in ports.items()}
    return {
        "outcomes": outcomes,
        "root": root,
        "before": before,
        "after": _snapshot(root),
        "boards": (listings_before, listings_after),
    }


def _board_files(port: str) -> list[str]:
    result = subprocess.run([*BOARDKIT, "-p", port, "ls", "--json"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return sorted(result.stdout.decode().splitlines())


def test_the_corpus_has_at_least_300_cases() -> None:
    ids = [c.id for c in CASES]
    assert len(set(ids)) == len(ids), sorted({i for i in ids if ids.count(i) > 1})
    assert len(CASES) >= 300, len(CASES)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_bad_input_verdict(corpus: dict[str, object], c: Case) -> None:
    outcome = corpus["outcomes"][c.id]  # type: ignore[index]
    err = outcome.stderr.decode(errors="replace")
    assert not outcome.hung, f"hung (> {CASE_TIMEOUT:g} s): {outcome.args} {err[-500:]}"
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("boardkit: "), (outcome.args, err)
    assert outcome.returncode == c.code, (outcome.returncode, outcome.args, err)
    fill = {"file": str(corpus["root"] / "a-file")}  # type: ignore[operator]
    assert c.says.format(**fill) in lines[0], (c.says, lines[0])


def test_nothing_local_was_lost_or_changed(corpus: dict[str, object]) -> None:
    before, after = corpus["before"], corpus["after"]
    assert after == before, {
        k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)
    }  # type: ignore[union-attr,operator]


def test_nothing_on_the_boards_was_lost_or_changed(corpus: dict[str, object]) -> None:
    listings_before, listings_after = corpus["boards"]  # type: ignore[misc]
    assert listings_after == listings_before
