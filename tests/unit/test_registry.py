"""The one mechanism behind every extension point: built-ins, run-time entries, entry points."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from boardkit.errors import InvalidInput
from boardkit.registry import Registry


def test_builtins_load_lazily_and_unknown_names_are_named():
    reg: Registry[object] = Registry("widget", "boardkit.test-widgets", {"path": "os.path:join"})
    assert reg.names() == ["path"]
    import os.path

    assert reg.get("path") is os.path.join
    with pytest.raises(InvalidInput) as caught:
        reg.get("sprocket")
    assert "unknown widget 'sprocket'" in str(caught.value)
    assert "path" in caught.value.hint


def test_register_replaces_and_unregister_forgets():
    reg: Registry[object] = Registry("widget", "boardkit.test-widgets", {"a": "os:getcwd"})
    reg.register("a", len)
    assert reg.get("a") is len
    reg.register("b", "os:sep")
    assert "b" in reg and reg.names() == ["a", "b"]
    reg.unregister("a")
    assert "a" not in reg


def test_an_installed_package_adds_entries_through_its_entry_points(tmp_path):
    # A distribution on sys.path, as pip would leave it: a module and a dist-info naming it.
    (tmp_path / "widget_plugin.py").write_text("SPROCKET = 'from a plugin'\n")
    info = tmp_path / "widget_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: widget-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[boardkit.test-widgets]\nsprocket = widget_plugin:SPROCKET\n")
    code = textwrap.dedent("""
        from boardkit.registry import Registry
        reg = Registry("widget", "boardkit.test-widgets", {})
        print(reg.names(), reg.get("sprocket"))
    """)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{__import__('os').environ.get('PYTHONPATH', '')}"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['sprocket'] from a plugin"


def test_asking_for_a_built_in_does_not_read_installed_packages(monkeypatch):
    # Reading entry points imports importlib.metadata and scans sys.path (~10-25 ms on every
    # command); a built-in name must not pay for it.
    reg: Registry[object] = Registry("widget", "boardkit.test-widgets", {"path": "os.path:join"})

    def refuse() -> None:
        raise AssertionError("entry points read for a built-in name")

    monkeypatch.setattr(reg, "_read_plugins", refuse)
    assert "path" in reg
    assert reg.get("path") is not None
    monkeypatch.undo()
    assert "sprocket" not in reg
