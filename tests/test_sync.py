"""push / sync / sync --pull against both virtual boards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import boardkit, json_of, one_line_error

BOARDS = [
    pytest.param("wasm_board", marks=pytest.mark.wasm),
    pytest.param("microbit_board", marks=pytest.mark.microbit),
]


@pytest.fixture(params=BOARDS)
def board(request):
    board = request.getfixturevalue(request.param)
    yield board
    # leave the board empty for the next test
    boardkit(
        "-p", board.name, "exec", "import os\nfor n in os.listdir():\n try:\n  os.remove(n)\n except OSError:\n  pass"
    )


def make_project(root: Path, n: int = 6) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"mod{i}.py").write_text(f"VALUE = {i}\n" + "# padding\n" * i)
    (root / "main.py").write_text("import mod1\nprint('main', mod1.VALUE)\n")
    (root / "notes.log").write_text("ignored by .boardkitignore\n")
    (root / ".boardkitignore").write_text("*.log\n")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "mod1.cpython-311.pyc").write_bytes(b"\x00" * 10)
    return root


def sync_json(board, *args) -> dict:
    return json_of(boardkit("-p", board.name, "sync", *args, "--json"))


def board_names(board) -> set[str]:
    return {e["name"] for e in json.loads(boardkit("-p", board.name, "ls", "--json").stdout)}


def test_sync_sends_only_what_differs(board, tmp_path):
    project = make_project(tmp_path / "p")
    first = sync_json(board, str(project))
    assert first["sent"] == 7 and first["skipped"] == 0
    assert board_names(board) >= {"main.py", "mod0.py", "mod5.py"}
    assert "notes.log" not in board_names(board) and ".boardkitignore" not in board_names(board)
    again = sync_json(board, str(project))
    assert again["sent"] == 0 and again["skipped"] == 7
    (project / "mod3.py").write_text("VALUE = 333\n")
    changed = sync_json(board, str(project))
    assert changed["sent"] == 1 and changed["bytes"] == len("VALUE = 333\n")
    assert boardkit("-p", board.name, "exec", "import mod3; print(mod3.VALUE)").stdout == b"333\n"
    assert not any(n.endswith(".bktmp") for n in board_names(board))


def test_dry_run_changes_nothing_and_delete_removes(board, tmp_path):
    project = make_project(tmp_path / "p", n=2)
    sync_json(board, str(project))
    (project / "mod1.py").unlink()
    plan = sync_json(board, str(project), "--delete", "--dry-run")
    assert {"action": "delete", "path": "/mod1.py" if board.kind == "wasm" else "mod1.py"} in plan
    assert "mod1.py" in board_names(board)
    done = sync_json(board, str(project), "--delete")
    assert done["deleted"] == 1 and "mod1.py" not in board_names(board)


def test_pull_brings_files_home(board, tmp_path):
    project = make_project(tmp_path / "p", n=2)
    sync_json(board, str(project))
    home = tmp_path / "home"
    result = boardkit("-p", board.name, "sync", "--pull", "/", str(home))
    assert result.returncode == 0, result.stderr
    assert (home / "main.py").read_text() == (project / "main.py").read_text()
    assert (home / "mod1.py").read_bytes() == (project / "mod1.py").read_bytes()


def test_push_files(board, tmp_path):
    a = tmp_path / "a.py"
    a.write_text("A = 1\n")
    assert json_of(boardkit("-p", board.name, "push", str(a), "--json"))["sent"] == 1
    assert json_of(boardkit("-p", board.name, "push", str(a), "--json"))["skipped"] == 1
    assert "no such file" in one_line_error(boardkit("-p", board.name, "push", str(tmp_path / "nope.py")))
    # "/" exists on this computer too, but only files are pushed: it names the board's folder
    assert json_of(boardkit("-p", board.name, "push", str(a), "/", "--json"))["skipped"] == 1
    assert json_of(boardkit("-p", board.name, "push", str(a), ":/", "--json"))["skipped"] == 1


@pytest.mark.microbit
def test_nested_project_refused_on_the_flat_microbit(microbit_board, tmp_path):
    project = make_project(tmp_path / "p", n=1)
    (project / "lib").mkdir()
    (project / "lib" / "util.py").write_text("X = 1\n")
    line = one_line_error(boardkit("-p", microbit_board.name, "sync", str(project)))
    assert "flat filesystem" in line and "lib/util.py" in line
    assert "main.py" not in board_names(microbit_board)  # refused before writing anything


@pytest.mark.wasm
def test_nested_project_on_the_wasm_board(wasm_board, tmp_path):
    project = make_project(tmp_path / "p", n=1)
    (project / "lib" / "deep").mkdir(parents=True)
    (project / "lib" / "deep" / "util.py").write_text("X = 1\n")
    out = sync_json(wasm_board, str(project), "/app")
    assert out["sent"] == 3
    code = "import sys; sys.path.append('/app/lib/deep'); import util; print(util.X)"
    assert boardkit("-p", wasm_board.name, "exec", code).stdout == b"1\n"
    assert sync_json(wasm_board, str(project), "/app")["sent"] == 0
    boardkit(
        "-p",
        wasm_board.name,
        "exec",
        "import os\nfor p in ('/app/lib/deep/util.py','/app/lib/deep','/app/lib','/app/main.py','/app/mod0.py',"
        "'/app'):\n os.remove(p) if p.endswith('.py') else os.rmdir(p)",
    )


def test_sync_of_a_missing_folder_is_one_line(wasm_board, tmp_path):
    assert "no such folder" in one_line_error(boardkit("-p", wasm_board.name, "sync", str(tmp_path / "nope")))
