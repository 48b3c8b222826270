"""lib/bk_fs.py is real Python: run it on CPython (the os.stat dialect) against a temp folder.

The same functions run on both virtual boards in tests/test_commands.py; CPython is the
reference here for the stat-based branch and the checksummed writes.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import os

import pytest

from boardkit.paths import repo_root


@pytest.fixture
def bk(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bk_fs", repo_root() / "lib" / "bk_fs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(tmp_path)
    return module


def printed(capsys):
    return capsys.readouterr().out.strip()


def test_ls_and_stat(bk, tmp_path, capsys):
    (tmp_path / "a.py").write_bytes(b"12345")
    (tmp_path / "sub").mkdir()
    bk._bk_ls(str(tmp_path))
    assert sorted(ast.literal_eval(printed(capsys))) == [("a.py", 5), ("sub", -1)]
    assert bk._bk_stat(str(tmp_path / "a.py")) == ("f", 5)
    assert bk._bk_stat(str(tmp_path / "sub")) == ("d", 0)
    assert bk._bk_stat(str(tmp_path / "missing")) is None


def test_list_says_what_the_path_is_then_the_tree(bk, tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_bytes(b"abc")
    bk._bk_list(str(tmp_path / "missing"))
    assert printed(capsys) == "None"
    bk._bk_list(str(tmp_path / "sub" / "b.py"))
    assert ast.literal_eval(printed(capsys)) == ("f", 3)
    bk._bk_list(str(tmp_path))
    lines = [ast.literal_eval(line) for line in printed(capsys).splitlines()]
    assert lines[0] == ("d", 0)
    sub, b = str(tmp_path / "sub"), str(tmp_path / "sub" / "b.py")
    assert sorted(lines[1:]) == [(sub, -1, None), (b, 3, "s:ba7816bf8f01cfea")]  # sha256("abc"), cut


def test_get_streams_base64_lines(bk, tmp_path, capsys):
    data = os.urandom(1000)
    (tmp_path / "blob").write_bytes(data)
    bk._bk_get(str(tmp_path / "blob"), 300)
    lines = printed(capsys).splitlines()
    assert len(lines) == 4
    assert b"".join(base64.b64decode(line) for line in lines) == data


def test_write_lands_under_tmp_then_replaces(bk, tmp_path, capsys):
    target = tmp_path / "main.py"
    target.write_bytes(b"old")
    tmp = str(target) + ".bktmp"
    bk._bk_open(tmp)
    piece = b"print('new')\n"
    bk._bk_wb(piece, len(piece), sum(piece) & 0xFFFF, 0)
    assert target.read_bytes() == b"old"  # untouched until the rename
    import hashlib

    bk._bk_fin()
    bk._bk_check(tmp, "s:" + hashlib.sha256(piece).hexdigest())
    bk._bk_place(tmp, str(target), len(piece))
    assert printed(capsys) == str(len(piece))
    assert target.read_bytes() == piece and not os.path.exists(tmp)


def test_garbled_pieces_are_refused_not_written(bk, tmp_path):
    bk._bk_open(str(tmp_path / "x"))
    with pytest.raises(ValueError, match="garbled"):
        bk._bk_wb(b"abc", 4, 294, 0)
    with pytest.raises(ValueError, match="garbled"):
        bk._bk_wb(b"abc", 3, 295, 0)
    encoded = base64.b64encode(b"abc").decode()
    bk._bk_w64(encoded, 3, sum(b"abc"), 0)
    bk._bk_w64(encoded, 3, sum(b"abc"), 0)  # a resend of a piece that arrived: ignored
    with pytest.raises(ValueError, match="offset"):
        bk._bk_wb(b"de", 2, sum(b"de"), 5)  # a gap: refused
    bk._bk_wb(b"de", 2, sum(b"de"), 3)
    bk._bk_f.close()
    assert (tmp_path / "x").read_bytes() == b"abcde"


def test_a_short_temporary_file_never_replaces_the_old_one(bk, tmp_path):
    target = tmp_path / "main.py"
    target.write_bytes(b"old and whole")
    tmp = str(target) + ".bktmp"
    bk._bk_open(tmp)
    piece = b"print('n"
    bk._bk_wb(piece, len(piece), sum(piece) & 0xFFFF, 0)
    bk._bk_fin()
    with pytest.raises(OSError, match="bk: short"):
        bk._bk_place(tmp, str(target), len(piece) + 5)  # the board wrote less than was sent
    assert target.read_bytes() == b"old and whole" and not os.path.exists(tmp)


def test_drop_removes_only_the_unfinished_file(bk, tmp_path, capsys):
    """_bk_drop (after a failed write) removes the file being written, never one in place."""
    target = tmp_path / "main.py"
    target.write_bytes(b"old")
    tmp = str(target) + ".bktmp"
    bk._bk_open(tmp)
    bk._bk_wb(b"new", 3, sum(b"new"), 0)
    bk._bk_drop()
    assert not os.path.exists(tmp) and target.read_bytes() == b"old" and bk._bk_f is None
    with pytest.raises(OSError, match="bk: not open"):
        bk._bk_wb(b"x", 1, sum(b"x"), 3)
    # Written in place (a new file), placed, then a drop: the placed file stays.
    new = str(tmp_path / "new.py")
    bk._bk_open(new)
    bk._bk_wb(b"abc", 3, sum(b"abc"), 0)
    bk._bk_fin()
    bk._bk_place(new, new, 3)
    assert printed(capsys) == "3"
    bk._bk_drop()
    assert (tmp_path / "new.py").read_bytes() == b"abc"
