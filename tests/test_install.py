"""boardkit installs like any Python tool: the wheel and the sdist, each into a clean venv.

Built with `python -m build` (no warnings allowed), installed with pip into a venv in a
temporary folder, then run from a folder outside the checkout with no PYTHONPATH, its own
BOARDKIT_HOME and BOARDKIT_DATA (so the WebAssembly runtime is installed on first use, as
for a new user), through the commands a teacher runs first.

Dependencies come from a wheelhouse kept between runs (BOARDKIT_TEST_WHEELHOUSE, default
~/.cache/boardkit-tests/wheelhouse), filled by pip from the index only when it lacks
something, so a run costs two venvs and two installs from local files, not the network.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 600  # seconds: the isolated build env fetches setuptools on a cold cache
PIP_TIMEOUT = 900
COMMAND_TIMEOUT = 180  # the first `virtual start wasm` runs npm ci


def _wheelhouse() -> Path:
    override = os.environ.get("BOARDKIT_TEST_WHEELHOUSE")
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = platformdirs.user_cache_path("boardkit-tests") / "wheelhouse"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user who has only run `pipx install boardkit`: nothing pointing
    back into the checkout."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("BOARDKIT_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(extra)
    return env


def _run(command: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs
    )


@dataclass
class Dists:
    wheel: Path
    sdist: Path
    log: str


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """The wheel and the sdist, built as a release would be (sdist first, the wheel from it)."""
    if importlib.util.find_spec("build") is None:
        pytest.fail("`build` is missing: it is in the test extra (pip install -e '.[test]', or `make setup`)")
    out = tmp_path_factory.mktemp("dist")
    # PYTHONDONTWRITEBYTECODE makes setuptools print "warning: byte-compiling is disabled".
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], BUILD_TIMEOUT, env=env)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    return Dists(wheel=next(out.glob("boardkit-*.whl")), sdist=next(out.glob("boardkit-*.tar.gz")), log=log)


def test_the_build_gives_no_warnings(dists: Dists) -> None:
    warnings = [line for line in dists.log.splitlines() if "warning" in line.lower()]
    assert not warnings, "\n".join(warnings)


def test_the_sdist_carries_the_package_data(dists: Dists) -> None:
    import tarfile

    with tarfile.open(dists.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for wanted in (
        "host/boardkit/data/boards/virtual_wasm.toml",
        "host/boardkit/data/conformance/features.toml",
        "host/boardkit/data/device_lib/bk_fs.py",
        "host/boardkit/data/wasm/board.mjs",
        "host/boardkit/data/wasm/package-lock.json",
        "host/boardkit/conformance/feature_data.json",
        "host/boardkit/studio/assets/index.html",
        "host/boardkit/studio/assets/app.js",
        "host/boardkit/studio/assets/worker.js",
        "LICENSE",
    ):
        assert wanted in names, wanted
    assert not any("node_modules" in name for name in names)
    assert any(name.endswith(".exp") for name in names)


@dataclass
class Installed:
    """boardkit installed in a venv of its own, and a user's folder to run it from."""

    venv: Path
    cwd: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
        return _run([str(self.venv / "bin" / "boardkit"), *args], timeout, cwd=self.cwd, env=self.env)

    def ok(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        proc = self.run(*args, timeout=timeout)
        assert proc.returncode == 0, f"boardkit {' '.join(args)}: {proc.stderr}{proc.stdout}"
        return proc.stdout


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess:
    return _run([str(python), "-m", "pip", "--disable-pip-version-check", *args], PIP_TIMEOUT, env=_clean_env())


def _install(python: Path, dist: Path) -> None:
    """pip install dist from the wheelhouse alone; fill the wheelhouse from the index and retry
    when it lacks something (a first run, a new dependency)."""
    house = _wheelhouse()
    offline = ["install", "--no-index", "--find-links", str(house), str(dist)]
    if _pip(python, *offline).returncode == 0:
        return
    # An earlier boardkit wheel in the wheelhouse (same name and version) would stand in for
    # dist while pip resolves, hiding a dependency dist added since: it goes.
    for stale in house.glob("boardkit-*"):
        stale.unlink()
    fill = _pip(
        python, "wheel", "--wheel-dir", str(house), "--find-links", str(house), str(dist), "setuptools>=77", "wheel"
    )
    assert fill.returncode == 0, fill.stderr[-3000:]
    for copied in house.glob("boardkit-*"):
        copied.unlink()
    proc = _pip(python, *offline)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def installed(
    request: pytest.FixtureRequest, dists: Dists, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Installed]:
    """boardkit from the wheel, or from the sdist (which pip builds), in a new venv."""
    root = tmp_path_factory.mktemp(f"from-{request.param}")
    assert REPO not in root.parents
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    _install(env_dir / "bin" / "python", getattr(dists, request.param))
    cwd = root / "user"
    cwd.mkdir()
    env = _clean_env(
        BOARDKIT_HOME=str(root / "home"),
        BOARDKIT_DATA=str(root / "data"),
        PATH=str(env_dir / "bin") + os.pathsep + os.environ.get("PATH", ""),
    )
    where = _run(
        [str(env_dir / "bin" / "python"), "-c", "import boardkit; print(boardkit.__file__)"], 60, cwd=cwd, env=env
    )
    assert where.stdout.startswith(str(env_dir)), where  # the venv's copy, not the checkout's
    board = Installed(env_dir, cwd, env)
    yield board
    board.run("virtual", "stop", "--all", timeout=60)
    shutil.rmtree(root / "data", ignore_errors=True)


def test_version_boards_and_doctor(installed: Installed) -> None:
    assert "0.1.0" in installed.ok("--version")
    boards = {board["id"]: board for board in json.loads(installed.ok("boards", "--json"))}
    assert {"virtual_wasm", "virtual_microbit", "esp32_generic", "rpi_pico"} <= set(boards)
    assert boards["virtual_wasm"]["file"].startswith(str(installed.venv))
    checks = {check["name"]: check for check in json.loads(installed.ok("doctor", "--json"))}
    assert checks["python"]["ok"] and checks["node"]["ok"] and checks["npm"]["ok"]
    assert not checks["wasm runtime"]["ok"]  # a new user: installed on first use
    assert checks["wasm runtime"]["fix"] == "boardkit doctor --install"
    table = installed.ok("doctor")
    assert all(len(line) <= 80 for line in table.splitlines()), table


def test_a_wasm_board_from_a_fresh_install(installed: Installed) -> None:
    start = installed.run("virtual", "start", "wasm", "--name", "fresh")
    assert start.returncode == 0, start.stderr
    # One line says the runtime is being installed, into the data folder.
    assert "installing the MicroPython WebAssembly runtime" in start.stderr
    assert (Path(installed.env["BOARDKIT_DATA"]) / "wasm-runtime").is_dir()
    assert installed.ok("-p", "fresh", "exec", "print(6 * 7)").strip() == "42"

    (installed.cwd / "hello.py").write_text("print('hello from a pip install')\n")
    installed.ok("-p", "fresh", "put", "hello.py")
    assert "hello.py" in installed.ok("-p", "fresh", "ls")

    lesson = installed.cwd / "lesson"
    (lesson / "lib").mkdir(parents=True)
    (lesson / "main.py").write_text("import helper\nhelper.greet()\n")
    (lesson / "lib" / "helper.py").write_text("def greet():\n    print('hi')\n")
    installed.ok("-p", "fresh", "sync", str(lesson))
    assert "main.py" in installed.ok("-p", "fresh", "ls")
    assert "helper.py" in installed.ok("-p", "fresh", "ls", "lib")
    # A second board does not install the runtime again.
    again = installed.run("virtual", "start", "wasm", "--name", "second")
    assert again.returncode == 0 and "installing" not in again.stderr, again.stderr
    installed.ok("virtual", "stop", "--all")
    assert "fresh" not in installed.ok("virtual", "list")


def test_the_studio_page_ships_in_the_wheel(installed: Installed) -> None:
    assert "wrote" in installed.ok("studio", "build", "site")
    site = installed.cwd / "site"
    for name in ("index.html", "app.js", "app.css", "worker.js", "features.json", "mpy/micropython.wasm"):
        assert (site / name).is_file(), name
    assert "boardkit studio" in (site / "index.html").read_text()


def test_the_conformance_suite_and_check(installed: Installed) -> None:
    results = json.loads(installed.ok("test", "-t", "wasm", "-k", "strings", "--json", timeout=300))["results"]
    statuses = {result["status"] for result in results}
    assert statuses <= {"pass", "unsupported"}, [r for r in results if r["status"] not in ("pass", "unsupported")]
    assert sum(result["status"] == "pass" for result in results) >= 20  # the suite shipped, and ran
    assert all("strings" in result["test"] for result in results)
    (installed.cwd / "fancy.py").write_text("name = 'x'\nprint(f'{name!r:>10}')\n")
    installed.ok("check", "fancy.py", "-t", "wasm")
    proc = installed.run("check", "fancy.py", "-t", "microbit")  # no f-strings on micro:bit 1.9
    assert proc.returncode == 1 and "microbit" in proc.stdout, proc


def test_a_microbit_kit_from_a_fresh_install(installed: Installed) -> None:
    lesson = installed.cwd / "kit"
    (lesson / "lib").mkdir(parents=True)
    (lesson / "main.py").write_text("import helper\nhelper.greet()\n")
    (lesson / "lib" / "helper.py").write_text("def greet():\n    print('hi')\n")
    installed.ok("kit", "build", str(lesson), "--board", "virtual_microbit", "-o", "kit.hex")
    hex_text = (installed.cwd / "kit.hex").read_text()
    assert hex_text.startswith(":") and len(hex_text) > 100_000
