"""The host side of `boardkit mount` without a board: path safety, request framing, serving.

The board side is exercised against the real wasm board in tests/test_mount.py; here the
boundary (safe_paths) and the demultiplexer get the odd inputs a board could send.
"""

from __future__ import annotations

import base64
import os
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardkit.mount.protocol import REQUEST_PREFIX, Demuxer, answer
from boardkit.mount.safe_paths import FolderRoot, PathRefused
from boardkit.mount.server import FolderServer


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "secret.txt").write_text("outside")
    root = tmp_path / "root"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("X = 1\n")
    (root / "data.txt").write_text("inside")
    (root / "link_out").symlink_to(tmp_path / "secret.txt")
    (root / "dir_out").symlink_to(tmp_path)
    (root / "link_in").symlink_to(root / "data.txt")
    return root


INSIDE = [
    ("/data.txt", "data.txt"),
    ("data.txt", "data.txt"),
    ("/pkg/../data.txt", "data.txt"),
    ("//pkg///mod.py", "pkg/mod.py"),
    ("/./pkg/./mod.py", "pkg/mod.py"),
    ("/", ""),
    ("/link_in", "link_in"),
]


@pytest.mark.parametrize(("board_path", "relative"), INSIDE)
def test_paths_inside_the_folder_resolve(tree, board_path, relative):
    assert FolderRoot(tree).resolve(board_path) == tree / relative if relative else tree


ESCAPES = [
    "/../secret.txt",
    "../secret.txt",
    "/pkg/../../secret.txt",
    "/..",
    "/link_out",
    "/dir_out/secret.txt",
    "/data.txt\x00",
    "/" + "a/" * 600,
]


@pytest.mark.parametrize("board_path", ESCAPES)
def test_escapes_are_refused(tree, board_path):
    with pytest.raises(PathRefused):
        FolderRoot(tree).resolve(board_path)


def test_unsafe_links_follow_links_but_never_dotdot(tree):
    root = FolderRoot(tree, unsafe_links=True)
    assert root.resolve("/link_out").read_text() == "outside"
    with pytest.raises(PathRefused):
        root.resolve("/../secret.txt")


def _serve(server, *request):
    return server.handle(tuple(request))


def test_server_reads_lists_and_refuses(tree):
    server = FolderServer(tree)
    status, handle = _serve(server, "O", "/data.txt", "rb")
    assert status == 0
    assert _serve(server, "R", int(handle), 100) == (0, b"inside")
    assert _serve(server, "C", int(handle)) == (0, b"")
    assert _serve(server, "C", int(handle))[0] == -9  # EBADF: closed already
    names = _serve(server, "L", "/")[1].split(b"\x00")
    assert b"f6 data.txt" in names and b"d0 pkg" in names
    assert not any(b"link_out" in n or b"dir_out" in n for n in names)  # links out are not there
    assert _serve(server, "O", "/link_out", "rb")[0] == -13
    assert _serve(server, "O", "/nothing", "rb")[0] == -2
    assert _serve(server, "O", "/data.txt", "wb")[0] == -30  # EROFS: read-only by default
    assert _serve(server, "M", "/new")[0] == -30
    assert _serve(server, "Z")[0] == -22
    assert _serve(server, "S", 5)[0] == -22
    assert server.stats.refused == ["/link_out", "5"]
    assert not (tree / "new").exists()


def test_server_writes_atomically_when_writable(tree):
    server = FolderServer(tree, writable=True)
    handle = int(_serve(server, "O", "/data.txt", "wb")[1])
    assert _serve(server, "W", handle, base64.b64encode(b"new text").decode()) == (0, b"8")
    assert (tree / "data.txt").read_text() == "inside"  # the old file stays until close
    _serve(server, "C", handle)
    assert (tree / "data.txt").read_text() == "new text"
    handle = int(_serve(server, "O", "/data.txt", "wb")[1])
    _serve(server, "W", handle, base64.b64encode(b"half").decode())
    server.close_all()  # the session ended before the board closed it
    assert (tree / "data.txt").read_text() == "new text"
    assert sorted(os.listdir(tree)) == ["data.txt", "dir_out", "link_in", "link_out", "pkg"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files through /proc")
def test_files_the_board_never_closes_do_not_pile_up(tree):
    """MicroPython has no finaliser for a Python file object: `open(f).read()` in a loop never
    closes. The host holds few OS files however many the board forgets, and still serves."""
    server = FolderServer(tree)
    before = len(os.listdir("/proc/self/fd"))
    handles = [int(_serve(server, "O", "/data.txt", "rb")[1]) for _ in range(1000)]
    assert len(os.listdir("/proc/self/fd")) - before <= 8
    assert _serve(server, "R", handles[-1], 3) == (0, b"ins")
    assert _serve(server, "R", handles[-200], 3) == (0, b"ins")  # reopened on demand
    assert _serve(server, "K", handles[-200], 1, 1) == (0, b"4")
    assert _serve(server, "R", handles[-200], 9) == (0, b"de")
    assert _serve(server, "R", handles[0], 3)[0] == -9  # long forgotten: EBADF
    server.close_all()
    assert len(os.listdir("/proc/self/fd")) <= before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_not_waited_on(tree):
    os.mkfifo(tree / "pipe")
    assert FolderServer(tree).handle(("O", "/pipe", "rb"))[0] == -13


def test_answer_bytes():
    assert answer(-2, b"") == b"\x18" + struct.pack("<i", -2)
    assert answer(0, b"abc", stop=True) == b"\x19" + struct.pack("<i", 3) + b"abc"


@given(
    st.lists(st.binary(max_size=40).filter(lambda b: REQUEST_PREFIX[:1] not in b), max_size=4),
    st.lists(st.integers(min_value=1, max_value=30), max_size=6),
)
def test_demuxer_splits_output_from_requests_wherever_chunks_break(texts, cuts):
    request = repr(("S", "/a b\n\u00e9")).encode()
    stream = b"".join(t + REQUEST_PREFIX + request + b"\r\n" for t in texts) + b"tail\x18"
    demux, out, requests, at = Demuxer(), b"", [], 0
    for cut in [*cuts, len(stream)]:
        piece, found = demux.feed(stream[at : at + cut])
        out, requests, at = out + piece, requests + found, at + cut
    out += demux.flush()
    assert out == b"".join(texts) + b"tail\x18"
    assert requests == [("S", "/a b\n\u00e9")] * len(texts)
