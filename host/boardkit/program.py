"""A user's program as it goes to the board: refused when it cannot arrive whole, and
wrapped so that sys.exit(N) on the board becomes the host's exit status N.

MicroPython's raw REPL swallows SystemExit: the micro:bit's 1.9 firmware ends the program
as if it had finished, newer firmware soft-resets the board, and neither sends the code.
A program that mentions `exit` therefore runs inside exec(), under a handler that turns
SystemExit into an error line the host recognises (EXIT_MARKER); its traceback is then
shown as if the program had run directly.
"""

from __future__ import annotations

import re

from boardkit.errors import BoardkitError, InvalidInput, RemoteError
from boardkit.safe_ast import literal

EXIT_MARKER = "BoardkitExit"
_EXIT_LINE = re.compile(rf"^Exception: \('{EXIT_MARKER}', (?P<code>.*)\)\s*$", re.MULTILINE)

# Two lines before the program's own source: the wrapper's frame in a traceback names these.
_WRAPPER = (
    "try:\n"
    " exec({source!r})\n"
    "except SystemExit as e:\n"
    " raise Exception('" + EXIT_MARKER + "', repr(e.args[0] if e.args else None))\n"
)


class ProgramExit(BoardkitError):
    """The program called sys.exit(code) (or raised SystemExit): the CLI exits with code.

    said: the message of sys.exit("message") (which exits 1), else "".
    """

    def __init__(self, code: int, said: str = "") -> None:
        super().__init__(said or f"the program exited with status {code}")
        self.exit_code = code
        self.said = said


def control_byte(code: bytes, forbidden: bytes) -> InvalidInput | None:
    """The error for the first byte of `forbidden` in code (the raw REPL would take it as a
    command and run only part of the program), or None."""
    index = next((i for i, b in enumerate(code) if b in forbidden), None)
    if index is None:
        return None
    line = code.count(b"\n", 0, index) + 1
    return InvalidInput(
        f"the code holds control byte 0x{code[index]:02x} (line {line}), which the board's "
        "raw REPL takes as a command, so only part of the program would run",
        hint="write it as an escape, e.g. '\\x04'",
    )


def may_exit(code: bytes) -> bool:
    """Whether code can raise SystemExit by name (sys.exit, SystemExit, exit())."""
    return b"exit" in code or b"Exit" in code


def wrap(code: bytes) -> bytes:
    """code inside the SystemExit handler (see the module's docstring)."""
    return _WRAPPER.format(source=code).encode()


def unwrap_error(exc: RemoteError) -> BoardkitError:
    """The error a wrapped program's failure stands for: ProgramExit for sys.exit, else the
    same RemoteError with the wrapper's frame taken out of its traceback."""
    found = _EXIT_LINE.search(exc.traceback)
    if found:
        try:
            value = literal(literal(found.group("code")))
        except (ValueError, SyntaxError):
            value = 1
        if value is None:
            return ProgramExit(0)
        if isinstance(value, bool | int):
            return ProgramExit(int(value) & 0xFF)
        return ProgramExit(1, str(value))  # sys.exit("message"): CPython prints it, exits 1
    lines = exc.traceback.split("\n")
    # The wrapper's frames come first, before the program's own ("<string>"): one, or two
    # on firmware that records the re-raise at the end of the handler too (1.9).
    first = next((i for i, line in enumerate(lines) if 'File "<string>"' in line), 0)
    lines = [line for i, line in enumerate(lines) if i >= first or 'File "<stdin>"' not in line]
    exc.traceback = "\n".join(line.replace('File "<string>"', 'File "<stdin>"') for line in lines)
    return exc
