"""Device: one board, reached over a Link, driven through the raw REPL.

Capabilities are probed once per session (lazily, so `exec` does not pay for it) and
every filesystem operation adapts to what the board has: modern MicroPython,
CircuitPython, or the micro:bit v1's flat filesystem without os.stat.

Device is the session (exec/eval, resets, its lifetime); what it does with files is
RemoteFiles (remote_fs.py), through boardkit's helpers on the board (helpers.py).
"""

from __future__ import annotations

from typing import Any

from boardkit.device import board_cache, resident
from boardkit.device.errors import remote_error
from boardkit.device.helpers import HelperLoader
from boardkit.device.probe import Capabilities, probe, small_heap
from boardkit.device.remote_fs import FileEntry, Progress, RemoteFiles, Stat
from boardkit.errors import BoardChanged, BoardkitError
from boardkit.links import Link
from boardkit.repl import OutputCallback, RawRepl
from boardkit.safe_ast import literal


class Device:
    """A board you can run code on and move files to and from."""

    def __init__(self, link: Link, url: str, timeout: float = 10.0) -> None:
        self.link = link
        self.url = url
        self.repl = RawRepl(link, timeout=timeout)
        self._caps: Capabilities | None = None
        self._caps_cached = False  # self._caps came from the host's cache (board_cache.py)
        self._may_use_cache = False
        self.helpers = HelperLoader(self)
        self.files = RemoteFiles(self, self.helpers)

    def use_cached_caps(self) -> None:
        """Take the capabilities this board reported in an earlier session instead of probing
        (a round trip saved): a transfer's first helper call checks it is the same board.

        Memory and free-space figures may then be old; writes still check on the board."""
        self._may_use_cache = True

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        """Tidy up our helpers, leave the board at its friendly REPL, release the port."""
        try:
            self.files.save_cache()
            # Our helpers live in the REPL's globals; a small board needs that heap back.
            self.helpers.clean()
            self.repl.exit()
        except BoardkitError:
            pass
        finally:
            self.link.close()

    def __enter__(self) -> Device:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running code ----------------------------------------------------------------

    def exec(self, code: str | bytes, on_output: OutputCallback | None = None, timeout: float | None = None) -> bytes:
        """Run code; stream its output; return stdout. Raises RemoteError if it raised."""
        result = self.repl.exec(code, on_stdout=on_output, timeout=timeout)
        if result.raised:
            raise remote_error(result.stderr)
        return result.stdout

    def send_input(self, data: bytes) -> None:
        """Keys for the running program's input() (from another thread while exec runs)."""
        self.repl.send_input(data)

    def eval(self, expression: str) -> Any:
        """Evaluate an expression on the board and return it as a Python value (literals only)."""
        return literal(self.exec(f"print(repr({expression}))").decode().strip())

    @property
    def caps(self) -> Capabilities:
        """What this board is and can do (probed on first use)."""
        if self._caps is None and self._may_use_cache:
            self._caps = board_cache.caps_from(board_cache.load(self.url))
            self._caps_cached = self._caps is not None
        if self._caps is None:
            self._caps = probe(self.helpers.exec_own, self.fresh_raw_repl)
            if resident.applies(self._caps):
                record = board_cache.load(self.url)
                record["caps"] = board_cache.caps_record(self._caps)
                board_cache.save(self.url, record)
            else:  # another board may have left its record at this port: not this one's
                board_cache.forget(self.url)
        return self._caps

    @property
    def caps_cached(self) -> bool:
        """The capabilities came from the host's cache and are not yet checked this session."""
        return self._caps_cached

    def reprobe(self) -> None:
        """Probe again after the cached capabilities turned out not to be this board's.

        Raises BoardChanged when the difference matters to calls already made this session
        (paths spelt for another board, another transfer path): the caller runs them again."""
        old = self._caps
        self._caps, self._caps_cached, self._may_use_cache = None, False, False
        self.helpers.forget()
        self.helpers.resident = None  # decided again from what the probe says
        new = self.caps
        if old is not None and _shape(old) != _shape(new):
            raise BoardChanged(
                f"the board at {self.url} is not the one boardkit saw there last ({new.machine}, not {old.machine})",
                hint="run the command again: boardkit now knows this board",
            )

    # -- resets ----------------------------------------------------------------------

    def fresh_raw_repl(self) -> None:
        """Leave the raw REPL and enter it again: frees its line buffer, which stays as big as
        the longest code it took (3 KB of code held 3 KB of a micro:bit's 9.5 KB heap)."""
        self.repl.exit()
        self.repl.enter()

    def soft_reset(self) -> None:
        """A fresh heap (the REPL's globals, our helpers with them, are gone)."""
        self.repl.soft_reset()
        self.helpers.forget()

    # -- files (see RemoteFiles) -------------------------------------------------------

    def board_path(self, path: str) -> str:
        """A path as this board spells it: absolute where it has folders, bare on a flat one."""
        return self.files.board_path(path)

    def check_name(self, path: str) -> None:
        """Refuse names this board cannot store, before touching anything."""
        self.files.check_name(path)

    def stat(self, path: str) -> Stat | None:
        """("f", size) or ("d", 0) for what is at path; None when nothing is."""
        return self.files.stat(path)

    def listdir(self, path: str = "/") -> list[FileEntry]:
        """What one folder holds (folders first), or the file itself when path is a file."""
        return self.files.listdir(path)

    def tree(self, path: str = "/") -> list[FileEntry]:
        """Everything below path, with sizes and content hashes, in one round trip."""
        return self.files.tree(path)

    def listing(self, path: str = "/") -> tuple[Stat | None, list[FileEntry]]:
        """(what path is, as stat() says; everything below it), in one round trip."""
        return self.files.listing(path)

    def read_file(self, path: str, progress: Progress | None = None) -> bytes:
        """A whole file's bytes."""
        return self.files.read_file(path, progress)

    def write_file(self, path: str, data: bytes, progress: Progress | None = None) -> None:
        """Write a whole file; the old one is replaced only once the new one is complete."""
        self.files.write_file(path, data, progress)

    def remove(self, path: str, recursive: bool = False) -> None:
        """Remove a file or an empty folder; with recursive, a folder and all it holds."""
        self.files.remove(path, recursive)

    def mkdir(self, path: str) -> None:
        """Make one folder (its parent must exist)."""
        self.files.mkdir(path)


def _shape(caps: Capabilities) -> tuple[object, ...]:
    """What of a board's capabilities the calls boardkit builds depend on."""
    return (
        caps.implementation,
        caps.platform,
        caps.has_folders,
        small_heap(caps),
        caps.binascii,
        caps.sha256,
        caps.deflate,
        caps.mpy_version,
    )
