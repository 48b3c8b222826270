"""The package installer's parts without a board: requirements, package.json checks, the
resolver against an index folder on disk, CircuitPython bundle zips, the lock file, and a
download that never answers (bounded)."""

from __future__ import annotations

import json
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardkit.errors import InvalidInput, PackageError, PackageNotFound
from boardkit.packages.bundle_release import newest_bundle
from boardkit.packages.bundle_zip import LibraryBundle
from boardkit.packages.fetch import Fetcher
from boardkit.packages.index import MipIndex
from boardkit.packages.lock import Lock
from boardkit.packages.model import Requirement, check_board_path, parse_manifest, parse_requirement
from boardkit.packages.resolve import LockUse, Resolver
from boardkit.packages.sources import ResolveContext
from package_index import Package, serve, write_index


@pytest.mark.parametrize(
    ("text", "spec", "version"),
    [
        ("aioble", "aioble", None),
        ("aioble@0.2.1", "aioble", "0.2.1"),
        ("aioble@latest", "aioble", None),
        ("github:org/repo@v2", "github:org/repo", "v2"),
        ("github:org/repo/sub/x.py", "github:org/repo/sub/x.py", None),
        ("https://user@host.example/pkg/", "https://user@host.example/pkg/", None),
        ("lib/package.json", "lib/package.json", None),
    ],
)
def test_requirements(text, spec, version):
    assert parse_requirement(text) == Requirement(spec, version)


@pytest.mark.parametrize("text", ["", "@1.0", "aioble@", "  "])
def test_bad_requirements(text):
    with pytest.raises(InvalidInput):
        parse_requirement(text)


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        (b"{nope", "is not valid JSON"),
        (b"[]", "a JSON object is expected"),
        (b"{}", "lists no files and no deps"),
        (json.dumps({"hashes": [["../boot.py", "abcdef12"]]}).encode(), "refusing the file path '../boot.py'"),
        (json.dumps({"hashes": [["/main.py", "abcdef12"]]}).encode(), "refusing the file path '/main.py'"),
        (json.dumps({"hashes": [["x.py", "not-hex"]]}).encode(), "is not a SHA-256 prefix"),
        (json.dumps({"urls": [["x.py"]]}).encode(), "'urls' must be a list of [path, value] pairs"),
        (json.dumps({"deps": [[1, 2]]}).encode(), "bad entry in 'deps'"),
    ],
)
def test_bad_package_json(doc, says):
    with pytest.raises(PackageError) as caught:
        parse_manifest(doc, "x/package.json")
    assert says in str(caught.value)


@given(st.text(alphabet="ab./\\", max_size=12))
def test_a_package_file_never_lands_outside_its_folder(path):
    try:
        checked = check_board_path(path, "p")
    except PackageError:
        return
    parts = checked.split("/")
    assert ".." not in parts and "." not in parts and "" not in parts and "\\" not in checked


@pytest.fixture
def folder_index(tmp_path: Path) -> MipIndex:
    """An index as a local folder (install --index takes one), no HTTP needed."""
    write_index(
        tmp_path / "index",
        [
            Package("base", "1.0", {"base.py": "B = 1\n"}, variants=("py",), latest=False),
            Package("base", "2.0", {"base.py": "B = 2\n"}, variants=("py",)),
            Package("left", "1.0", {"left.py": "L = 1\n"}, deps=[("base", "latest")], variants=("py",)),
            Package("right", "1.0", {"right.py": "R = 1\n"}, deps=[("base", "latest")], variants=("py",)),
            Package("old", "1.0", {"old.py": "O = 1\n"}, deps=[("base", "1.0")], variants=("py",)),
        ],
    )
    return MipIndex(str(tmp_path / "index"), Fetcher())


def resolve(index: MipIndex, *wanted: str, lock_use: LockUse | None = None) -> dict[str, str]:
    ctx = ResolveContext(index.fetcher, index, "py")
    packages = Resolver(ctx, lock_use).resolve([parse_requirement(w) for w in wanted])
    return {p.key: p.version for p in packages}


def test_a_shared_dependency_is_installed_once(folder_index):
    assert resolve(folder_index, "left", "right") == {"left": "1.0", "base": "2.0", "right": "1.0"}


def test_a_pinned_dependency_wins_over_newest(folder_index):
    assert resolve(folder_index, "left", "old") == {"left": "1.0", "base": "1.0", "old": "1.0"}
    assert resolve(folder_index, "base@1.0", "left") == {"base": "1.0", "left": "1.0"}


def test_two_pins_conflict(folder_index):
    with pytest.raises(PackageError, match=r"version conflict: base 2.0 \(wanted by you\) and 1.0 \(wanted by old\)"):
        resolve(folder_index, "base@2.0", "old")


def test_locked_resolve_refuses_what_the_lock_lacks(folder_index, tmp_path):
    ctx = ResolveContext(folder_index.fetcher, folder_index, "py")
    lock = Lock(tmp_path / "boardkit.lock")
    lock.record(Resolver(ctx).resolve([parse_requirement("left")]), {"left": "left"})
    lock.write()
    again = Lock.read(tmp_path / "boardkit.lock")
    assert again.to_json() == lock.to_json()
    assert resolve(folder_index, "left", lock_use=LockUse(again, strict=True)) == {"left": "1.0", "base": "2.0"}
    with pytest.raises(PackageError, match="right is not in boardkit.lock"):
        resolve(folder_index, "right", lock_use=LockUse(again, strict=True))


