"""push/sync --compile on real MicroPython: modules go up as .mpy, the .py files stay the source.

Each test syncs into its own folder on the session's wasm board (and removes it after), so
the board's top folder, where other tests work, is left alone.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from cli_helpers import boardkit, json_of, one_line_error

pytestmark = pytest.mark.wasm

# every path under a board folder, one per line ("lib/" for a folder)
TREE = """
import os
def walk(top, rel=''):
    for e in sorted(os.ilistdir(top + rel)):
        if e[1] & 0x4000:
            print(rel + e[0] + '/'); walk(top, rel + e[0] + '/')
        else:
            print(rel + e[0])
try:
    walk({top!r} + '/')
except OSError:
    pass
"""
RMTREE = """
import os
def rm(p):
    try:
        for e in os.ilistdir(p):
            rm(p + '/' + e[0])
        os.rmdir(p)
    except OSError:
        os.remove(p)
try:
    rm({top!r})
except OSError:
    pass
"""


@pytest.fixture
def folder(wasm_board, request):
    """This test's own folder on the board (removed afterwards)."""
    top = f"/ct_{zlib.crc32(request.node.nodeid.encode()):08x}"
    exec_on(wasm_board, RMTREE.format(top=top))
    yield top
    exec_on(wasm_board, RMTREE.format(top=top))


def exec_on(board, code: str) -> str:
    result = boardkit("-p", board.name, "exec", code)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def tree(board, top: str) -> list[str]:
    return exec_on(board, TREE.format(top=top)).split()


def run_fresh(board, top: str, code: str) -> str:
    """code run with `top` first on sys.path and none of its modules imported yet."""
    prelude = f"import sys\nsys.path.insert(0, {top!r})\nfor m in ('helper', 'lib', 'lib.deep', 'util'):\n"
    prelude += "    sys.modules.pop(m, None)\n"
    return exec_on(board, prelude + code)


def sync(board, project: Path, top: str, *args: str) -> dict:
    return json_of(boardkit("-p", board.name, "sync", str(project), top, *args, "--json"))


def make_project(root: Path) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "main.py").write_text("import helper\nprint('main', helper.add(2, 3))\n")
    (root / "boot.py").write_text("# runs at start-up\n")
    (root / "helper.py").write_text("def add(a, b):\n    return a + b\n")
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "deep.py").write_text("X = 42\n\ndef boom():\n    raise ValueError('from deep')\n")
    (root / "notes.txt").write_text("not a module\n")
    return root


