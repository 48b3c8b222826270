"""Bad input to the commands a new user meets first: one `boardkit:` line, a non-zero exit,
no traceback, and words about what was wrong (not a port, not an internal error)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import boardkit, json_of, one_line_error

# (arguments, extra environment ({file}: a regular file), what the one line must say)
CASES = [
    (["doctor", "--bogus"], {}, "No such option '--bogus'"),
    (["nosuchcommand"], {}, "No such command 'nosuchcommand'"),
    (["--timeout", "abc", "exec", "1"], {}, "'abc' is not a valid float"),
    (["exec", "1", "-p", "wasm1"], {}, "-p goes before the command"),
    (["-p", "relay://x", "exec", "1"], {}, "unknown kind of port 'relay://x'"),
    (["virtual", "start", "nosuchkind"], {}, "'nosuchkind' is not one of"),
    (["virtual", "stop", "nosuch"], {}, "no running virtual board named nosuch"),
    (["flash", "--board", "nosuch"], {}, "unknown board 'nosuch'"),
    (["flash", "-p", "/dev/ttyNOPE"], {}, "no such port: /dev/ttyNOPE"),
    (["flash", "-p", "nosuchboard"], {}, "no port or virtual board named 'nosuchboard'"),
    (["flash", "--board", "virtual_wasm", "nope.zip"], {}, "nope.zip: no such file"),
    (["kit", "build", "nope", "--board", "virtual_wasm", "-o", "kit.zip"], {}, "nope is not a folder"),
    (["test", "-t", "nosuch"], {}, "no conformance target, port or virtual board named 'nosuch'"),
    (["test", "-t", "cpython", "-k", "nosuchtest"], {}, "no test matches 'nosuchtest'"),
    (["check", "missing.py"], {}, "missing.py: no such file"),
    (["check", "-t", "nosuch", "."], {}, "no feature data for target 'nosuch'"),
    (["virtual", "start", "wasm"], {"BOARDKIT_DATA": "{file}"}, "BOARDKIT_DATA={file} is a file, not a folder"),
    (["virtual", "start", "wasm"], {"BOARDKIT_HOME": "{file}"}, "BOARDKIT_HOME={file} is a file, not a folder"),
    (["virtual", "list"], {"BOARDKIT_HOME": "{file}/sub"}, "cannot make boardkit's state folder"),
    (["devices"], {"BOARDKIT_HOME": "{file}"}, "BOARDKIT_HOME={file} is a file"),
    (["-p", "wasm1", "ls"], {"BOARDKIT_HOME": "{file}"}, "BOARDKIT_HOME={file} is a file"),
]


@pytest.mark.parametrize(("args", "env", "says"), CASES, ids=[" ".join(a) for a, _, _ in CASES])
def test_bad_input_gets_one_line(tmp_path: Path, args: list[str], env: dict[str, str], says: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    (tmp_path / "main.py").write_text("print(1)\n")
    env = {name: value.format(file=a_file) for name, value in env.items()}
    line = one_line_error(boardkit(*args, cwd=tmp_path, env=env, timeout=60))
    assert says.format(file=a_file) in line, line
    assert "internal error" not in line, line


def test_doctor_json_is_json() -> None:
    checks = json_of(boardkit("doctor", "--json"))
    assert {"python", "node", "wasm runtime"} <= {check["name"] for check in checks}
    assert all(set(check) >= {"name", "ok", "detail", "fix"} for check in checks)
    assert json.dumps(checks)  # plain data


def test_doctor_json_with_a_data_folder_that_is_a_file(tmp_path: Path) -> None:
    """The problem is a row of the report (the runtime cannot be found), not a crash."""
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    checks = {c["name"]: c for c in json_of(boardkit("doctor", "--json", env={"BOARDKIT_DATA": str(a_file)}))}
    assert not checks["wasm runtime"]["ok"] and "is a file" in checks["wasm runtime"]["detail"]
