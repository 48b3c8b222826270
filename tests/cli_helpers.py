"""Running the real `boardkit` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BOARDKIT = [sys.executable, "-m", "boardkit"]


def boardkit(
    *args: str, input: bytes | None = None, timeout: float = 60, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*BOARDKIT, *args],
        input=input,
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The CLI's promise for bad input: non-zero exit, one `boardkit:` line, no traceback."""
    err = result.stderr.decode()
    assert result.returncode != 0, (result.stdout, err)
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("boardkit: "), err
    return lines[0]


def json_of(result: subprocess.CompletedProcess):
    """The JSON a successful command printed; a failure shows its stderr instead of a decode error."""
    import json

    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)
