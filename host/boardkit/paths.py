"""Where things are: boardkit's own data (shipped in the package) and the user's folders.

This module is the one place that knows. Everything boardkit ships besides its code (the
board catalogue, the conformance suite, device-side code, the node bridge of the wasm board
and its npm lock file, the feature data, the studio's page) lives under the package, in
``boardkit/data/`` and the subpackages that own it, and is found through importlib.resources.
In a checkout, ``host/boardkit/data/*`` are symbolic links to the top-level folders
(boards/, tests/conformance/, lib/, firmware/wasm/), so an installed wheel, an editable
install and ``PYTHONPATH=host`` all see the same layout and nothing here guesses where a
"repository root" might be.

The user's folders come from platformdirs, each with an environment override:

    state_dir()  running virtual boards, their files, logs    BOARDKIT_HOME
    data_dir()   runtimes installed on first use (npm wasm)   BOARDKIT_DATA
    cache_dir()  what can be made again (compiled .mpy files)  BOARDKIT_CACHE

Only developer actions that write into a checkout (``boardkit test --matrix`` regenerating
docs/conformance.md) ask for checkout_root(), which says plainly when there is none.
"""

from __future__ import annotations

import os
from pathlib import Path

from boardkit.errors import BoardkitError, InvalidInput

# The npm package of the MicroPython WebAssembly build (pinned in data/wasm/package-lock.json).
WASM_PACKAGE = "@micropython/micropython-webassembly-pyscript"


# ---------------------------------------------------------------- shipped with the package


def package_dir() -> Path:
    """The installed boardkit package as a folder on disk.

    node, QEMU and a browser read these files directly, so boardkit needs a package that
    lives in the filesystem (every pip/pipx install is); a zipped one gets a clear error.
    """
    from importlib import resources  # ~5 ms: only once data is asked for, not on every command

    root = resources.files("boardkit")
    if not isinstance(root, Path):
        raise BoardkitError(
            "boardkit is installed in a zip archive; its data files need a folder",
            hint="install it with pip or pipx (not as a zipapp)",
        )
    return root


def _shipped(*parts: str) -> Path:
    path = package_dir().joinpath("data", *parts)
    if not path.exists():
        raise BoardkitError(
            f"boardkit's package is missing data/{'/'.join(parts)}",
            hint="reinstall boardkit (pipx reinstall boardkit); in a checkout, `git checkout host/boardkit/data`",
        )
    return path


def boards_dir() -> Path:
    """The board catalogue (one TOML file per board). BOARDKIT_BOARDS overrides it."""
    override = os.environ.get("BOARDKIT_BOARDS")
    return Path(override) if override else _shipped("boards")


def conformance_dir() -> Path:
    """The conformance suite: AREA/NAME.py tests, .exp files and features.toml."""
    return _shipped("conformance")


def device_lib_dir() -> Path:
    """Code that runs on the board (bk_fs.py, bk_probe.py, ...), sent by the host as needed."""
    return _shipped("device_lib")


def wasm_dir() -> Path:
    """The wasm board's node bridge (board.mjs) and the npm package.json + package-lock.json
    that pin its runtime. In a checkout, `make setup` installs node_modules/ beside them."""
    return _shipped("wasm")


def wasm_bridge() -> Path:
    """board.mjs: what node runs for the wasm virtual board."""
    return wasm_dir() / "board.mjs"


def wasm_lock_files() -> tuple[Path, Path]:
    """(package.json, package-lock.json): what `npm ci` installs the runtime from."""
    return wasm_dir() / "package.json", wasm_dir() / "package-lock.json"


def feature_data() -> Path:
    """conformance/feature_data.json: what each target supports, read by `boardkit check`.

    Not checked for existence: `boardkit test --matrix` writes it.
    """
    return package_dir() / "conformance" / "feature_data.json"


# ---------------------------------------------------------------- the user's folders


def _user_dir(env: str, kind: str, create: bool = True) -> Path:
    override = os.environ.get(env)
    if override:
        path = Path(override)
    else:
        import platformdirs  # only when needed: it costs start-up time on every command

        path = getattr(platformdirs, f"user_{kind}_path")("boardkit")
    # Said plainly, whether created now or not: a file where the folder should be (BOARDKIT_HOME
    # pointing at one) would otherwise fail later as an OSError deep inside some command.
    where = f"{env}={path}" if override else str(path)
    fix = f"point {env} at a folder (or unset it)" if override else f"move that file away, or set {env}"
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"boardkit's {kind} folder {where} is a file, not a folder", hint=fix)
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"cannot make boardkit's {kind} folder {where}: {exc.strerror}", hint=fix) from None
    return path


def state_dir() -> Path:
    """Per-user state: running virtual boards, their filesystems, logs.

    BOARDKIT_HOME overrides it, which keeps tests and parallel runs apart.
    """
    return _user_dir("BOARDKIT_HOME", "state")


def data_dir(create: bool = True) -> Path:
    """Per-user data: runtimes installed on first use (the npm WebAssembly runtime).

    BOARDKIT_DATA overrides it (tests, a shared classroom machine, a read-only home).
    """
    return _user_dir("BOARDKIT_DATA", "data", create)


def cache_dir(create: bool = True) -> Path:
    """Per-user cache: files boardkit can make again (compiled .mpy), safe to delete.

    BOARDKIT_CACHE overrides it (tests, a read-only home).
    """
    return _user_dir("BOARDKIT_CACHE", "cache", create)


# ---------------------------------------------------------------- developer actions


def checkout_root() -> Path | None:
    """The boardkit source checkout this package runs from, or None when installed.

    A checkout is recognised by its files (pyproject.toml naming boardkit, host/ holding this
    package), never assumed. Only developer actions use it (regenerating docs/).
    """
    package = package_dir().resolve()
    root = package.parent.parent
    if package.parent.name != "host" or not (root / "pyproject.toml").is_file():
        return None
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if 'name = "boardkit"' in text else None


def repo_root() -> Path:
    """The checkout (see checkout_root); InvalidInput when boardkit is installed, not checked out."""
    root = checkout_root()
    if root is None:
        raise InvalidInput(
            "this needs a boardkit checkout (it writes files of the source tree)",
            hint="git clone the boardkit repository and run it there",
        )
    return root
