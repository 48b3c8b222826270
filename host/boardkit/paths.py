"""Where boardkit keeps things on the host (state, caches) and finds its own data."""

from __future__ import annotations

import os
from pathlib import Path

# Repository root when running from a checkout (editable install); used to find firmware/.
_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent.parent


def state_dir() -> Path:
    """Per-user state: running virtual boards, their filesystems, logs.

    BOARDKIT_HOME overrides it, which keeps tests and parallel runs apart.
    """
    override = os.environ.get("BOARDKIT_HOME")
    if override:
        path = Path(override)
    else:
        import platformdirs  # only when needed: it costs start-up time on every command

        path = platformdirs.user_state_path("boardkit")
    path.mkdir(parents=True, exist_ok=True)
    return path


def repo_root() -> Path:
    """The checkout boardkit runs from (editable install)."""
    return _REPO_ROOT


def firmware_dir() -> Path:
    """The firmware/ folder (pinned runtimes). BOARDKIT_FIRMWARE overrides it."""
    override = os.environ.get("BOARDKIT_FIRMWARE")
    return Path(override) if override else _REPO_ROOT / "firmware"
