"""boardkit.api names every public function once, and loads each only when it is used."""

from __future__ import annotations

import subprocess
import sys

import boardkit
import boardkit.api as api


def test_every_public_name_resolves_and_is_listed_once():
    assert sorted(api.__all__) == sorted(api._HOME)
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert sorted(set(api.__all__)) == sorted(api.__all__)


def test_the_top_level_package_reaches_the_same_functions():
    for name in ("connect", "info", "exec_code", "put", "ls", "push", "run_suite", "prepare_image"):
        assert getattr(boardkit, name) is getattr(api, name)


def test_a_session_does_not_load_the_flashing_or_conformance_code():
    # `boardkit exec` runs through api.connect: importing flashing and the conformance suite
    # for it doubled the command's start-up time (0.075 s -> 0.15 s measured).
    code = (
        "import sys, boardkit.api as api; api.connect; api.exec_code; "
        "print(sorted(m for m in sys.modules if m.startswith(('boardkit.api.', 'boardkit.conformance', "
        "'boardkit.flash', 'boardkit.firmware'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['boardkit.api.session']"
