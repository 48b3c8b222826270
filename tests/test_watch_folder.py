"""The computer's side of `watch` (boardkit.watched_folder): which saves matter, what changed.

No board here: these are the local rules the watch tests (tests/test_watch.py) rely on.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkit.errors import InvalidInput
from boardkit.watched_folder import WatchedFolder, resolve_program


def test_editor_files_and_ignored_paths_do_not_matter(tmp_path):
    (tmp_path / ".boardkitignore").write_text("data/\n*.csv\n")
    folder = WatchedFolder(tmp_path, ["secret.py"])
    quiet = [
        ".main.py.swp",
        ".main.py.swx",
        "4913",
        "main.py~",
        ".#main.py",
        "#main.py#",
        "main.py___jb_tmp___",
        "main.py___jb_old___",
        ".goutputstream-AB12",
        "x.kate-swp",
        "__pycache__/m.cpython-312.pyc",
        "m.pyc",
        ".git/index",
        "data/log.txt",
        "readings.csv",
        "secret.py",
        "lib/.util.py.swp",
        "lib/4913",
    ]
    for rel in quiet:
        assert not folder.matters(str(tmp_path / rel)), rel
    for rel in ("main.py", "lib/util.py", "data.py", "boot.py", "4913.py", "notes.txt", ".boardkitignore"):
        assert folder.matters(str(tmp_path / rel)), rel
    assert not folder.matters(str(tmp_path.parent / "elsewhere.py"))
    assert not folder.matters(str(tmp_path))


def test_editing_the_ignore_file_applies_its_new_rules(tmp_path):
    folder = WatchedFolder(tmp_path)
    assert folder.matters(str(tmp_path / "big.bin"))
    (tmp_path / ".boardkitignore").write_text("*.bin\n")
    assert folder.matters(str(tmp_path / ".boardkitignore"))  # the save of the ignore file itself
    assert not folder.matters(str(tmp_path / "big.bin"))
    (tmp_path / ".boardkitignore").write_text("!\n")  # a bad line: the old rules stay until it is fixed
    assert folder.matters(str(tmp_path / ".boardkitignore"))
    assert not folder.matters(str(tmp_path / "big.bin"))


def test_changes_are_what_differs_from_the_last_sync(tmp_path):
    (tmp_path / "a.py").write_text("A = 1\n")
    (tmp_path / "b.py").write_text("B = 1\n")
    (tmp_path / "a.py.swp").write_text("vim\n")
    folder = WatchedFolder(tmp_path)
    now = folder.snapshot()
    first = folder.changes(now)
    assert sorted(f.rel for f in first.send) == ["a.py", "b.py"] and not first.removed
    folder.synced(now)
    assert not folder.changes(folder.snapshot())
    (tmp_path / "a.py").write_text("A = 2\n")
    (tmp_path / "b.py").write_text("B = 1\n")  # saved, same content: nothing to send
    (tmp_path / "c.py").unlink(missing_ok=True)
    now = folder.snapshot()
    second = folder.changes(now)
    assert [f.rel for f in second.send] == ["a.py"]
    folder.synced(now, second)
    (tmp_path / "b.py").unlink()
    now = folder.snapshot()
    third = folder.changes(now)
    assert third.removed == ["b.py"] and not third.send and third.names == ["b.py"]
    folder.synced(now, third)
    assert not folder.changes(folder.snapshot())
    (tmp_path / ".boardkitignore").write_text("a.py\n")  # ignored from now on: kept on the board
    folder.reload_rules()
    now = folder.snapshot()
    fourth = folder.changes(now)
    assert fourth.left == ["a.py"] and not fourth.removed and not fourth
    folder.synced(now, fourth)
    (tmp_path / ".boardkitignore").unlink()
    folder.reload_rules()
    assert [f.rel for f in folder.changes(folder.snapshot()).send] == ["a.py"]  # synced again


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["a.py", "b.py", "lib/c.py", "lib/d.txt", "e.py~", "4913"]), st.binary(max_size=20)),
        max_size=12,
    )
)
def test_after_any_edits_a_sync_leaves_nothing_changed(tmp_path_factory, edits):
    """Whatever is written or removed, changes() names exactly the files whose bytes the board
    does not hold, and once recorded as synced there is nothing left to do."""
    root = tmp_path_factory.mktemp("w")
    folder = WatchedFolder(root)
    board: dict[str, bytes] = {}
    for rel, data in edits:
        path = root / rel
        if data == b"" and path.exists():
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.utime(path, ns=(len(board) + 10**9, len(board) + 10**9))  # a new mtime for each write
        now = folder.snapshot()
        changes = folder.changes(now)
        local = {r: f.path.read_bytes() for r, (f, _) in now.items()}
        assert {f.rel for f in changes.send} == {r for r in local if board.get(r) != local[r]}
        assert set(changes.removed) == set(board) - set(local)
        folder.synced(now, changes)
        board = local
        assert not any(r.endswith("~") or r == "4913" for r in board)
        assert not folder.changes(folder.snapshot())


def test_the_program_to_run(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    assert resolve_program(src, None) is None  # no main.py: sync only
    (src / "code.py").write_text("")
    assert resolve_program(src, None) == src / "code.py"
    (src / "main.py").write_text("")
    assert resolve_program(src, None) == src / "main.py"  # the board's own order
    (src / "demo.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert resolve_program(src, "demo.py") == src / "demo.py"  # relative to the folder
    assert resolve_program(src, "src/demo.py") == Path("src/demo.py")  # or to here
    (tmp_path / "outside.py").write_text("")
    with pytest.raises(InvalidInput, match="outside"):
        resolve_program(src, "outside.py")
    with pytest.raises(InvalidInput, match="no such program"):
        resolve_program(src, "nope.py")
    (src / "pkg").mkdir()
    with pytest.raises(InvalidInput, match="is not a file"):
        resolve_program(src, "pkg")
