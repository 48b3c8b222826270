"""Local-file mistakes are reported before any board is opened: with no board reachable
(-p /dev/ttyNOPE), each bad input gets one line about the file, not about the port."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli_helpers import boardkit, one_line_error

NO_BOARD = ["-p", "/dev/ttyNOPE"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with a file, a sub-folder, and projects whose .boardkitignore is broken."""
    (tmp_path / "main.py").write_text("print(1)\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    for name, pattern in [("bang", "!\n"), ("range", "ok.py\n[z-a]\n")]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.py").write_text("x = 1\n")
        (tmp_path / name / ".boardkitignore").write_text(pattern)
    return tmp_path


# (command after `boardkit -p /dev/ttyNOPE`, what the one line must say)
CASES = [
    (["put", "nope.py"], "no such file: nope.py"),
    (["put", "lib"], "lib is a folder"),
    (["get", "x.py", "nodir/x.py"], "no such folder: nodir"),
    (["get", "x.py", "main.py/x.py"], "main.py is a file, not a folder"),
    (["get", "/"], "give a file, not a folder"),
    (["cp", "nope.py", ":"], "no such file: nope.py"),
    (["cp", "lib", ":lib/"], "lib is a folder"),
    (["cp", ":data.csv", "nodir/data.csv"], "no such folder: nodir"),
    (["cp", "main.py", "copy.py"], "mark exactly one side"),
    (["run", "nope.py"], "no such file: nope.py"),
    (["run", "lib"], "lib is a folder"),
    (["push", "nope.py"], "no such file: nope.py"),
    (["push", "lib"], "lib is a folder"),
    (["push", "nope.py", ":/"], "no such file: nope.py"),
    (["sync", "nope"], "no such folder: nope"),
    (["sync", "main.py"], "main.py is not a folder"),
    (["sync", "bang"], "bang/.boardkitignore:1: not a valid pattern: '!'"),
    (["sync", "range"], "range/.boardkitignore:2: not a valid pattern: '[z-a]'"),
    (["sync", "src", "--exclude", "\\"], "--exclude: not a valid pattern"),
    (["sync", "--pull", "/", "main.py"], "main.py is not a folder"),
    (["sync", "--pull", "/", "main.py/backup"], "main.py is a file, not a folder"),
]


@pytest.mark.parametrize(("args", "says"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_local_mistake_is_said_before_connecting(project: Path, args: list[str], says: str) -> None:
    line = one_line_error(boardkit(*NO_BOARD, *args, cwd=project, timeout=30))
    assert says in line, line
    assert "ttyNOPE" not in line and "no such port" not in line, line


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
@pytest.mark.parametrize("command", [["put"], ["cp", ":"], ["run"], ["push"]], ids=lambda c: c[0])
def test_unreadable_file_is_said_before_connecting(project: Path, command: list[str]) -> None:
    secret = project / "secret.py"
    secret.write_text("print(2)\n")
    secret.chmod(0)
    args = [command[0], "secret.py", *command[1:]]
    line = one_line_error(boardkit(*NO_BOARD, *args, cwd=project, timeout=30))
    assert "cannot read secret.py" in line, line


def test_the_api_checks_without_a_board(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same checks, as a script calls them: typed, InvalidInput, no Device needed."""
    from boardkit import InvalidInput, api

    monkeypatch.chdir(project)
    assert api.check_local_get("/data/log.csv", project / "lib") == project / "lib" / "log.csv"
    assert [f.rel for f in api.check_local_sync(project / "src")] == ["a.py"]
    assert [f.rel for f in api.check_local_push([project / "main.py"])] == ["main.py"]
    with pytest.raises(InvalidInput, match="no such file"):
        api.check_local_put(project / "nope.py")
    with pytest.raises(InvalidInput, match="not a valid pattern"):
        api.check_local_sync(project / "bang")