def test_compiled_modules_import_and_run(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    done = sync(wasm_board, project, folder, "--compile")
    assert done["sent"] == 6 and done["deleted"] == 0
    assert tree(wasm_board, folder) == [
        "boot.py",
        "helper.mpy",
        "lib/",
        "lib/__init__.mpy",
        "lib/deep.mpy",
        "main.py",
        "notes.txt",
    ]
    out = run_fresh(wasm_board, folder, "import helper, lib.deep\nprint(helper.__file__, helper.add(1, 2), lib.deep.X)")
    assert out.split() == [f"{folder}/helper.mpy", "3", "42"]
    # main.py stays source the board runs by name, and it imports the compiled module
    assert run_fresh(wasm_board, folder, f"exec(open({folder + '/main.py'!r}).read())") == "main 5\n"
    # a traceback from compiled code names the project's file and line
    failed = boardkit(
        "-p", wasm_board.name, "exec", f"import sys\nsys.path.insert(0, {folder!r})\nimport lib.deep\nlib.deep.boom()"
    )
    assert b'lib/deep.py", line 4' in failed.stderr and b"from deep" in failed.stderr
    # the .py files on the computer are untouched: they are the source
    assert (project / "helper.py").read_text().startswith("def add")
    assert not list(project.rglob("*.mpy"))


def test_resync_is_a_no_op_and_a_change_is_recompiled(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    sync(wasm_board, project, folder, "--compile")
    again = sync(wasm_board, project, folder, "--compile")
    assert again["sent"] == 0 and again["skipped"] == 6 and again["deleted"] == 0
    (project / "helper.py").write_text("def add(a, b):\n    return a + b + 100\n")
    changed = sync(wasm_board, project, folder, "--compile")
    assert changed["sent"] == 1 and changed["skipped"] == 5
    assert run_fresh(wasm_board, folder, "import helper\nprint(helper.add(1, 2))") == "103\n"


def test_compiling_replaces_the_board_py_and_plain_sync_the_mpy(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    sync(wasm_board, project, folder)  # plain: .py files
    # the user's own files on the board, not from this folder
    exec_on(wasm_board, f"open({folder + '/theirs.mpy'!r}, 'wb').write(b'M')\nopen({folder + '/mine.py'!r}, 'w')")
    compiled = sync(wasm_board, project, folder, "--compile")
    assert compiled["deleted"] == 3  # helper.py, lib/__init__.py, lib/deep.py: MicroPython would import them first
    names = tree(wasm_board, folder)
    assert {"helper.mpy", "lib/deep.mpy", "theirs.mpy", "mine.py", "main.py"} <= set(names)
    assert "helper.py" not in names and "lib/deep.py" not in names
    assert run_fresh(wasm_board, folder, "import helper\nprint(helper.__file__)") == f"{folder}/helper.mpy\n"
    # back to plain sync: each x.py replaces the x.mpy it stands for; the user's files stay
    plain = sync(wasm_board, project, folder)
    assert plain["sent"] == 3 and plain["deleted"] == 3
    names = tree(wasm_board, folder)
    assert {"helper.py", "lib/deep.py", "theirs.mpy", "mine.py"} <= set(names)
    assert not {"helper.mpy", "lib/deep.mpy", "lib/__init__.mpy"} & set(names)
    assert run_fresh(wasm_board, folder, "import helper\nprint(helper.__file__)") == f"{folder}/helper.py\n"


def test_delete_removes_a_compiled_module_whose_source_went(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    sync(wasm_board, project, folder, "--compile")
    (project / "lib" / "deep.py").unlink()
    kept = sync(wasm_board, project, folder, "--compile")
    assert kept["deleted"] == 0 and "lib/deep.mpy" in tree(wasm_board, folder)  # no --delete: left alone
    plan = json_of(
        boardkit("-p", wasm_board.name, "sync", str(project), folder, "--compile", "--delete", "--dry-run", "--json")
    )
    assert {"action": "delete", "path": f"{folder}/lib/deep.mpy"} in plan
    assert sync(wasm_board, project, folder, "--compile", "--delete")["deleted"] == 1
    assert "lib/deep.mpy" not in tree(wasm_board, folder)


def test_ignored_files_are_never_replaced(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    sync(wasm_board, project, folder)
    (project / ".boardkitignore").write_text("lib/deep.py\n")
    sync(wasm_board, project, folder, "--compile", "--delete")
    names = tree(wasm_board, folder)
    assert "lib/deep.py" in names and "lib/deep.mpy" not in names  # ignored: the board's copy stays


def test_dry_run_shows_py_to_mpy_and_changes_nothing(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    sync(wasm_board, project, folder)
    result = boardkit("-p", wasm_board.name, "sync", str(project), folder, "--compile", "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert f"send   helper.py -> {folder}/helper.mpy (51 bytes)" in lines
    assert f"delete {folder}/helper.py (replaced by {folder}/helper.mpy)" in lines
    assert f"same   {folder}/main.py" in lines
    rows = json_of(boardkit("-p", wasm_board.name, "sync", str(project), folder, "--compile", "--dry-run", "--json"))
    deep = next(row for row in rows if row["path"] == f"{folder}/lib/deep.mpy")
    assert deep["action"] == "send" and deep["from"] == "lib/deep.py" and deep["bytes"] > 0
    assert "helper.py" in tree(wasm_board, folder) and "helper.mpy" not in tree(wasm_board, folder)


def test_push_compile_into_a_folder(wasm_board, folder, tmp_path):
    util = tmp_path / "util.py"
    util.write_text("NAME = 'util'\n")
    exec_on(wasm_board, f"import os\nos.mkdir({folder!r})\nopen({folder + '/util.py'!r}, 'w').write('old')")
    pushed = json_of(boardkit("-p", wasm_board.name, "push", "--compile", str(util), folder, "--json"))
    assert pushed["sent"] == 1 and pushed["deleted"] == 1
    assert tree(wasm_board, folder) == ["util.mpy"]
    assert run_fresh(wasm_board, folder, "import util\nprint(util.NAME)") == "util\n"
    # main.py keeps its name (the board runs it as main.py); other files go as they are
    (tmp_path / "main.py").write_text("import util\n")
    (tmp_path / "data.json").write_text("{}")
    args = ["push", "--compile", str(tmp_path / "main.py"), str(tmp_path / "data.json"), folder, "--json"]
    assert json_of(boardkit("-p", wasm_board.name, *args))["sent"] == 2
    assert tree(wasm_board, folder) == ["data.json", "main.py", "util.mpy"]


def test_a_syntax_error_changes_nothing_on_the_board(wasm_board, folder, tmp_path):
    project = make_project(tmp_path / "p")
    sync(wasm_board, project, folder)
    before = tree(wasm_board, folder)
    (project / "helper.py").write_text("def add(a, b):\n    return a + b + 1\n")  # a change that would go
    (project / "lib" / "broken.py").write_text("X = 1\n\ndef f(:\n    pass\n")
    line = one_line_error(boardkit("-p", wasm_board.name, "sync", str(project), folder, "--compile"))
    assert "lib/broken.py:3: SyntaxError" in line
    assert tree(wasm_board, folder) == before
    assert run_fresh(wasm_board, folder, "import helper\nprint(helper.add(1, 2))") == "3\n"


@pytest.mark.parametrize(
    ("args", "setup", "words"),
    [
        (["--pull"], None, "--compile is for sending"),
        (["--drive", "{tmp}/drive"], "drive", "--drive is CircuitPython"),
        ([], "both", "lib/deep.py would become lib/deep.mpy"),
        ([], "indent", "helper.py:3: IndentationError"),
        ([], "main", "main.py:2: SyntaxError"),
    ],
)
def test_bad_compile_requests_are_one_line(wasm_board, folder, tmp_path, args, setup, words):
    project = make_project(tmp_path / "p")
    if setup == "drive":
        (tmp_path / "drive").mkdir()
    if setup == "both":
        (project / "lib" / "deep.mpy").write_bytes(b"M\x06\x00\x1f")  # the user's own, beside its .py
    if setup == "indent":
        (project / "helper.py").write_text("def add(a, b):\n    return a\n      return b\n")
    if setup == "main":
        (project / "main.py").write_text("print('unclosed'\n")
    args = [a.format(tmp=tmp_path) for a in args]
    source, target = (folder, str(tmp_path / "back")) if "--pull" in args else (str(project), folder)
    result = boardkit("-p", wasm_board.name, "sync", source, target, "--compile", *args)
    line = one_line_error(result)
    assert words in line and result.returncode == 2  # a command-line or source mistake
    assert tree(wasm_board, folder) == []


@pytest.mark.microbit
def test_the_microbit_cannot_import_mpy_so_compile_is_refused(microbit_board, tmp_path):
    before = json.loads(boardkit("-p", microbit_board.name, "ls", "--json").stdout)
    project = tmp_path / "p"
    project.mkdir()
    (project / "helper.py").write_text("X = 1\n")
    line = one_line_error(boardkit("-p", microbit_board.name, "sync", str(project), "--compile"))
    assert "MicroPython 1.9.2 does not say which .mpy files it imports" in line and "drop --compile" in line
    assert json.loads(boardkit("-p", microbit_board.name, "ls", "--json").stdout) == before


@pytest.mark.microbit
@pytest.mark.fleet
def test_fleet_sync_compile_serves_each_board_or_says_why(wasm_board, microbit_board, folder, tmp_path):
    roster = tmp_path / "classroom.toml"
    roster.write_text(
        f'[seats.ada]\nboard = "virtual_wasm"\nvirtual = "{wasm_board.name}"\n\n'
        f'[seats.bob]\nboard = "microbit_v1"\nvirtual = "{microbit_board.name}"\n'
    )
    project = make_project(tmp_path / "p")
    before = json.loads(boardkit("-p", microbit_board.name, "ls", "--json").stdout)
    try:
        result = boardkit("fleet", "sync", str(project), folder, "--compile", "--roster", str(roster), "--json")
        seats = {s["seat"]: s for s in json.loads(result.stdout)["seats"]}
        assert result.returncode != 0  # one seat failed
        assert seats["ada"]["ok"] and seats["ada"]["sent"] == 6
        assert not seats["bob"]["ok"] and "does not say which .mpy" in seats["bob"]["error"]
        assert "helper.mpy" in tree(wasm_board, folder)
        assert json.loads(boardkit("-p", microbit_board.name, "ls", "--json").stdout) == before
    finally:
        exec_on(wasm_board, "import os\ntry:\n os.remove('/boardkit_kit.json')\nexcept OSError:\n pass")
