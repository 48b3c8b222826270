"""Where pulled files may land, and what a sync leaves out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardkit import sync
from boardkit.errors import SyncError


@pytest.mark.parametrize("hostile", ["/../../etc/passwd", "../x", "/a/../../x", "/a\\..\\x", "/", "/a:b"])
def test_hostile_board_names_never_leave_the_target(tmp_path, hostile):
    with pytest.raises(SyncError):
        sync.safe_local_path(tmp_path, "/", hostile)


def must_refuse(name: str) -> bool:
    """What makes a board name unsafe to write locally: a part that climbs (".."), a character
    that is a separator or drive mark somewhere (\\ :) or NUL, or nothing left to name a file."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    return not parts or any(p == ".." or any(c in p for c in "\\:\x00") for p in parts)


@given(name=st.text(min_size=1, max_size=30))
def test_any_board_name_lands_inside_or_is_refused(tmp_path_factory, name):
    root = tmp_path_factory.mktemp("pull")
    if must_refuse(name):
        with pytest.raises(SyncError):
            sync.safe_local_path(root, "/", "/" + name)
        return
    # Every other name is accepted, and lands under root.
    target = sync.safe_local_path(root, "/", "/" + name)
    assert root.resolve() in target.parents


@pytest.mark.parametrize("name", ["main.py", "lib/util.py", "a b/é.txt", ".hidden", "..x", "x..", "a/./b"])
def test_plain_board_names_are_accepted(tmp_path, name):
    assert sync.safe_local_path(tmp_path, "/", "/" + name).is_relative_to(tmp_path.resolve())


def test_ignores_defaults_file_and_excludes(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("x")
    (tmp_path / "a.py").write_text("a")
    (tmp_path / "b.pyc").write_text("b")
    (tmp_path / "data.csv").write_text("c")
    (tmp_path / "secret.txt").write_text("d")
    (tmp_path / ".boardkitignore").write_text("*.csv\n")
    (tmp_path / "outside").symlink_to("/etc/hostname")
    names = [f.rel for f in sync.scan_local(tmp_path, ["secret.*"])]
    assert names == ["a.py"]
