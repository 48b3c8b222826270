"""`boardkit install`: packages from a mip index the tests build (micropython-lib's layout,
served on loopback), a package's own package.json, github: (its raw-file server pointed at the
same loopback server) and a CircuitPython bundle zip, onto the real wasm virtual board, where
each package is imported and run. Then --list, the lock file on a second board, bad input,
and mpremote's own mip installing from the same index (so the index is real mip layout).
No test reaches the internet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from boardkit import api, virtual
from cli_helpers import boardkit, json_of, one_line_error
from package_index import Package, serve, write_index

pytestmark = pytest.mark.wasm

UTIL_11 = "def double(x):\n    return 2 * x\nVERSION = '1.1'\n"
PACKAGES = [
    Package("bk_util", "1.0", {"bk_util.py": "def double(x):\n    return x + x\nVERSION = '1.0'\n"}, latest=False),
    Package("bk_util", "1.1", {"bk_util.py": UTIL_11}),
    Package(
        "bk_greet",
        "0.3",
        {
            "bk_greet/__init__.py": "from bk_util import double\nfrom bk_greet.words import WORD\n"
            "def hello(n):\n    return ' '.join([WORD] * double(n))\n",
            "bk_greet/words.py": "WORD = 'hello'\n",
        },
        deps=[("bk_util", "latest")],
    ),
    Package("bk_pyonly", "2.0", {"bk_pyonly.py": "def where():\n    return __file__\n"}, variants=("py",)),
    Package("bk_badhash", "1.0", {"bk_badhash.py": "A = 1\n"}, corrupt="bk_badhash.py"),
    Package("bk_cyc_a", "1.0", {"bk_cyc_a.py": "A = 1\n"}, deps=[("bk_cyc_b", "latest")]),
    Package("bk_cyc_b", "1.0", {"bk_cyc_b.py": "B = 1\n"}, deps=[("bk_cyc_a", "latest")]),
    Package("bk_pin_old", "1.0", {"bk_pin_old.py": "O = 1\n"}, deps=[("bk_util", "1.0")]),
    Package("bk_pin_new", "1.0", {"bk_pin_new.py": "N = 1\n"}, deps=[("bk_util", "1.1")]),
]


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_index(tmp_path_factory.mktemp("index"), PACKAGES)
    # a repository as GitHub's raw-file server lays it out: {org}/{repo}/{ref}/{path}
    for ref, says in (("HEAD", "blink main"), ("v2", "blink v2")):
        repo = root / "gh" / "acme" / "blink" / ref
        (repo / "src").mkdir(parents=True)
        (repo / "src" / "bk_blink.py").write_text(f"from bk_util import double\ndef say():\n    return {says!r}\n")
        (repo / "bk_blink_cfg.py").write_text("TIMES = 3\n")
        (repo / "package.json").write_text(
            json.dumps(
                {
                    "version": "0.1" if ref == "HEAD" else "2.0",
                    "urls": [
                        ["bk_blink.py", "github:acme/blink/src/bk_blink.py"],
                        ["bk_blink_cfg.py", "bk_blink_cfg.py"],
                    ],
                    "deps": [["bk_util", "latest"]],
                }
            )
        )
    return root


@pytest.fixture(scope="module")
def index(index_root: Path) -> Iterator[str]:
    with serve(index_root) as url:
        yield url


@pytest.fixture(scope="module", autouse=True)
def leave_the_shared_board_clean(wasm_board: virtual.VirtualBoard) -> Iterator[None]:
    """The session's wasm board is shared: the folders these tests make go when they are done."""
    yield
    with api.connect(wasm_board.port) as device:
        for entry in device.listdir("/"):
            if entry.is_dir and entry.name.startswith("t_"):
                device.remove(entry.path, recursive=True)
        for name in ("/lib/bk_greet", "/lib/bk_util.mpy"):
            if device.stat(name) is not None:
                device.remove(name, recursive=True)
        if device.stat("/lib") is not None and not device.listdir("/lib"):
            device.remove("/lib")


