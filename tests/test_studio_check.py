"""The page's check (web/src/check.js, on CodeMirror's Lezer tree) finds what `boardkit check`
(Python's ast) finds, over every program of the conformance suite."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from boardkit.conformance.check import uses_in
from boardkit.errors import InvalidInput

pytestmark = pytest.mark.studio
ROOT = Path(__file__).resolve().parent.parent


def test_the_page_and_boardkit_check_find_the_same_features():
    files = sorted(str(p) for p in (ROOT / "tests" / "conformance").rglob("*.py"))
    assert len(files) > 100
    found = subprocess.run(
        ["node", str(ROOT / "tests" / "studio_check_uses.mjs")],
        input=json.dumps(files),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    page = json.loads(found.stdout)
    compared = 0
    for name in files:
        try:
            uses = uses_in(Path(name).read_text(encoding="utf-8"), name)
        except InvalidInput:  # not CPython syntax: boardkit check refuses it too
            continue
        compared += 1
        assert {u.split("@")[0] for u in page[name]} == {u.feature for u in uses}, name
        # lines agree too (an implicitly joined f-string is one use for ast, one per part here)
        assert {f"{u.feature}@{u.line}" for u in uses} <= set(page[name]), name
    assert compared > 100


def test_the_committed_page_is_built_from_web_src(tmp_path):
    # The wheel ships host/boardkit/studio/assets/: it must be what web/src builds to today.
    subprocess.run(["node", str(ROOT / "web" / "build.mjs"), str(tmp_path)], check=True, timeout=120)
    shipped = ROOT / "host" / "boardkit" / "studio" / "assets"
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in shipped.iterdir() if p.is_file())
    stale = [name for name in built if (tmp_path / name).read_bytes() != (shipped / name).read_bytes()]
    assert stale == [], f"rebuild with `make studio-page` and commit: {stale}"
