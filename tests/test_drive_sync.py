"""CircuitPython drive sync, with a folder standing in for the mounted CIRCUITPY drive."""

from __future__ import annotations

import json
from pathlib import Path

from boardkit import drives
from cli_helpers import boardkit, one_line_error


def project(root: Path) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "code.py").write_text("import util\nprint(util.X)\n")
    (root / "lib" / "util.py").write_text("X = 1\n")
    (root / "notes.txt").write_text("not for the board\n")
    (root / ".boardkitignore").write_text("*.txt\n")
    return root


def run(*args) -> dict:
    result = boardkit("sync", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_drive_sync_is_incremental_atomic_and_honours_ignores(tmp_path):
    src, drive = project(tmp_path / "src"), tmp_path / "CIRCUITPY"
    drive.mkdir()
    (drive / "boot_out.txt").write_text("Adafruit CircuitPython 9\n")
    (drive / "old.py").write_text("gone soon\n")
    (drive / "code.py.bktmp").write_text("a cut transfer's leftover\n")

    first = run(str(src), "--drive", str(drive))
    assert first["sent"] == 2 and (drive / "lib" / "util.py").read_text() == "X = 1\n"
    assert not (drive / "notes.txt").exists() and not (drive / "code.py.bktmp").exists()
    assert run(str(src), "--drive", str(drive))["sent"] == 0

    (src / "lib" / "util.py").write_text("X = 2\n")
    again = run(str(src), "--drive", str(drive), "--delete")
    assert again["sent"] == 1 and again["deleted"] == 1
    assert not (drive / "old.py").exists()
    assert (drive / "boot_out.txt").exists()  # the board's own file is never deleted
    assert not list(drive.rglob("*.bktmp"))


def test_drive_dry_run_and_missing_drive(tmp_path):
    src, drive = project(tmp_path / "src"), tmp_path / "CIRCUITPY"
    drive.mkdir()
    plan = run(str(src), "--drive", str(drive), "--dry-run")
    assert {"action": "send", "path": "code.py", "bytes": 26} in plan
    assert not (drive / "code.py").exists()
    line = one_line_error(boardkit("sync", str(src), "--drive", str(tmp_path / "nope")))
    assert "not a mounted drive" in line


def test_circuitpy_mounts_are_found(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        "/dev/sdb1 /media/teacher/CIRCUITPY vfat rw 0 0\n"
        "/dev/sdc1 /media/teacher/CIRCUITPY1 vfat rw 0 0\n"
        "/dev/sdd1 /media/teacher/MICROBIT vfat rw 0 0\n"
    )
    assert drives.find_circuitpy(str(mounts)) == [Path("/media/teacher/CIRCUITPY"), Path("/media/teacher/CIRCUITPY1")]


def test_api_routes_a_circuitpython_board_through_its_mounted_drive(wasm_board, tmp_path, monkeypatch):
    """push and sync choose the drive themselves, so every caller (CLI, fleet) gets it.

    The wasm board is real MicroPython; only its reported implementation is changed to
    CircuitPython's, and a folder stands in for the one mounted CIRCUITPY drive.
    """
    import dataclasses

    from boardkit import api

    src, drive = project(tmp_path / "src"), tmp_path / "CIRCUITPY"
    drive.mkdir()
    notes: list[str] = []
    with api.connect(wasm_board.name) as board:
        monkeypatch.setattr(drives, "find_circuitpy", lambda mounts_file=None: [drive])
        assert api.circuitpy_drive(board) is None  # MicroPython: always the REPL
        board._caps = dataclasses.replace(board.caps, implementation="circuitpython")
        assert api.circuitpy_drive(board) == drive
        before = [(e.path, e.size) for e in board.tree("/")]
        done = api.sync(board, src, on_note=notes.append)
        assert done.drive == str(drive) and done.sent == 2
        assert (drive / "lib" / "util.py").read_text() == "X = 1\n"
        assert notes and str(drive) in notes[0]
        assert [(e.path, e.size) for e in board.tree("/")] == before  # nothing went through the REPL
        pushed = api.push(board, [src / "notes.txt"], "/lib")
        assert pushed.drive == str(drive / "lib") and (drive / "lib" / "notes.txt").exists()
        # Two drives mounted: which is this board's cannot be told, so the REPL is used.
        monkeypatch.setattr(drives, "find_circuitpy", lambda mounts_file=None: [drive, tmp_path])
        assert api.circuitpy_drive(board) is None
