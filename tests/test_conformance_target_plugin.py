"""A conformance target added from outside boardkit: one class, one entry point, nothing else edited.

DummyTarget runs each test in a fresh CPython started with `-X dev` (Python's development
mode: extra runtime checks, warnings shown). An installed package would name it in its
pyproject.toml:

    [project.entry-points."boardkit.conformance_targets"]
    dummy = my_package.targets:DummyTarget

The test below leaves such a distribution on PYTHONPATH (a dist-info naming this very file)
and runs the real `boardkit test -t dummy` in a subprocess, as a user with the plugin would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from boardkit.conformance.suite import load_suite
from boardkit.conformance.targets.base import Credentials, Outcome, Target
from cli_helpers import boardkit


class DummyTarget(Target):
    """CPython in development mode, one process per test."""

    name = "dummy"

    def __init__(self) -> None:
        dev_mode = self.run("import sys\nprint(sys.flags.dev_mode)").out.strip()
        self.description = f"CPython -X dev (dev_mode={dev_mode}), a plugin target"

    @classmethod
    def open(cls, spec: str, *, credentials: Credentials | None = None) -> DummyTarget:
        return cls()

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
        try:
            done = subprocess.run(
                [sys.executable, "-X", "dev", "-c", code],
                check=False,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            return Outcome("", "timeout")
        lines = done.stderr.strip().splitlines()
        return Outcome(done.stdout, (lines[-1] if lines else "exit") if done.returncode else None)


def _plugin_path(tmp_path: Path) -> str:
    """A PYTHONPATH on which an installed distribution registers DummyTarget as "dummy"."""
    info = tmp_path / "boardkit_dummy_target-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: boardkit-dummy-target\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[boardkit.conformance_targets]\ndummy = {Path(__file__).stem}:DummyTarget\n"
    )
    return os.pathsep.join([str(tmp_path), str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])


def test_boardkit_test_runs_the_suite_on_a_target_from_an_entry_point(tmp_path: Path) -> None:
    result = boardkit(
        "test", "-t", "dummy", "-k", "strings", "--json", timeout=300, env={"PYTHONPATH": _plugin_path(tmp_path)}
    )
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    (target,) = report["targets"]
    assert target["name"] == "dummy"
    assert target["description"] == "CPython -X dev (dev_mode=True), a plugin target"
    strings = [t for t in load_suite(patterns=["strings"]) if t.expected is None]
    assert target["counts"]["pass"] == len(strings) > 20 and target["counts"]["fail"] == 0
    assert {r["test"] for r in report["results"]} == {t.id for t in load_suite(patterns=["strings"])}


def test_without_the_plugin_dummy_is_just_a_port_name() -> None:
    # The same command with no distribution registering "dummy": the name falls through to
    # the port-URL target, which finds no such board. (So the test above used the plugin.)
    result = boardkit("test", "-t", "dummy", "-k", "strings")
    assert result.returncode != 0
    assert "dummy" in result.stderr.decode() and "Traceback" not in result.stderr.decode()
