"""The raw REPL protocol against a scripted peer (see fake_board.py), plus hostile bytes."""

from __future__ import annotations

import itertools

import pytest
from fake_board import BANNER, FakeLink, ScriptedBoard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkit.errors import BoardHung, BoardkitError, CodeLost, InvalidInput, LinkTimeout, NoMicroPython
from boardkit.repl import RawRepl


def echo_runner(code: bytes) -> tuple[bytes, bytes]:
    if code.startswith(b"raise"):
        return b"", b"Traceback (most recent call last):\r\nValueError: boom\r\n"
    return b"ran " + str(len(code)).encode() + b"\r\n", b""


def make(raw_paste=True, window=32, chunking=None, runner=echo_runner):
    board = ScriptedBoard(runner, raw_paste=raw_paste, window=window)
    link = FakeLink(board, chunking=chunking)
    return RawRepl(link, timeout=0.2, answer_timeout=0.1), board, link


def test_exec_uses_raw_paste_when_the_board_has_it():
    repl, board, link = make()
    result = repl.exec("print(1)")
    assert result.stdout == b"ran 8\r\n" and result.stderr == b""
    assert repl.raw_paste is True
    assert b"\x05A\x01" in link.written


def test_exec_falls_back_to_plain_raw_on_old_firmware():
    repl, board, link = make(raw_paste=False)
    assert repl.exec("x = 1").stdout == b"ran 5\r\n"
    assert repl.raw_paste is False
    written_before = len(link.written)
    repl.exec("y = 2")
    assert b"\x05" not in link.written[written_before:]  # asked once per session only


def test_plain_raw_refuses_code_holding_raw_repl_commands():
    repl, board, link = make(raw_paste=False)
    repl.exec("x = 1")
    written_before = len(link.written)
    with pytest.raises(InvalidInput, match=r"control byte 0x02 \(line 2\)"):
        repl.exec("a = 1\nb = '\x02'\n")
    assert b"b = " not in link.written[written_before:]  # nothing of it was sent
    assert repl.exec("y = 2").stdout == b"ran 5\r\n"


@given(size=st.integers(1, 3000), window=st.integers(1, 300))
@settings(max_examples=60, deadline=None)
def test_raw_paste_never_sends_beyond_the_granted_window(size, window):
    repl, board, link = make(window=window)
    code = b"a" * size
    assert repl.exec(code).stdout == b"ran %d\r\n" % size
    assert board.max_paste_overrun == 0


@pytest.mark.parametrize("raw_paste", [True, False])
@pytest.mark.parametrize("code", ["", "  \n"])
def test_an_empty_program_is_never_sent_empty(raw_paste, code):
    # Ctrl-D right after the raw prompt means "soft reset"; an empty file must just run.
    seen = []
    repl, board, link = make(raw_paste=raw_paste, runner=lambda c: (seen.append(c), (b"", b""))[1])
    assert repl.exec(code).stdout == b""
    assert seen == [b"pass"]


