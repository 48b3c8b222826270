"""boardkit's .mpy (MicroPython 1.9.2) -> frozen C converter, on its own.

Generated modules (constants of every kind, classes, closures, generators, big ints, floats,
bytes, long strings) are frozen into one image, booted in QEMU, and each module's main() must
print what CPython prints for the same source. Floats are multiples of 1/8 (exact in the
micro:bit's 32-bit floats, printed alike); strings are printable ASCII without quotes.
"""

from __future__ import annotations

import contextlib
import io
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkit import virtual
from boardkit.api import build_firmware, resolve_board
from boardkit.api.session import connect
from boardkit.firmware.build import source_tree
from boardkit.firmware.build.qstrs import QDEF, StaticQstrs, c_unescape, qstr_hash

pytestmark = [pytest.mark.slow, pytest.mark.microbit]

TEXT = string.ascii_letters + string.digits + " .,:;!-_#()"
small_ints = st.integers(-(2**30), 2**30 - 1)
big_ints = st.one_of(st.integers(2**30, 2**100), st.integers(-(2**100), -(2**30) - 1))
floats = st.integers(-8000, 8000).map(lambda k: k / 8)
short_texts = st.text(TEXT, max_size=9)
long_texts = st.text(TEXT, min_size=11, max_size=300)
blobs = st.binary(max_size=40)
constants = st.one_of(small_ints, big_ints, floats, short_texts, long_texts, blobs, st.just(...), st.booleans())


@st.composite
def module_source(draw: st.DrawFn) -> str:
    consts = draw(st.lists(constants, min_size=1, max_size=8))
    start, step = draw(small_ints), draw(st.integers(-50, 50))
    count = draw(st.integers(0, 8))
    k, x = draw(big_ints), draw(small_ints)
    pair = draw(st.tuples(small_ints, short_texts, blobs))
    lines = [f"C{i} = {value!r}" for i, value in enumerate(consts)]
    lines += [
        f"PAIR = {pair!r}",
        "class Acc:",
        "    def __init__(self, start):",
        "        self.total = start",
        "    def add(self, x, times=1):",
        "        self.total += x * times",
        "        return self",
        "def make_adder(k):",
        "    def add(x):",
        "        return x + k",
        "    return add",
        "def squares(n):",
        "    for i in range(n):",
        "        yield i * i",
        "def main():",
        *[f"    print(C{i})" for i in range(len(consts))],
        "    print(PAIR)",
        f"    print(Acc({start}).add({step}, times=3).total)",
        f"    print(make_adder({k})({x}))",
        f"    print(list(squares({count})), [c for c in {draw(long_texts)!r}[:5]])",
        "    print({'k': 1}['k'], (lambda a, *r, **kw: (a, r, sorted(kw)))(1, 2, z=3))",
    ]
    return "\n".join(lines) + "\n"


def cpython_output(source: str) -> str:
    scope: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "m.py", "exec"), scope)
        scope["main"]()  # type: ignore[operator]
    return out.getvalue()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(sources=st.lists(module_source(), min_size=4, max_size=6))
def test_frozen_modules_print_what_cpython_prints(sources, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gen")
    for i, source in enumerate(sources):
        (folder / f"gen{i}.py").write_text(source)
    image = folder / "gen.hex"
    build_firmware(resolve_board("microbit_v1"), [folder], image, measure=False)
    board = virtual.start("microbit", name="fwbuild-gen", image=image)
    try:
        with connect(board.port, timeout=15) as device:
            for i, source in enumerate(sources):
                device.soft_reset()
                got = device.exec(f"import gen{i}\ngen{i}.main()", timeout=30).decode().replace("\r\n", "\n")
                assert got == cpython_output(source), source
    finally:
        virtual.stop(board.name)


def test_qstr_hashes_match_the_firmware_s_own_table():
    # Every qstr the firmware defines carries its hash: ours must agree on all of them.
    tree = source_tree.find_tree() or source_tree.ensure_tree()
    header = source_tree.qstr_header(tree).read_text()
    static = StaticQstrs.parse(header)
    assert static.count > 700 and static.hash_bytes == 1
    for match in QDEF.finditer(header):
        prefix, data = c_unescape(match.group(2)), c_unescape(match.group(3))
        if data:  # MP_QSTR_NULL and MP_QSTR_ (the empty string) are special
            assert prefix[0] == qstr_hash(data), data
            assert prefix[1] == len(data)


def test_the_toolchain_script_and_the_library_name_the_same_packages():
    from boardkit.firmware.build import toolchain

    script = Path(__file__).parent.parent / "scripts" / "firmware-toolchain.sh"
    assert "firmware toolchain" in script.read_text()
    assert set(toolchain.PACKAGE_NAMES) >= {"gcc-arm-none-eabi", "yotta", "srecord", "cmake", "ninja-build"}
