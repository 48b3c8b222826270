"""`boardkit firmware build`: micro:bit V1 MicroPython built from Debian's source with modules
frozen in, booted in QEMU and compared with the same modules imported from files on Debian's
stock image. The first build of a session fetches the source (about 90 s cold); the others
relink (a few seconds). `make test` installs the toolchain (make firmware-toolchain).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from boardkit import virtual
from boardkit.api import build_firmware, resolve_board
from boardkit.api.session import connect
from boardkit.firmware.build.measure import measure_imports
from boardkit.firmware.microbit_fs import read_files_from_hex
from boardkit.system_packages import MICROBIT_FIRMWARE
from cli_helpers import boardkit, json_of

pytestmark = [pytest.mark.slow, pytest.mark.microbit]

BUILD_TIMEOUT = 900


def lesson_module(functions: int) -> str:
    """A lesson helper module of about 175 bytes of source per function."""
    parts = ['"""A lesson helper, frozen or not."""\n', "SCALE = 3\n"]
    for i in range(functions):
        parts.append(
            f"def shape_{i}(n):\n"
            f"    # draws shape number {i} as a list of rows\n"
            f"    rows = []\n"
            f"    for r in range(n):\n"
            f"        rows.append('#' * ((r + {i}) % 7) + '.' * SCALE)\n"
            f"    return rows\n\n"
        )
    parts.append("def total(n):\n    return sum(len(r) for r in shape_0(n))\n")
    return "".join(parts)


LESSON = lesson_module(14)  # about 2.5 KB
BIG = lesson_module(42)  # about 7.3 KB
OOPS = "def ok():\n    return 1\n\n\ndef fails(x):\n    y = x + 1\n    return y // 0\n"
SHADOW_FROZEN = "WHERE = 'frozen'\n"
SHADOW_FILE = b"WHERE = 'file'\n"


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lesson")
    (folder / "lesson24.py").write_text(LESSON)
    (folder / "big7k.py").write_text(BIG)
    (folder / "oops.py").write_text(OOPS)
    (folder / "shadow.py").write_text(SHADOW_FROZEN)
    assert len(LESSON) >= 2048 and len(BIG) >= 7 * 1024
    return folder


@pytest.fixture(scope="module")
def built(modules, tmp_path_factory):
    out = tmp_path_factory.mktemp("image") / "lesson.hex"
    result = boardkit(
        "firmware", "build", "--board", "microbit_v1", "--freeze", str(modules), "-o", str(out), "--json",
        timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    return json_of(result)


@pytest.fixture(scope="module")
def file_heaps():
    """The same modules imported from files on Debian's stock firmware (heap, or the error)."""
    files = {"lesson24.py": LESSON.encode(), "big7k.py": BIG.encode()}
    return measure_imports(MICROBIT_FIRMWARE, ["lesson24", "big7k"], files=files)


@pytest.fixture(scope="module")
def board(built):
    """The built image booted in QEMU, with a shadow.py file in its filesystem."""
    started = virtual.start(
        "microbit", name="fwbuild-test", image=Path(built["image"]), files={"shadow.py": SHADOW_FILE}
    )
    yield started
    virtual.stop(started.name)


def run_on(board, code: str) -> str:
    with connect(board.port, timeout=15) as device:
        device.soft_reset()
        return device.exec(code, timeout=30).decode()


def test_build_reports_sizes_and_heap(built):
    assert built["code_size"] > 200_000
    assert built["fs_bytes"] > 10_000  # the filesystem still has room for the lesson's files
    by_name = {m["name"]: m for m in built["modules"]}
    assert set(by_name) == {"lesson24", "big7k", "oops", "shadow"}
    assert all(isinstance(m["heap_bytes"], int) for m in by_name.values()), by_name
    assert built["sha256"] == hashlib.sha256(Path(built["image"]).read_bytes()).hexdigest()


def test_frozen_lesson_imports_and_runs(board):
    out = run_on(board, "import lesson24\nprint(lesson24.total(4))\nprint(lesson24.shape_3(2))")
    assert out.splitlines() == ["18", "['###...', '####...']"]


def test_frozen_heap_is_at_most_35_percent_of_file_heap(built, file_heaps):
    frozen = {m["name"]: m["heap_bytes"] for m in built["modules"]}
    from_file = file_heaps["lesson24"]
    assert isinstance(from_file, int), from_file
    assert frozen["lesson24"] <= 0.35 * from_file, (frozen["lesson24"], from_file)


def test_7kb_module_fails_from_file_but_imports_frozen(built, file_heaps, board):
    assert isinstance(file_heaps["big7k"], str) and "MemoryError" in file_heaps["big7k"], file_heaps
    out = run_on(board, "import gc, big7k\ngc.collect()\nprint(big7k.total(3))\nprint(gc.mem_free())")
    total, free = out.split()
    assert total == "12" and int(free) > 5000


def test_traceback_from_frozen_code_names_file_and_line(board):
    out = run_on(
        board, "import oops, sys\ntry:\n    oops.fails(1)\nexcept ZeroDivisionError as e:\n    sys.print_exception(e)"
    )
    assert 'File "oops.py", line 7, in fails' in out, out