@given(
    stdout=st.binary(max_size=400).filter(lambda b: b"\x04" not in b),
    chunks=st.lists(st.integers(1, 17), min_size=1, max_size=5),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_streamed_output_arrives_whole_whatever_the_chunking(stdout, chunks):
    repl, board, link = make(chunking=chunks, runner=lambda code: (stdout, b""))
    pieces = []
    result = repl.exec("go", on_stdout=pieces.append)
    assert result.stdout == stdout
    assert b"".join(pieces) == stdout


def test_traceback_comes_back_as_stderr():
    repl, _, _ = make()
    result = repl.exec("raise ValueError")
    assert result.raised and b"ValueError: boom" in result.stderr


def test_silence_is_reported_not_waited_on_forever():
    link = FakeLink(peer=lambda data: b"")
    repl = RawRepl(link, timeout=0.1, answer_timeout=0.05)
    with pytest.raises(BoardkitError) as info:
        repl.enter()
    assert "no answer" in str(info.value) and "reset --hard" in info.value.hint


def test_garbage_is_not_mistaken_for_micropython():
    link = FakeLink(peer=lambda data: b"\xff\xfe GPS $GPGGA,123519,4807.038,N\r\n")
    repl = RawRepl(link, timeout=0.1, answer_timeout=0.05)
    with pytest.raises(NoMicroPython):
        repl.enter()


def test_a_busy_board_is_interrupted_and_noticed():
    board = ScriptedBoard(echo_runner)
    link = FakeLink(board)
    link.feed(b"tick\r\ntick\r\nTraceback (most recent call last):\r\nKeyboardInterrupt: \r\n>>> ")
    repl = RawRepl(link, timeout=0.2, answer_timeout=0.1)
    repl.enter()
    assert repl.interrupted_program


@given(reply=st.binary(max_size=200))
@settings(max_examples=150, deadline=None)
def test_hostile_replies_raise_boardkit_errors_only(reply):
    """Whatever a broken device sends, the library answers with a BoardkitError or a result."""
    sent = {"n": 0}

    def peer(data: bytes) -> bytes:
        sent["n"] += 1
        return reply if sent["n"] == 1 else reply[: len(reply) // 2]

    repl = RawRepl(FakeLink(peer), timeout=0.05, answer_timeout=0.02)
    try:
        repl.exec("print(1)")
    except BoardkitError:
        pass


class EndlessProgramBoard:
    """Accepts code, starts 'running' it and never finishes; answers Ctrl-C unless hung."""

    def __init__(self, hung: bool):
        self.hung = hung
        self.running = False

    def __call__(self, data: bytes) -> bytes:
        if self.running:
            if b"\x03" in data and not self.hung:
                self.running = False
                return b"\x04Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n\x04>"
            return b""
        if data.endswith(b"\x05A\x01"):
            return b"R\x00"
        if data.endswith(b"\x01"):
            return BANNER
        if data.endswith(b"\x04"):
            self.running = True
            return b"OKpartial output"
        return b""


def test_a_program_that_outlives_max_time_is_stopped():
    repl = RawRepl(FakeLink(EndlessProgramBoard(hung=False)), timeout=0.2, answer_timeout=0.05)
    with pytest.raises(LinkTimeout, match="still running"):
        repl.exec("while True: pass", timeout=0.1)
    assert repl.in_raw  # back at the prompt, ready for more


def test_a_board_that_ignores_ctrl_c_is_called_hung():
    repl = RawRepl(FakeLink(EndlessProgramBoard(hung=True)), timeout=0.2, answer_timeout=0.05)
    with pytest.raises(BoardHung, match="did not respond to Ctrl-C") as info:
        repl.exec("temperature()", timeout=0.1)
    assert "reset --hard" in info.value.hint


def test_soft_reset_returns_to_raw_prompt():
    repl, board, link = make()
    repl.enter()
    repl.soft_reset()
    assert repl.in_raw
    assert repl.exec("x").stdout == b"ran 1\r\n"


@given(
    text=st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"xy"]), max_size=30),
    cuts=st.lists(st.integers(0, 60), max_size=6),
)
@settings(max_examples=100, deadline=None)
def test_program_output_newlines_survive_any_chunking(text, cuts):
    import io

    from boardkit.cli.common import ProgramOutput

    data = b"".join(text)
    sink = io.BytesIO()
    out = ProgramOutput(sink)
    points = sorted({c for c in cuts if c < len(data)} | {0, len(data)})
    for start, end in itertools.pairwise(points):
        out(data[start:end])
    out.close()
    assert sink.getvalue() == data.replace(b"\r\n", b"\n")


def test_plain_raw_code_lost_on_the_way_is_sent_once_more():
    """Old firmware, no flow control: a dropped Ctrl-D gets one resend, then CodeLost."""
    board = ScriptedBoard(echo_runner, raw_paste=False)
    drops = {"left": 1}

    def lossy(data: bytes) -> bytes:
        if data == b"\x04" and drops["left"]:
            drops["left"] -= 1
            return b""  # this Ctrl-D never reaches the board
        return board(data)

    repl = RawRepl(FakeLink(lossy), timeout=0.2, answer_timeout=0.05)
    assert repl.exec("x = 1").stdout == b"ran 5\r\n"  # the half line was cleared, not appended to

    drops["left"] = 2
    with pytest.raises(CodeLost):
        repl.exec("y = 2")


def test_a_board_that_answers_only_the_second_knock_is_entered():
    """First Ctrl-A lost (a slow or busy board): the retry's prompt is enough."""
    board = ScriptedBoard(echo_runner)
    knocks = {"n": 0}

    def deaf_once(data: bytes) -> bytes:
        if data.endswith(b"\x01") and knocks["n"] == 0:
            knocks["n"] += 1
            return b""
        return board(data)

    repl = RawRepl(FakeLink(deaf_once), timeout=0.2, answer_timeout=0.05)
    repl.enter()
    assert repl.in_raw and repl.exec("x").stdout == b"ran 1\r\n"