def on_board(board: virtual.VirtualBoard, code: str) -> str:
    """What code prints on the board, after a soft reset (no module left imported)."""
    out = bytearray()
    with api.connect(board.port) as device:
        api.reset(device)
        api.exec_code(device, code, on_output=out.extend)
    return out.decode().replace("\r\n", "\n").strip()


def run_from(board: virtual.VirtualBoard, folder: str, code: str) -> str:
    """What code prints on the board with folder first on sys.path."""
    return on_board(board, f"import sys\nsys.path.insert(0, {folder!r})\n{code}")


def board_files(board: virtual.VirtualBoard, folder: str) -> dict[str, tuple[int, str | None]]:
    with api.connect(board.port) as device:
        _, entries = device.listing(folder)
    return {e.path: (e.size, e.hash) for e in entries if not e.is_dir}


def install(board: virtual.VirtualBoard, index: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return boardkit("-p", board.port, "install", "--index", index, *args, cwd=cwd, timeout=120)


def test_index_package_with_deps_imports_and_runs(wasm_board, index, tmp_path):
    result = install(wasm_board, index, tmp_path, "--target", "/t_idx", "bk_greet", "bk_pyonly", "--json")
    report = json_of(result)
    assert {p["name"]: p["version"] for p in report["packages"]} == {
        "bk_greet": "0.3",
        "bk_util": "1.1",
        "bk_pyonly": "2.0",
    }
    files = board_files(wasm_board, "/t_idx")
    # the board loads .mpy 6: the index's .mpy files; bk_pyonly has none there: compiled here
    assert set(files) == {
        "/t_idx/bk_greet/__init__.mpy",
        "/t_idx/bk_greet/words.mpy",
        "/t_idx/bk_util.mpy",
        "/t_idx/bk_pyonly.mpy",
    }
    assert next(p for p in report["packages"] if p["name"] == "bk_pyonly")["compiled"] is True
    out = run_from(
        wasm_board,
        "/t_idx",
        "import bk_greet, bk_pyonly\nprint(bk_greet.hello(1), bk_pyonly.where())",
    )
    assert out == "hello hello /t_idx/bk_pyonly.mpy"
    lock = json.loads((tmp_path / "boardkit.lock").read_text())
    assert lock["requested"] == {"bk_greet": "bk_greet", "bk_pyonly": "bk_pyonly"}
    assert lock["packages"]["bk_greet"]["deps"] == ["bk_util"]
    assert lock["packages"]["bk_pyonly"]["variants"]["6"]["compiled"] is True
    again = install(wasm_board, index, tmp_path, "--target", "/t_idx", "bk_greet", "--json")
    assert json_of(again)["sent"] == 0 and json_of(again)["skipped"] == 3  # nothing written twice


def test_source_variant_and_pinned_version(wasm_board, index, tmp_path):
    report = json_of(
        install(wasm_board, index, tmp_path, "--target", "/t_src", "--no-mpy", "--no-lock", "bk_util@1.0", "--json")
    )
    assert [(p["name"], p["version"], p["files"]) for p in report["packages"]] == [("bk_util", "1.0", ["bk_util.py"])]
    assert (
        run_from(
            wasm_board,
            "/t_src",
            "import bk_util\nprint(bk_util.VERSION, bk_util.double(4))",
        )
        == "1.0 8"
    )


def test_list_matches_lock_and_index(wasm_board, index, tmp_path):
    install(wasm_board, index, tmp_path, "--target", "/t_list", "bk_greet")
    with api.connect(wasm_board.port) as device:
        device.write_file("/t_list/notmine.py", b"x = 1\n")
    listed = json_of(
        boardkit(
            "-p", wasm_board.port, "install", "--list", "--target", "/t_list", "--index", index, "--json", cwd=tmp_path
        )
    )
    assert {p["name"]: (p["version"], p["status"]) for p in listed} == {
        "bk_greet": ("0.3", "ok"),
        "bk_util": ("1.1", "ok"),
        "notmine": ("?", "unknown"),
    }
    with api.connect(wasm_board.port) as device:  # a file changed on the board
        device.write_file("/t_list/bk_util.mpy", b"changed")
    table = boardkit("-p", wasm_board.port, "install", "--list", "--target", "/t_list", "--index", index, cwd=tmp_path)
    lines = table.stdout.decode().splitlines()
    assert table.returncode == 0 and lines[0].split() == ["NAME", "VERSION", "FILES", "SIZE", "STATUS", "SOURCE"]
    assert all(len(line) <= 80 for line in lines)
    assert any(line.startswith("bk_util") and " changed " in line for line in lines), lines
    # no lock: the index names what it can
    listed = json_of(
        boardkit(
            "-p", wasm_board.port, "install", "--list", "--no-lock", "--target", "/t_list", "--index", index, "--json"
        )
    )
    assert {p["name"]: p["status"] for p in listed} == {"bk_greet": "index", "bk_util": "unknown", "notmine": "unknown"}
    # an index that cannot be reached is asked once; the listing still comes
    offline = boardkit(
        "-p", wasm_board.port, "install", "--list", "--no-lock", "--target", "/t_list",
        "--index", "http://127.0.0.1:9", "--json",
    )  # fmt: skip
    assert {p["status"] for p in json_of(offline)} == {"unknown"}
    assert offline.stderr.decode().count("cannot reach 127.0.0.1:9") == 1


def test_lock_gives_a_second_board_the_same_files(wasm_board, index, index_root, tmp_path):
    install(wasm_board, index, tmp_path, "--target", "/t_lock", "bk_greet")
    # The index moves on: bk_util 1.2 becomes the newest. The lock keeps the class on 1.1.
    write_index(
        index_root, [Package("bk_util", "1.2", {"bk_util.py": "def double(x):\n    return 0\nVERSION = '1.2'\n"})]
    )
    second = virtual.start("wasm", name="test-install-2")
    try:
        result = boardkit(
            "-p", second.port, "install", "--index", index, "--target", "/t_lock", cwd=tmp_path, timeout=120
        )
        assert result.returncode == 0, result.stderr.decode()
        assert board_files(second, "/t_lock") == board_files(wasm_board, "/t_lock")
        assert run_from(second, "/t_lock", "import bk_util\nprint(bk_util.VERSION)") == "1.1"
        # a lock whose recorded hash no longer matches what the index serves: refused, nothing written
        lock = json.loads((tmp_path / "boardkit.lock").read_text())
        lock["packages"]["bk_util"]["variants"]["6"]["files"][0]["sha256"] = "0" * 64
        (tmp_path / "tampered.lock").write_text(json.dumps(lock))
        before = board_files(second, "/t_lock2")
        line = one_line_error(
            boardkit(
                "-p",
                second.port,
                "install",
                "--index",
                index,
                "--target",
                "/t_lock2",
                "--lock",
                "tampered.lock",
                "--locked",
                cwd=tmp_path,
            )
        )
        assert "bk_util" in line and "does not match its hash" in line and "--upgrade" in line
        assert board_files(second, "/t_lock2") == before == {}
        # --upgrade takes the newest and says so in the lock
        upgraded = json_of(
            boardkit(
                "-p",
                second.port,
                "install",
                "--index",
                index,
                "--target",
                "/t_lock",
                "--upgrade",
                "bk_greet",
                "--json",
                cwd=tmp_path,
            )
        )
        assert {p["name"]: p["version"] for p in upgraded["packages"]}["bk_util"] == "1.2"
        assert json.loads((tmp_path / "boardkit.lock").read_text())["packages"]["bk_util"]["version"] == "1.2"
    finally:
        virtual.stop(second.name)
        write_index(index_root, [p for p in PACKAGES if p.name == "bk_util"])  # 1.1 newest again


def test_package_json_and_github_sources(wasm_board, index, tmp_path):
    mylib = tmp_path / "mylib"
    mylib.mkdir()
    (mylib / "bk_local.py").write_text("import bk_greet\ndef run():\n    return 'local ' + bk_greet.hello(1)\n")
    (mylib / "package.json").write_text(
        json.dumps({"version": "0.9", "urls": [["bk_local.py", "bk_local.py"]], "deps": [["bk_greet", "latest"]]})
    )
    env = {"BOARDKIT_GITHUB_RAW": f"{index}/gh"}
    result = boardkit(
        "-p", wasm_board.port, "install", "--index", index, "--target", "/t_json", "--json",
        "mylib/package.json", "github:acme/blink", cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    report = json_of(result)
    assert {p["name"]: p["version"] for p in report["packages"]} == {
        "mylib/package.json": "0.9",
        "bk_greet": "0.3",
        "bk_util": "1.1",
        "github:acme/blink": "0.1",
    }
    code = "import bk_local, bk_blink, bk_blink_cfg\nprint(bk_local.run(), bk_blink.say(), bk_blink_cfg.TIMES)"
    assert run_from(wasm_board, "/t_json", code) == "local hello hello blink main 3"
    tagged = boardkit(
        "-p", wasm_board.port, "install", "--index", index, "--target", "/t_json", "--no-lock", "github:acme/blink@v2",
        cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert tagged.returncode == 0, tagged.stderr.decode()
    assert run_from(wasm_board, "/t_json", "import bk_blink\nprint(bk_blink.say())") == "blink v2"


def make_bundle(folder: Path) -> Path:
    """A CircuitPython library bundle zip as the bundles are released: one folder with lib/,
    requirements/ and the module metadata JSON."""
    top = "bk-circuitpython-bundle-py-20261130"
    bundle = folder / f"{top}.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr(
            f"{top}/lib/bk_cp_led.py",
            "from bk_cp_bus import BUS\n__version__ = '3.1.4'\ndef on():\n    return 'led on ' + BUS\n",
        )
        archive.writestr(f"{top}/lib/bk_cp_bus/__init__.py", "__version__ = '5.2.0'\nBUS = 'i2c'\n")
        archive.writestr(f"{top}/lib/bk_cp_bus/device.py", "D = 1\n")
        archive.writestr(
            f"{top}/requirements/bk_cp_led/requirements.txt", "Adafruit-Blinka\nbk-circuitpython-cp-bus>=5\n"
        )
        archive.writestr(
            f"{top}/bk-circuitpython-bundle-20261130.json",
            json.dumps(
                {
                    "bk_cp_led": {
                        "version": "3.1.4",
                        "package": False,
                        "pypi_name": "bk-circuitpython-cp-led",
                        "dependencies": ["bk_cp_bus"],
                    },
                    "bk_cp_bus": {
                        "version": "5.2.0",
                        "package": True,
                        "pypi_name": "bk-circuitpython-cp-bus",
                        "dependencies": [],
                    },
                }
            ),
        )
    return bundle


def test_circuitpython_bundle(wasm_board, index, tmp_path):
    bundle = make_bundle(tmp_path)
    report = json_of(
        install(
            wasm_board,
            index,
            tmp_path,
            "--bundle",
            str(bundle),
            "--target",
            "/t_cp",
            "bk-circuitpython-cp-led",
            "--json",
        )
    )
    assert {p["name"]: p["version"] for p in report["packages"]} == {"bk_cp_led": "3.1.4", "bk_cp_bus": "5.2.0"}
    assert set(board_files(wasm_board, "/t_cp")) == {
        "/t_cp/bk_cp_led.py",
        "/t_cp/bk_cp_bus/__init__.py",
        "/t_cp/bk_cp_bus/device.py",
    }
    assert run_from(wasm_board, "/t_cp", "import bk_cp_led\nprint(bk_cp_led.on())") == "led on i2c"
    line = one_line_error(
        install(wasm_board, index, tmp_path, "--bundle", str(bundle), "--target", "/t_cp2", "bk_cp_le")
    )
    assert "no library bk_cp_le in the bundle" in line and "did you mean bk_cp_led" in line


def test_a_circuitpython_board_gets_the_newest_bundle_by_itself(wasm_board, index, tmp_path, monkeypatch):
    """Without --bundle, as circup does: the bundle repository's latest release (its page
    redirects to the tag), the zip for the board's major version. A loopback server stands in
    for GitHub, and the wasm board for a CircuitPython 9 board (only its probe's answer changed)."""
    from dataclasses import replace

    from boardkit.errors import PackageError

    tag = "20261201"
    repo = tmp_path / "site" / "bundle"
    (repo / "releases" / "tag").mkdir(parents=True)
    (repo / "releases" / "tag" / tag).write_text("the release page")
    release = repo / "releases" / "download" / tag
    release.mkdir(parents=True)
    make_bundle(tmp_path).rename(release / f"adafruit-circuitpython-bundle-9.x-mpy-{tag}.zip")
    notes: list[str] = []
    moved = {"/bundle/releases/latest": f"/bundle/releases/tag/{tag}"}
    with serve(tmp_path / "site", redirects=moved) as site, api.connect(wasm_board.port) as device:
        device._caps = replace(device.caps, implementation="circuitpython", version=(9, 2, 1))
        monkeypatch.setenv("BOARDKIT_CP_BUNDLE_REPO", f"{site}/bundle")
        result = api.install(device, ["bk_cp_led"], index=index, lock=None, target="/t_cpn", on_note=notes.append)
        assert [(p.key, p.version) for p in result.packages] == [("bk_cp_led", "3.1.4"), ("bk_cp_bus", "5.2.0")]
        assert f"CircuitPython 9: libraries from the bundle released {tag}" in notes
        # a CircuitPython 8 board: the release has no 8.x bundle, said in one line
        device._caps = replace(device.caps, version=(8, 2, 0))
        with pytest.raises(PackageError) as caught:
            api.install(device, ["bk_cp_led"], index=index, lock=None, target="/t_cpn")
        assert str(caught.value) == f"the newest bundle release ({tag}) has no bundle for CircuitPython 8"
        assert "--bundle" in (caught.value.hint or "")
    assert run_from(wasm_board, "/t_cpn", "import bk_cp_led\nprint(bk_cp_led.on())") == "led on i2c"


def test_kit_install_then_kit_build(index, tmp_path):
    kit = tmp_path / "lesson"
    kit.mkdir()
    (kit / "main.py").write_text("import bk_greet\nprint(bk_greet.hello(1))\n")
    result = boardkit("install", "--index", index, "--kit", str(kit), "bk_greet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert sorted(p.relative_to(kit).as_posix() for p in kit.rglob("*.py")) == [
        "lib/bk_greet/__init__.py",
        "lib/bk_greet/words.py",
        "lib/bk_util.py",
        "main.py",
    ]
    image = tmp_path / "lesson.zip"
    built = boardkit("kit", "build", str(kit), "--board", "virtual_wasm", "-o", str(image), cwd=tmp_path, timeout=120)
    assert built.returncode == 0, built.stderr.decode()
    assert "lib/bk_util.mpy" in zipfile.ZipFile(image).namelist()  # kit build compiled the library


BAD = [
    # (arguments, what the one line says, exit status)
    (["bk_gret"], "did you mean bk_greet", 1),
    (["bk_util@9.9"], "bk_util has no version 9.9", 1),
    (["bk_badhash"], "does not match its hash", 1),
    (["bk_cyc_a"], "dependency cycle: bk_cyc_a -> bk_cyc_b -> bk_cyc_a", 1),
    (["bk_pin_old", "bk_pin_new"], "version conflict: bk_util 1.0 (wanted by bk_pin_old) and 1.1", 1),
    (["--index", "http://127.0.0.1:9", "bk_util"], "cannot reach 127.0.0.1:9", 1),
    (["--index", "ftp://example.org", "bk_util"], "is not an http(s) URL or a folder", 2),
    (["github:acme"], "say which repository", 2),
    (["nothere/package.json"], "no such package.json", 2),
    (["bk_util@"], "nothing after '@'", 2),
    ([], "give a package to install", 2),
    (["--locked", "bk_util"], "--locked: there is no lock file", 2),
    (["--locked", "--upgrade", "bk_util"], "exclude each other", 2),
    (["--bundle", "nothere.zip", "bk_cp_led"], "no such bundle file", 2),
    (["--list", "bk_util"], "--list takes no packages", 2),
    (["github:acme/blink@nosuchref"], "no package.json for github:acme/blink", 1),
]


@pytest.mark.parametrize(("args", "says", "status"), BAD, ids=[" ".join(a) or "(nothing)" for a, _, _ in BAD])
def test_bad_input_is_one_line_and_writes_nothing(wasm_board, index, tmp_path, args, says, status):
    env = {"BOARDKIT_GITHUB_RAW": f"{index}/gh", "BOARDKIT_DOWNLOAD_TIMEOUT": "5"}
    argv = ["-p", wasm_board.port, "install", "--target", "/t_bad", *args]
    if "--index" not in args:
        argv[3:3] = ["--index", index]
    result = boardkit(*argv, cwd=tmp_path, env=env)
    line = one_line_error(result)
    assert says in line, line
    assert result.returncode == status, line
    assert board_files(wasm_board, "/t_bad") == {}
    assert not (tmp_path / "boardkit.lock").exists()


def test_mpremote_mip_installs_from_the_same_index(wasm_board, index):
    """mpremote's own mip reads the index the tests build: it is real mip layout."""
    mpremote = Path(sys.executable).parent / "mpremote"
    if not mpremote.exists():
        mpremote = Path(shutil.which("mpremote") or "mpremote")
    with api.connect(wasm_board.port) as device:
        device.exec("import os\ntry:\n os.mkdir('/t_mip')\nexcept OSError:\n pass")
    result = subprocess.run(
        [
            str(mpremote),
            "connect",
            wasm_board.port,
            "mip",
            "install",
            "--index",
            index,
            "--target",
            "/t_mip",
            "bk_greet",
        ],
        capture_output=True,
        timeout=120,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert set(board_files(wasm_board, "/t_mip")) == {
        "/t_mip/bk_greet/__init__.mpy",
        "/t_mip/bk_greet/words.mpy",
        "/t_mip/bk_util.mpy",
    }
    assert run_from(wasm_board, "/t_mip", "import bk_greet\nprint(bk_greet.hello(2))") == "hello hello hello hello"


def test_fleet_install_on_three_boards_one_failing_alone(wasm_board, index, tmp_path):
    """fleet install runs api.install on each seat: two boards get the package, the third (whose
    /lib is a file, so nothing can go into it) fails alone, in one line, and the run exits 1."""
    others = [virtual.start("wasm", name=f"test-install-f{i}") for i in (2, 3)]
    try:
        with api.connect(others[1].port) as device:
            device.write_file("/lib", b"not a folder\n")
        seats = {"alice": wasm_board, "bob": others[0], "carol": others[1]}
        roster = tmp_path / "classroom.toml"
        roster.write_text(
            "".join(f'[seats.{name}]\nboard = "virtual_wasm"\nvirtual = "{b.name}"\n\n' for name, b in seats.items())
        )
        with api.connect(wasm_board.port) as device:  # alice's /lib may hold an earlier test's files
            if device.stat("/lib/bk_greet") is not None:
                device.remove("/lib/bk_greet", recursive=True)
        result = boardkit(
            "fleet",
            "install",
            "--index",
            index,
            "bk_greet",
            "--roster",
            str(roster),
            "--json",
            cwd=tmp_path,
            timeout=180,
        )
        assert result.returncode == 1, result.stderr.decode()
        report = json.loads(result.stdout)
        by_seat = {s["seat"]: s for s in report["seats"]}
        assert report["failed"] == ["carol"]
        assert "/lib is a file, not a folder" in by_seat["carol"]["error"]
        for name in ("alice", "bob"):
            assert by_seat[name]["ok"] and by_seat[name]["summary"].startswith("bk_greet 0.3"), by_seat[name]
            assert run_from(seats[name], "/lib", "import bk_greet\nprint(bk_greet.hello(1))") == "hello hello"
        assert board_files(seats["bob"], "/lib") == {
            k: v for k, v in board_files(wasm_board, "/lib").items() if k.startswith(("/lib/bk_greet", "/lib/bk_util"))
        }
        assert json.loads((tmp_path / "boardkit.lock").read_text())["requested"] == {"bk_greet": "bk_greet"}
    finally:
        for board in others:
            virtual.stop(board.name)


def test_an_mpy_install_removes_the_py_an_earlier_install_left(wasm_board, index, tmp_path):
    """x.py on the board would be imported before x.mpy: the lock says boardkit put it there, so
    installing the .mpy removes it; a user's own file beside it stays."""
    json_of(install(wasm_board, index, tmp_path, "--target", "/t_shadow", "--no-mpy", "bk_util", "--json"))
    with api.connect(wasm_board.port) as device:
        device.write_file("/t_shadow/mine.py", b"M = 1\n")
    report = json_of(install(wasm_board, index, tmp_path, "--target", "/t_shadow", "bk_util", "--json"))
    assert report["removed"] == ["/t_shadow/bk_util.py"]
    assert set(board_files(wasm_board, "/t_shadow")) == {"/t_shadow/bk_util.mpy", "/t_shadow/mine.py"}
    assert run_from(wasm_board, "/t_shadow", "import bk_util\nprint(bk_util.__file__)") == "/t_shadow/bk_util.mpy"
    lock = json.loads((tmp_path / "boardkit.lock").read_text())
    assert sorted(lock["packages"]["bk_util"]["variants"]) == ["6", "py"]


@pytest.mark.microbit
def test_the_microbit_gets_source_at_its_top_level(microbit_board, index, tmp_path):
    """MicroPython 1.9 on the micro:bit imports no .mpy and has no folders: the source goes to /,
    and a package made of a folder is refused before anything is written."""
    try:
        report = json_of(install(microbit_board, index, tmp_path, "--no-lock", "bk_util", "--json"))
        assert (report["target"], report["packages"][0]["files"]) == ("/", ["bk_util.py"])
        assert on_board(microbit_board, "import bk_util\nprint(bk_util.double(21))") == "42"
        before = board_files(microbit_board, "/")
        line = one_line_error(install(microbit_board, index, tmp_path, "--no-lock", "bk_greet"))
        assert "flat filesystem (no folders): cannot hold bk_greet (bk_greet/__init__.py)" in line
        assert board_files(microbit_board, "/") == before
    finally:
        with api.connect(microbit_board.port) as device:
            if device.stat("/bk_util.py") is not None:
                device.remove("/bk_util.py")
            device.soft_reset()  # the shared micro:bit's 16 KB heap: drop the imported module


def test_a_circuitpython_board_takes_names_from_the_bundle(wasm_board, index, tmp_path, monkeypatch):
    """No CircuitPython emulator exists here: the wasm board stands in for one, with only its
    probe's answer changed to "circuitpython" (a labelled stand-in; the writes are real)."""
    from dataclasses import replace

    from boardkit.errors import PackageError

    bundle = make_bundle(tmp_path)
    with api.connect(wasm_board.port) as device:
        device._caps = replace(device.caps, implementation="circuitpython")
        # offline, with no --bundle: where to get one by hand, in one line
        monkeypatch.setenv("BOARDKIT_CP_BUNDLE_REPO", "http://127.0.0.1:9/nothing-listens-here")
        with pytest.raises(PackageError) as caught:
            api.install(device, ["bk_cp_led"], index=index, lock=None, target="/t_cpy")
        assert "cannot reach 127.0.0.1:9" in str(caught.value)
        assert "circuitpython.org/libraries" in (caught.value.hint or "")
        result = api.install(
            device, ["bk_cp_led"], index=index, bundle=bundle, lock=tmp_path / "cp.lock", target="/t_cpy"
        )
        assert [(p.key, p.variant) for p in result.packages] == [("bk_cp_led", "bundle"), ("bk_cp_bus", "bundle")]
        listed = api.installed(device, target="/t_cpy", lock=tmp_path / "cp.lock", index=None)
    assert {(p.name, p.version, p.status) for p in listed} == {
        ("bk_cp_led", "3.1.4", "ok"),
        ("bk_cp_bus", "5.2.0", "ok"),
    }
    assert run_from(wasm_board, "/t_cpy", "import bk_cp_led\nprint(bk_cp_led.on())") == "led on i2c"
