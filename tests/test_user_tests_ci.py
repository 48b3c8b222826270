"""docs/ci.md's recipe, run as written: `pipx install boardkit`, then `boardkit test tests/ ...`.

A wheel is built from the checkout; `pipx install boardkit` resolves to it (pip is pointed at
a folder holding that wheel and its dependencies, no index), into a pipx home in a temporary
folder; the shell block of docs/ci.md then runs unchanged under bash, in a user's project
folder outside the checkout, with no PYTHONPATH and a PATH where `boardkit` can only be the
pipx one. The GitHub Actions workflow on the same page must run the same commands.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from test_install import BUILD_TIMEOUT, PIP_TIMEOUT, _clean_env, _run, _wheelhouse

pytestmark = [pytest.mark.slow, pytest.mark.wasm]

REPO = Path(__file__).resolve().parent.parent
CI_DOC = REPO / "docs" / "ci.md"
FIXTURES = Path(__file__).resolve().parent / "user_tests"
RECIPE_TIMEOUT = 600  # pipx install + npm ci of the WebAssembly runtime on a cold cache
# A project's tests that pass (or are unsupported) on wasm and cpython.
PASSING = ("passes.py", "exp_based.py", "exp_based.exp", "unittest_passes.py", "needs_fstring.py", "exits_early.py")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def shell_recipe() -> list[str]:
    """The commands of docs/ci.md's plain-shell block."""
    (block,) = _blocks(CI_DOC.read_text(encoding="utf-8"), "sh")
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def workflow() -> dict:
    (block,) = _blocks(CI_DOC.read_text(encoding="utf-8"), "yaml")
    return yaml.safe_load(block)


def test_the_workflow_runs_the_shell_recipe_after_setting_up_python_and_node() -> None:
    (job,) = workflow()["jobs"].values()
    steps = job["steps"]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses[:3] == ["actions/checkout", "actions/setup-python", "actions/setup-node"]
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert runs == shell_recipe()
    assert runs[0] == "pipx install boardkit"
    assert re.fullmatch(r"boardkit test tests/ -t wasm -t cpython --junit-xml \S+\.xml", runs[1])


@pytest.fixture(scope="module")
def wheel_links(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a wheel built from this checkout and every dependency's wheel."""
    out = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)], BUILD_TIMEOUT, env=env)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    wheel = next(out.glob("boardkit-*.whl"))
    links = tmp_path_factory.mktemp("links")
    house = _wheelhouse()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]

    def fill_links() -> None:
        for old in links.iterdir():
            old.unlink()
        for dependency in house.iterdir():
            if not dependency.name.startswith("boardkit-"):  # an older build may sit there
                (links / dependency.name).symlink_to(dependency)
        shutil.copy(wheel, links / wheel.name)

    if not any(house.glob("pip-*.whl")):  # pipx upgrades pip in its shared venv first
        fetch = _run([*pip, "download", "--no-deps", "-d", str(house), "pip"], PIP_TIMEOUT, env=_clean_env())
        assert fetch.returncode == 0, fetch.stderr[-3000:]
    fill_links()
    check = [*pip, "install", "--dry-run", "--no-index", "--find-links", str(links), str(wheel)]
    if _run(check, PIP_TIMEOUT, env=_clean_env()).returncode != 0:
        fill = _run([*pip, "wheel", "--wheel-dir", str(house), str(wheel)], PIP_TIMEOUT, env=_clean_env())
        assert fill.returncode == 0, fill.stderr[-3000:]
        fill_links()
    return links


def test_the_shell_recipe_from_a_pipx_install(wheel_links: Path, tmp_path: Path) -> None:
    pipx = shutil.which("pipx", path=str(Path(sys.executable).parent)) or shutil.which("pipx")
    assert pipx, "pipx is missing: it is in the test extra (pip install -e '.[test]', or `make setup`)"
    tools = tmp_path / "tools"  # pipx alone: this venv's own `boardkit` must not be on PATH
    tools.mkdir()
    (tools / "pipx").symlink_to(pipx)
    pipx_bin = tmp_path / "pipx-bin"
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    for name in PASSING:
        shutil.copy(FIXTURES / name, project / "tests" / name)
    env = _clean_env(
        PATH=os.pathsep.join([str(pipx_bin), str(tools), "/usr/local/bin", "/usr/bin", "/bin"]),
        HOME=str(tmp_path / "home"),
        PIPX_HOME=str(tmp_path / "pipx-home"),
        PIPX_BIN_DIR=str(pipx_bin),
        PIPX_MAN_DIR=str(tmp_path / "pipx-man"),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheel_links),
        BOARDKIT_HOME=str(tmp_path / "boardkit-home"),
        BOARDKIT_DATA=str(tmp_path / "boardkit-data"),
    )
    env.pop("GITHUB_ACTIONS", None)
    recipe = shell_recipe()
    script = "set -e\n" + "\n".join(recipe) + "\n"
    proc = _run(["bash", "-c", script], RECIPE_TIMEOUT, cwd=project, env=env)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    where = _run(["bash", "-c", "command -v boardkit"], 30, cwd=project, env=env)
    assert where.stdout.strip() == str(pipx_bin / "boardkit")
    assert REPO not in project.parents

    report = project / "boardkit-junit.xml"
    root = ET.parse(report).getroot()
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"wasm", "cpython"}
    for suite in suites.values():
        assert int(suite.get("tests")) == 5 and suite.get("failures") == "0" and suite.get("errors") == "0"
    assert "MicroPython" in suites["wasm"].find("properties/property[@name='implementation']").get("value")

    # A failing test makes the same command exit 1, with the failure in the report.
    shutil.copy(FIXTURES / "unittest_fails.py", project / "tests")
    again = _run(["bash", "-c", recipe[-1]], RECIPE_TIMEOUT, cwd=project, env=env)
    assert again.returncode == 1, again.stdout + again.stderr
    root = ET.parse(report).getroot()
    assert [s.get("failures") for s in root.findall("testsuite")] == ["1", "1"]
