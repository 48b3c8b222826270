"""Device's re-runs of its own calls: a re-run must not leave the failed run's output behind.

A scripted board stands in for the exec layer (a fake, in addition to the real-board tests):
the first run of _bk_get prints part of the file, then runs out of memory, as a micro:bit
with a fragmented heap does; boardkit drops helpers and runs the call again.
"""

from __future__ import annotations

import ast
import base64

import pytest

from boardkit.device import Capabilities, Device
from boardkit.errors import BoardkitError, RemoteError


def unguarded(code: str) -> str:
    """The call a guarded exec (_bk_x, plain raw mode) runs, checked as lib/bk_fs.py does."""
    if not code.startswith("_bk_x("):
        return code
    call, check = ast.literal_eval(code[len("_bk_x") :])
    data = call.encode()
    if len(data) << 16 | sum(data) & 0xFFFF != check:
        raise RemoteError("ValueError: bk: garbled call", exc_type="ValueError")
    return call


class ScriptedDevice(Device):
    def __init__(self, content: bytes):
        super().__init__(link=None, url="scripted://")
        self._caps = Capabilities(
            "micropython",
            (1, 9, 2),
            "microbit",
            "micro:bit",
            "",
            8000,
            10000,
            ["listdir", "remove", "size"],
            binascii=True,
        )
        self.content = content
        self.get_runs = 0

    def exec(self, code, on_output=None, timeout=None):
        return self.run(unguarded(code), on_output)

    def run(self, code, on_output=None):
        if "_bk_stat(" in code and "print" in code:
            return repr(("f", len(self.content))).encode() + b"\r\n"
        if code.startswith("_bk_get("):
            self.get_runs += 1
            lines = [base64.b64encode(self.content[i : i + 128]) + b"\r\n" for i in range(0, len(self.content), 128)]
            if self.get_runs == 1:
                on_output(b"".join(lines[:2]))  # two pieces arrive, then the heap runs out
                raise RemoteError("MemoryError: memory allocation failed", exc_type="MemoryError")
            on_output(b"".join(lines))
            return b""
        return b""  # helper definitions, evictions


def test_a_rerun_read_keeps_only_the_new_runs_output():
    content = bytes(range(256)) * 3
    device = ScriptedDevice(content)
    device.helpers.loaded.update({"", "_bk_hash", "_bk_tree", "_bk_copy"})  # something to evict
    assert device.read_file("/data.bin") == content
    assert device.get_runs == 2


class GarblingDevice(ScriptedDevice):
    """The first run of a call lost a byte of a name on the way (plain raw mode, busy board)."""

    def run(self, code, on_output=None):
        if code.startswith("_bk_get(") and self.get_runs == 0:
            self.get_runs += 1
            raise RemoteError(
                "AttributeError: 'module' object has no attribute 'impmentation'", exc_type="AttributeError"
            )
        return super().run(code, on_output)


def test_a_name_garbled_on_the_way_is_sent_again():
    content = b"print('hello')\n" * 40
    device = GarblingDevice(content)
    device.repl.raw_paste = False  # plain raw mode: no flow control, bytes can be lost
    assert device.read_file("/main.py") == content


class FragmentedDevice(ScriptedDevice):
    """Helper definitions cannot be parsed (a fragmented heap) until a soft reset."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.resets = 0
        self.fresh_repls = 0

    def fresh_raw_repl(self):
        self.fresh_repls += 1  # frees the line buffer: not enough for this heap

    def soft_reset(self):
        self.resets += 1
        self.helpers.forget()

    def run(self, code, on_output=None):
        if code.startswith("def ") and self.resets == 0:
            raise RemoteError("MemoryError: parser could not allocate enough memory", exc_type="MemoryError")
        return super().run(code, on_output)


def test_a_heap_too_fragmented_for_our_helpers_gets_a_soft_reset():
    content = b"x = 1\n" * 50
    device = FragmentedDevice(content)
    assert device.read_file("/main.py") == content
    assert device.fresh_repls == 1 and device.resets == 1


def test_no_soft_reset_while_a_board_file_is_open():
    device = FragmentedDevice(b"")
    device.helpers.file_open = True  # mid write_file: a reset would close the board's file under us
    with pytest.raises(BoardkitError, match="memory"):
        device.read_file("/main.py")
    assert device.fresh_repls == 1 and device.resets == 0


class GarbledHelperDevice(ScriptedDevice):
    """_bk_get's definition lost bytes on the way but still parsed: every call of it fails
    with a NameError until it is defined again (what CI saw on a busy micro:bit)."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.definitions = 0

    def run(self, code, on_output=None):
        if "def _bk_get(" in code:
            self.definitions += 1
            return b""
        if code.startswith("_bk_get(") and self.definitions < 2:
            raise RemoteError("NameError: name '_' is not defined", exc_type="NameError")
        return super().run(code, on_output)


def test_a_helper_garbled_on_the_way_is_defined_again():
    content = b"print('hello')\n" * 40
    device = GarbledHelperDevice(content)
    device.repl.raw_paste = False
    assert device.read_file("/main.py") == content
    assert device.definitions == 2


def test_with_flow_control_a_name_error_is_not_taken_for_garbling():
    device = GarbledHelperDevice(b"x")
    device.repl.raw_paste = True  # raw-paste: nothing is lost on the way, so the error is real
    with pytest.raises(BoardkitError, match="NameError"):
        device.read_file("/main.py")
    assert device.definitions == 1


class LossyDevice(ScriptedDevice):
    """The first guarded call lost one byte of its path on the way: what is left still
    parses and names another file, so only the call's own check can catch it."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.lost = 0

    def exec(self, code, on_output=None, timeout=None):
        if "_bk_get(" in code and not self.lost:
            self.lost += 1
            code = code.replace("main.py", "mai.py", 1)
        return super().exec(code, on_output, timeout)

    def run(self, code, on_output=None):
        if "mai.py" in code:
            raise RemoteError("OSError: [Errno 2] ENOENT", exc_type="OSError")
        return super().run(code, on_output)


def test_a_call_that_lost_a_byte_of_its_path_is_sent_again():
    content = b"print('hello')\n" * 40
    device = LossyDevice(content)
    device.repl.raw_paste = False
    assert device.read_file("/main.py") == content
    assert device.lost == 1


def test_with_flow_control_calls_go_as_they_are():
    device = ScriptedDevice(b"x")
    device.repl.raw_paste = True
    sent = []
    run = device.run
    device.run = lambda code, on_output=None: (sent.append(code), run(code, on_output))[1]
    assert device.read_file("/main.py") == b"x"
    assert not [code for code in sent if "_bk_x(" in code]