def test_frozen_module_is_preferred_over_a_file_of_the_same_name(board):
    out = run_on(board, "import os, shadow\nprint('shadow.py' in os.listdir(), shadow.WHERE)")
    assert out.split() == ["True", "frozen"]


def test_same_inputs_give_a_byte_identical_image(built, modules, tmp_path):
    again = tmp_path / "again.hex"
    result = build_firmware(resolve_board("microbit_v1"), [modules], again, measure=False)
    assert result.sha256 == built["sha256"]
    assert hashlib.sha256(again.read_bytes()).hexdigest() == built["sha256"]


def test_kit_build_freeze_puts_lib_in_flash_and_lessons_in_the_filesystem(tmp_path, built):
    kit = tmp_path / "kit"
    (kit / "lib").mkdir(parents=True)
    (kit / "lib" / "lesson24.py").write_text(LESSON)
    (kit / "main.py").write_text("import lesson24\nprint('main', lesson24.total(2))\n")
    (kit / "task1.txt").write_text("draw a shape\n")
    out = tmp_path / "kit.hex"
    result = json_of(
        boardkit(
            "kit",
            "build",
            str(kit),
            "--board",
            "microbit_v1",
            "--freeze",
            "-o",
            str(out),
            "--json",
            timeout=BUILD_TIMEOUT,
        )
    )
    assert result["frozen"] == ["lesson24"]
    assert sorted(read_files_from_hex(out.read_text())) == ["main.py", "task1.txt"]
    started = virtual.start("microbit", name="fwbuild-kit", image=out)
    try:
        out = run_on(started, "import lesson24, os\nprint(lesson24.total(2), sorted(os.listdir()))")
        assert out.strip() == "7 ['main.py', 'task1.txt']"
    finally:
        virtual.stop(started.name)


def test_fleet_flash_with_a_frozen_kit(tmp_path, built):
    kit = tmp_path / "kit"
    (kit / "lib").mkdir(parents=True)
    (kit / "lib" / "lesson24.py").write_text(LESSON)
    (kit / "task1.txt").write_text("draw a shape\n")
    started = virtual.start("microbit", name="fwbuild-seat")
    roster = tmp_path / "classroom.toml"
    roster.write_text(f'[seats.desk1]\nboard = "virtual_microbit"\nvirtual = "{started.name}"\n')
    try:
        result = boardkit(
            "fleet", "flash", "--roster", str(roster), "--kit", str(kit), "--freeze", "--json", timeout=BUILD_TIMEOUT
        )
        assert result.returncode == 0, result.stderr.decode()
        board = virtual.find("fwbuild-seat")
        out = run_on(board, "import lesson24, os\nprint(lesson24.total(2), 'task1.txt' in os.listdir())")
        assert out.split() == ["7", "True"]
    finally:
        virtual.stop("fwbuild-seat")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--board", "esp32_generic"], "ESP-IDF"),
        (["--board", "rpi_pico"], "pico SDK"),
        (["--board", "microbit_v1", "--freeze", "no/such/dir"], "no such file or folder"),
    ],
)
def test_boards_and_paths_it_cannot_build_say_why_in_one_line(args, expected):
    result = boardkit("firmware", "build", *args)
    err = result.stderr.decode().strip()
    assert result.returncode != 0 and "Traceback" not in err
    assert len(err.splitlines()) == 1 and err.startswith("boardkit: ") and expected in err, err


def test_a_module_that_does_not_compile_names_file_and_line(tmp_path, built):
    bad = tmp_path / "broken.py"
    bad.write_text("x = 1\n\ndef f(:\n    pass\n")
    result = boardkit("firmware", "build", "--board", "microbit_v1", "--freeze", str(bad), timeout=BUILD_TIMEOUT)
    err = result.stderr.decode().strip()
    assert result.returncode != 0 and len(err.splitlines()) == 1, err
    assert f"{bad}:3:" in err and "SyntaxError" in err


def test_frozen_code_too_big_for_flash_says_so(tmp_path, built):
    huge = tmp_path / "huge.py"
    huge.write_text("TEXT = " + repr("lesson text " * 4000) + "\n")
    result = boardkit(
        "firmware", "build", "--board", "microbit_v1", "--freeze", str(huge), "-o", str(tmp_path / "h.hex"),
        timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    err = result.stderr.decode().strip()
    assert result.returncode != 0 and len(err.splitlines()) == 1, err
    assert "do not fit in the micro:bit's flash" in err


def test_missing_toolchain_names_the_exact_command(tmp_path):
    # An empty PATH hides the ARM compiler, yotta, ...; --no-install keeps a root run from installing.
    lesson = tmp_path / "lesson.py"
    lesson.write_text("X = 1\n")
    result = boardkit(
        "firmware", "build", "--board", "microbit_v1", "--no-install", "--freeze", str(lesson),
        env={"PATH": str(tmp_path)},
    )  # fmt: skip
    err = result.stderr.decode().strip()
    assert result.returncode != 0 and len(err.splitlines()) == 1, err
    assert "apt-get install -y --no-install-recommends gcc-arm-none-eabi" in err and "yotta" in err
    assert os.environ.get("PATH")  # the test's own PATH untouched