@pytest.mark.parametrize("text", ["{", "[]", '{"requested": {}}', '{"requested": {}, "packages": {"a": {}}}'])
def test_a_broken_lock_file_is_one_line(tmp_path, text):
    (tmp_path / "boardkit.lock").write_text(text)
    with pytest.raises(InvalidInput, match="not a boardkit lock file"):
        Lock.read(tmp_path / "boardkit.lock")


def write_bundle(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_bundle_metadata_beside_the_zip_and_requirements(tmp_path):
    top = "acme-bundle-9.x-mpy-20261130"
    zipped = write_bundle(
        tmp_path / f"{top}.zip",
        {
            f"{top}/lib/acme_led.mpy": "M",
            f"{top}/lib/acme_bus/__init__.mpy": "M",
            f"{top}/lib/acme_text.mpy": "M",
            f"{top}/requirements/acme_text/requirements.txt": "Adafruit-Blinka\nacme-circuitpython-led>=1\n",
        },
    )
    (tmp_path / "acme-bundle-20261130.json").write_text(
        json.dumps(
            {
                "acme_led": {"version": "1.2.3", "pypi_name": "acme-circuitpython-led", "dependencies": ["acme_bus"]},
                "acme_bus": {"version": "4.0.0", "pypi_name": "acme-circuitpython-bus", "dependencies": []},
            }
        )
    )
    bundle = LibraryBundle(str(zipped), Fetcher())
    assert bundle.find("acme-circuitpython-led").name == "acme_led"
    assert (bundle.modules["acme_led"].version, bundle.modules["acme_led"].deps) == ("1.2.3", ["acme_bus"])
    assert bundle.modules["acme_text"].deps == ["acme_led"]  # from requirements.txt, Blinka left out
    with pytest.raises(PackageNotFound) as caught:
        bundle.find("acme_lde")
    assert caught.value.hint.startswith("did you mean acme_led")


def test_not_a_bundle(tmp_path):
    with pytest.raises(PackageError, match="is not a zip file"):
        LibraryBundle(str(tmp_path / "x.zip") if (tmp_path / "x.zip").write_text("no") else "", Fetcher())
    empty = write_bundle(tmp_path / "empty.zip", {"README.txt": "hi"})
    with pytest.raises(PackageError, match="not a library bundle"):
        LibraryBundle(str(empty), Fetcher())


def test_a_server_that_never_answers_is_given_up(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(PackageError, match="no answer from 127.0.0.1"):
            Fetcher(timeout=0.5).get(f"http://127.0.0.1:{listener.getsockname()[1]}/package/6/x/latest.json")
    finally:
        listener.close()
        for s in held:
            s.close()
    assert time.monotonic() - started < 30  # bounded (generously: no timing assert on the figure)


def test_a_source_kind_added_from_outside(folder_index, tmp_path):
    """SOURCES is a registry: a kind registered at run time takes its specs, and its packages'
    deps still resolve through the built-in kinds."""
    from boardkit.packages.model import FileRef, Loaded
    from boardkit.packages.sources import SOURCES, SourceKind

    (tmp_path / "thing.py").write_text("T = 1\n")

    class Shelf(SourceKind):
        name = "shelf"
        order = 5

        def claims(self, spec, ctx):
            return spec.startswith("shelf:")

        def load(self, requirement, ctx):
            path = str(tmp_path / "thing.py")
            return Loaded(requirement.spec, "7", "the shelf", [FileRef("thing.py", path)], [("left", None)])

    SOURCES.register("shelf", Shelf())
    try:
        assert resolve(folder_index, "shelf:thing") == {"shelf:thing": "7", "left": "1.0", "base": "2.0"}
    finally:
        SOURCES.unregister("shelf")


@pytest.mark.parametrize(
    ("lands_on", "expected"),
    [
        ("/repo/releases/tag/20261201", "20261201"),
        ("/repo/releases", None),  # no release yet: GitHub shows the list
        ("/repo/releases/tag/a%20b", None),  # not a tag name
    ],
)
def test_the_newest_bundle_is_the_tag_latest_leads_to(tmp_path, monkeypatch, lands_on, expected):
    page = tmp_path / lands_on.strip("/").replace("%20", " ")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("a page")
    with serve(tmp_path, redirects={"/repo/releases/latest": lands_on}) as site:
        monkeypatch.setenv("BOARDKIT_CP_BUNDLE_REPO", f"{site}/repo/")
        if expected is None:
            with pytest.raises(PackageError, match="could not tell the newest CircuitPython bundle"):
                newest_bundle(Fetcher(5), 9)
            return
        tag, url = newest_bundle(Fetcher(5), 9)
    assert tag == expected
    assert url == f"{site}/repo/releases/download/{tag}/adafruit-circuitpython-bundle-9.x-mpy-{tag}.zip"


def test_no_bundle_release_to_be_found_is_one_error_with_a_way_out(tmp_path, monkeypatch):
    from boardkit.api.packages import prepare_install

    (tmp_path / "repo").mkdir()  # a repository with no releases: /releases/latest is not there
    with serve(tmp_path) as site:
        monkeypatch.setenv("BOARDKIT_CP_BUNDLE_REPO", f"{site}/repo")
        plan = prepare_install(["adafruit_led"], index=str(tmp_path), lock=None)
        with pytest.raises(PackageError) as caught:
            plan.bundle_for(9)
    assert str(caught.value) == f"not found: {site}/repo/releases/latest"
    assert "circuitpython.org/libraries" in (caught.value.hint or "")
