"""The wasm runtime's install on first use is told through callbacks, never printed or logged
at warning level by the library: each way the CLI reaches it passes its note callback down.

npm is stood in for by a copy of the checkout's runtime (npm itself runs in test_install.py);
the lock file, the folders, the locking and the renaming are boardkit's own.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from boardkit import paths, wasm_runtime

INSTALLING = "installing the MicroPython WebAssembly runtime"
INSTALLED = "installed the MicroPython WebAssembly runtime"


@pytest.fixture
def fresh_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder, the checkout's runtime out of sight, and npm ci as a local copy."""
    checkout = wasm_runtime.find()
    assert checkout is not None, "the checkout's runtime (make setup) is needed to stand in for npm"
    data = tmp_path / "data"
    monkeypatch.setenv("BOARDKIT_DATA", str(data))
    monkeypatch.setattr(wasm_runtime, "find", lambda: wasm_runtime._installed(wasm_runtime.install_dir(), "data"))

    def npm_ci(npm: str, folder: Path) -> None:
        assert (folder / "package-lock.json").is_file()  # boardkit gave npm the shipped lock file
        shutil.copytree(checkout.package, folder / "node_modules" / paths.WASM_PACKAGE)

    monkeypatch.setattr(wasm_runtime, "_npm_ci", npm_ci)
    return data


def test_install_without_a_callback_prints_nothing(
    fresh_runtime: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    runtime = wasm_runtime.install()
    assert runtime.module.is_file() and fresh_runtime in runtime.package.parents
    assert capfd.readouterr() == ("", "")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records


def _virtual_start(note: Callable[[str], None]) -> None:
    from boardkit import virtual

    board = virtual.start("wasm", name=f"notes-{os.getpid()}", on_note=note)
    virtual.stop(board.name)


def _flash_image(note: Callable[[str], None]) -> None:
    from boardkit import api

    api.prepare_image(api.resolve_board("virtual_wasm"), on_note=note)


def _kit_build(note: Callable[[str], None]) -> None:
    import tempfile

    from boardkit import api

    with tempfile.TemporaryDirectory() as tmp:
        kit = Path(tmp, "kit")
        kit.mkdir()
        (kit / "main.py").write_text("print(1)\n")
        api.build_kit(kit, api.resolve_board("virtual_wasm"), Path(tmp, "kit.zip"), on_note=note)


def _test_suite(note: Callable[[str], None]) -> None:
    from boardkit import api

    report = api.run_suite(["wasm"], pattern="strings/split", on_note=note)
    assert report.results and not report.failed


def _browser_target(note: Callable[[str], None]) -> None:
    from boardkit.conformance.targets import target_class

    target_class("browser").prepare(note)


# (what the CLI runs, the library call it makes with its note callback)
CALLERS = [
    ("virtual start wasm", _virtual_start),
    ("flash --board virtual_wasm", _flash_image),
    ("kit build --board virtual_wasm", _kit_build),
    ("test -t wasm", _test_suite),
    ("test -t browser", _browser_target),
]


@pytest.mark.parametrize("call", [c for _, c in CALLERS], ids=[name for name, _ in CALLERS])
def test_the_install_is_told_to_the_callers_callback(
    fresh_runtime: Path, call: Callable, capfd: pytest.CaptureFixture[str]
) -> None:
    lines: list[str] = []
    call(lines.append)
    assert len(lines) == 2, lines
    assert lines[0].startswith(INSTALLING) and str(fresh_runtime) in lines[0]
    assert lines[1].startswith(INSTALLED)
    assert INSTALLING not in capfd.readouterr().err
    lines.clear()
    call(lines.append)  # installed now: nothing to tell
    assert lines == []
