"""paths (where boardkit's data is), the wasm runtime's first-use install, and `boardkit doctor`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boardkit import doctor, paths, wasm_runtime
from boardkit.errors import InvalidInput, MissingDependency

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boardkit", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_the_shipped_data_is_found_through_the_package() -> None:
    assert (paths.boards_dir() / "virtual_wasm.toml").is_file()
    assert (paths.conformance_dir() / "features.toml").is_file()
    assert (paths.device_lib_dir() / "bk_fs.py").is_file()
    assert paths.wasm_bridge().is_file()
    assert all(path.is_file() for path in paths.wasm_lock_files())
    assert paths.feature_data().is_file()
    # Every one of them lives inside the package, wherever the package is.
    for folder in (paths.boards_dir(), paths.conformance_dir(), paths.device_lib_dir(), paths.wasm_dir()):
        assert folder.parent.parent == paths.package_dir()


def test_the_checkout_is_recognised_and_repo_root_refuses_without_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert paths.checkout_root() == REPO
    monkeypatch.setattr(paths, "package_dir", lambda: tmp_path / "site-packages" / "boardkit")
    assert paths.checkout_root() is None
    with pytest.raises(InvalidInput) as raised:
        paths.repo_root()
    assert raised.value.hint


def test_user_folders_follow_their_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BOARDKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("BOARDKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BOARDKIT_BOARDS", str(tmp_path / "boards"))
    assert paths.data_dir() == tmp_path / "data" and (tmp_path / "data").is_dir()
    assert paths.state_dir() == tmp_path / "home"
    assert paths.boards_dir() == tmp_path / "boards"
    # One runtime folder per lock file: two boardkit versions never share one.
    assert wasm_runtime.install_dir().parent == tmp_path / "data" / "wasm-runtime"
    assert wasm_runtime.pinned_version().count(".") == 2


def test_without_npm_the_install_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BOARDKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", str(tmp_path))  # neither node nor npm
    with pytest.raises(MissingDependency) as raised:
        wasm_runtime.install()
    assert "node" in raised.value.message and "nodejs.org" in (raised.value.hint or "")
    assert not wasm_runtime.install_dir().exists()


def test_virtual_boards_without_their_tools_fail_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "BOARDKIT_HOME": str(tmp_path / "home")}  # no node, no QEMU
    for kind, needle in (("microbit", "apt-get install -y qemu-system-arm"), ("wasm", "Node.js 20")):
        proc = _cli("virtual", "start", kind, env=env)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode != 0 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert lines[0].startswith("boardkit: ") and needle in lines[0], lines[0]


def test_doctor_lists_every_check_and_fits_80_columns(tmp_path: Path) -> None:
    proc = _cli("doctor", env={"PATH": str(tmp_path)})  # nothing found: every fix is shown
    assert proc.returncode == 0, proc.stderr
    assert all(len(line) <= 80 for line in proc.stdout.splitlines()), proc.stdout
    for name in doctor.CHECKS:
        assert name in proc.stdout
    assert "missing node" in " ".join(proc.stdout.split())
    checks = json.loads(_cli("doctor", "--json").stdout)
    assert [check["name"] for check in checks] == list(doctor.CHECKS)
    assert {"name", "ok", "detail", "needed_for", "fix", "installable"} <= set(checks[0])


def test_a_new_check_is_one_function_in_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The doctor's extension point: CHECKS maps a name to a function returning a Check."""

    def check_soldering_iron() -> doctor.Check:
        return doctor.Check("soldering iron", False, "cold", "fixing boards", "switch it on")

    def check_that_breaks() -> doctor.Check:
        raise MissingDependency("the probe itself failed", hint="look at it")

    monkeypatch.setitem(doctor.CHECKS, "soldering iron", check_soldering_iron)
    monkeypatch.setitem(doctor.CHECKS, "broken", check_that_breaks)
    found = {check.name: check for check in doctor.diagnose()}
    assert found["soldering iron"].fix == "switch it on" and not found["soldering iron"].ok
    assert found["broken"].detail == "the probe itself failed" and found["broken"].fix == "look at it"
    from boardkit.cli.doctor_cmd import render

    text = "\n".join(render(list(found.values())))
    assert "soldering iron: needed for fixing boards" in text and "switch it on" in text
