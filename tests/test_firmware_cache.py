"""The firmware cache and the image checks: real downloads from a local HTTP server, real images.

ESP images are built with esptool's own image classes; UF2 and Intel HEX files by their
published formats (intelhex writes the hex). Nothing here needs the network.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import struct
import threading
from pathlib import Path

import pytest

from boardkit.boards import Board, FsLayout, Release, get_board
from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware import cache
from boardkit.firmware.integrity import check_image
from cli_helpers import boardkit, one_line_error

DEBIAN_HEX = Path("/usr/share/firmware-microbit-micropython/firmware.hex")
RP2040 = 0xE48BFF56


# ---------------------------------------------------------------- images


def make_uf2(blocks: int = 3, family: int | None = RP2040, fill: int = 0x55) -> bytes:
    out = b""
    for n in range(blocks):
        flags = 0x2000 if family is not None else 0
        header = struct.pack("<8I", 0x0A324655, 0x9E5D5157, flags, 0x10000000 + 256 * n, 256, n, blocks, family or 0)
        out += header + bytes([fill]) * 256 + b"\x00" * (476 - 256) + struct.pack("<I", 0x0AB16F30)
    return out


def make_esp(chip: str = "esp32", payload: bytes = b"MicroPython!" * 50) -> bytes:
    from esptool.bin_image import ELFSection, ESP32C3FirmwareImage, ESP32FirmwareImage, ESP32S3FirmwareImage

    cls = {"esp32": ESP32FirmwareImage, "esp32s3": ESP32S3FirmwareImage, "esp32c3": ESP32C3FirmwareImage}[chip]
    image = cls()
    image.entrypoint = 0x40080000
    image.segments = [ELFSection(b".dram0.data", 0x3FFB0000 if chip == "esp32" else 0x3FC88000, payload, 0)]
    return image.save(None)


def make_merged_esp32(app: bytes | None = None) -> bytes:
    """bootloader @0x1000, partition table @0x8000, app @0x10000 — as MicroPython's ESP32 .bin (from 0x1000)."""
    base = 0x1000
    entries = b""
    for label, ptype, subtype, offset, size in (
        ("nvs", 1, 2, 0x9000, 0x6000),
        ("phy_init", 1, 1, 0xF000, 0x1000),
        ("factory", 0, 0, 0x10000, 0x1F0000),
        ("vfs", 1, 0x81, 0x200000, 0x200000),
    ):
        entries += struct.pack("<2sBBLL16sL", b"\xaa\x50", ptype, subtype, offset, size, label.encode(), 0)
    table = entries + b"\xeb\xeb" + b"\xff" * 14 + hashlib.md5(entries).digest()
    image = bytearray(b"\xff" * (0x10000 - base))
    boot = make_esp("esp32", b"bootloader" * 20)
    image[: len(boot)] = boot
    image[0x8000 - base : 0x8000 - base + len(table)] = table
    return bytes(image) + (app if app is not None else make_esp("esp32"))


def make_hex(start: int = 0, size: int = 64) -> bytes:
    import io

    from intelhex import IntelHex

    ih = IntelHex()
    ih.frombytes(bytes(range(256)) * (size // 256) + bytes(size % 256), offset=start)
    out = io.StringIO()
    ih.write_hex_file(out)
    return out.getvalue().encode()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, fmt: str, chip=None, family=None) -> str:
    with pytest.raises(FirmwareError) as err:
        check_image(path, fmt, chip, family)
    assert err.value.hint and "\n" not in str(err.value)
    return str(err.value)


# ---------------------------------------------------------------- integrity


def test_esp_app_image_ok_and_reports_its_chip(tmp_path):
    info = check_image(write(tmp_path, "a.bin", make_esp("esp32")), "esp-bin", "esp32")
    assert info.chip == "esp32" and info.details["merged"] is False and info.details["sha256_appended"]
    assert check_image(write(tmp_path, "s3.bin", make_esp("esp32s3")), "esp-bin").chip == "esp32s3"
    assert check_image(write(tmp_path, "c3.bin", make_esp("esp32c3")), "esp-bin", "esp32c3").chip == "esp32c3"
    # esp_app_desc_t at the start of the first segment: magic, then version and project name
    desc = struct.pack("<4I", 0xABCD5432, 0, 0, 0) + b"v1.27.0".ljust(32, b"\0") + b"micropython".ljust(32, b"\0")
    app = check_image(write(tmp_path, "app.bin", make_esp("esp32", desc.ljust(256, b"\0"))), "esp-bin", "esp32")
    assert (app.details["app_version"], app.details["project"]) == ("v1.27.0", "micropython")


def test_esp_image_for_another_chip_is_refused(tmp_path):
    message = refused(write(tmp_path, "s3.bin", make_esp("esp32s3")), "esp-bin", "esp32")
    assert "built for esp32s3, not for this board's esp32" in message


def test_esp_bad_checksum_and_bad_digest_are_refused(tmp_path):
    good = make_esp("esp32")
    body = bytearray(good)
    body[60] ^= 0x01  # inside the segment: the XOR checksum no longer matches
    assert "checksum is wrong" in refused(write(tmp_path, "b.bin", bytes(body)), "esp-bin", "esp32")
    digest = bytearray(good)
    digest[-1] ^= 0x01  # the appended SHA-256 itself
    assert "SHA-256 does not match" in refused(write(tmp_path, "d.bin", bytes(digest)), "esp-bin", "esp32")
    assert "truncated" in refused(write(tmp_path, "t.bin", good[:100]), "esp-bin", "esp32")
    assert "not an ESP32 image" in refused(write(tmp_path, "x.bin", b"\x00" * 64), "esp-bin", "esp32")


def test_esp_merged_image_is_followed_to_its_app(tmp_path):
    info = check_image(write(tmp_path, "m.bin", make_merged_esp32()), "esp-bin", "esp32")
    assert info.details["merged"] and info.details["app_offset"] == 0x10000
    assert [p["label"] for p in info.details["partitions"]] == ["nvs", "phy_init", "factory", "vfs"]
    broken = bytearray(make_merged_esp32())
    broken[0x10000 - 0x1000 + 60] ^= 0x01  # a byte of the app
    assert "the app's checksum is wrong" in refused(write(tmp_path, "mb.bin", bytes(broken)), "esp-bin", "esp32")
    no_app = make_merged_esp32(app=b"")
    assert "truncated" in refused(write(tmp_path, "mt.bin", no_app), "esp-bin", "esp32")
    table = bytearray(make_merged_esp32())
    table[0x8000 - 0x1000 + 8] ^= 0x01  # a partition offset: the table's MD5 catches it
    assert "MD5" in refused(write(tmp_path, "mp.bin", bytes(table)), "esp-bin", "esp32")


def test_uf2_checks(tmp_path):
    info = check_image(write(tmp_path, "ok.uf2", make_uf2()), "uf2", "rp2040", RP2040)
    assert info.details["blocks"] == 3 and info.details["families"] == ["0xe48bff56"]
    bad_magic = bytearray(make_uf2())
    bad_magic[512 + 4] ^= 0xFF  # block 1's second start magic
    assert "block 1 has a wrong UF2 magic" in refused(write(tmp_path, "m.uf2", bytes(bad_magic)), "uf2")
    bad_end = bytearray(make_uf2())
    bad_end[511] ^= 0xFF  # block 0's end magic
    assert "wrong UF2 magic" in refused(write(tmp_path, "e.uf2", bytes(bad_end)), "uf2")
    samd51 = make_uf2(family=0x55114460)
    assert "family 0x55114460" in refused(write(tmp_path, "f.uf2", samd51), "uf2", "rp2040", RP2040)
    assert "truncated" in refused(write(tmp_path, "t.uf2", make_uf2()[:1000]), "uf2")
    assert "2 of 3" in refused(write(tmp_path, "s.uf2", make_uf2()[:1024]), "uf2")
    swapped = make_uf2()
    swapped = swapped[512:1024] + swapped[:512] + swapped[1024:]
    assert "expected 0" in refused(write(tmp_path, "o.uf2", swapped), "uf2")


def test_hex_checks(tmp_path):
    good = make_hex(size=600)
    assert check_image(write(tmp_path, "ok.hex", good), "hex", "nrf51822").details["start"] == 0
    lines = good.decode().splitlines(keepends=True)
    cut_mid_record = "".join(lines[:5]) + lines[5][:20]
    assert "corrupt" in refused(write(tmp_path, "c.hex", cut_mid_record.encode()), "hex")
    cut_at_line = "".join(lines[:5])
    assert "truncated" in refused(write(tmp_path, "t.hex", cut_at_line.encode()), "hex")
    record = lines[2]
    wrong_sum = record[:-3] + ("00" if record[-3:-1] != "00" else "01") + record[-1:]
    bad = "".join(lines[:2]) + wrong_sum + "".join(lines[3:])
    assert "corrupt" in refused(write(tmp_path, "s.hex", bad.encode()), "hex")
    assert "not an Intel HEX" in refused(write(tmp_path, "b.hex", b"\x89PNG\x00\x01"), "hex")
    v2_sized = make_hex(start=0x60000)  # past the nRF51822's 256 KB of flash
    assert "outside the nrf51822's flash" in refused(write(tmp_path, "v2.hex", v2_sized), "hex", "nrf51822")
    assert check_image(tmp_path / "v2.hex", "hex", "nrf52833").format == "hex"


@pytest.mark.skipif(not DEBIAN_HEX.exists(), reason="Debian's firmware-microbit-micropython is not installed")
def test_debian_microbit_hex_passes():
    info = check_image(DEBIAN_HEX, "hex", "nrf51822")
    assert info.size == DEBIAN_HEX.stat().st_size


# ---------------------------------------------------------------- the cache


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BOARDKIT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """A local HTTP server over a folder: (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def pico_like(*releases: Release) -> Board:
    return Board(
        id="test_pico",
        name="Test Pico",
        vendor="test",
        chip="rp2040",
        flash_size=2 << 20,
        ram_size=264 << 10,
        method="uf2",
        usb=(),
        fs=FsLayout("littlefs2"),
        releases=releases,
        drive_label="RPI-RP2",
        uf2_family=RP2040,
    )


def uf2_release(url: str, **kw) -> Release:
    return Release(flavour="micropython", version="1.27.0", url=url, format="uf2", **kw)


def leftovers(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "cache" / "firmware").iterdir() if p.name.startswith("."))


def test_fetch_downloads_with_progress_and_locks_the_hash(home, server):
    root, base = server
    data = make_uf2(blocks=400)  # 200 KB: several progress steps
    (root / "fw.uf2").write_bytes(data)
    release = uf2_release(f"{base}/fw.uf2")
    board = pico_like(release)
    calls = []
    image = cache.fetch(board, release, progress=lambda done, total: calls.append((done, total)))
    sha = hashlib.sha256(data).hexdigest()
    assert image.sha256 == sha and image.path.read_bytes() == data and image.pinned_by == "lock"
    assert len(calls) > 2 and calls[-1] == (len(data), len(data))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    lock = json.loads(cache.lock_path().read_text())
    assert lock["urls"][release.url]["sha256"] == sha and lock["urls"][release.url]["size"] == len(data)
    assert leftovers(home) == []
    (root / "fw.uf2").unlink()  # from now on only the cache can answer
    again = cache.fetch(board, release, offline=True)
    assert again.path == image.path and again.pinned_by == "lock"
    assert [i.sha256 for i in cache.list_cached()] == [sha]


def test_tofu_refuses_a_changed_file_on_the_server(home, server):
    root, base = server
    (root / "fw.uf2").write_bytes(make_uf2(fill=1))
    release = uf2_release(f"{base}/fw.uf2")
    board = pico_like(release)
    first = cache.fetch(board, release)
    first.path.unlink()  # the cache is cleared...
    (root / "fw.uf2").write_bytes(make_uf2(fill=2))  # ...and the server now serves another file
    with pytest.raises(FirmwareError, match="does not match its SHA-256.*pinned by lock.*refused") as err:
        cache.fetch(board, release)
    assert first.sha256[:16] in str(err.value)
    assert str(cache.lock_path()) in err.value.hint
    assert not any((home / "cache" / "firmware").glob("*.uf2")) and leftovers(home) == []


def test_a_cached_file_that_changed_is_removed_before_use(home, server):
    root, base = server
    (root / "fw.uf2").write_bytes(make_uf2())
    release = uf2_release(f"{base}/fw.uf2")
    board = pico_like(release)
    image = cache.fetch(board, release)
    image.path.write_bytes(make_uf2(fill=9))  # bit rot, or someone swapped it
    with pytest.raises(FirmwareError, match="cached test_pico micropython 1.27.0 does not match"):
        cache.fetch(board, release, offline=True)
    assert not image.path.exists()
    assert cache.fetch(board, release).path.read_bytes() == make_uf2()  # fetched afresh


def test_pinned_sha_mismatch_is_refused(home, server):
    root, base = server
    data = make_uf2()
    (root / "fw.uf2").write_bytes(data)
    wrong = uf2_release(f"{base}/fw.uf2", sha256="0" * 64)
    with pytest.raises(FirmwareError, match="pinned by boards/test_pico.toml"):
        cache.fetch(pico_like(wrong), wrong)
    assert not any((home / "cache" / "firmware").glob("*.uf2"))
    right = uf2_release(f"{base}/fw.uf2", sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    image = cache.fetch(pico_like(right), right)
    assert image.pinned_by == "boards/test_pico.toml"
    assert right.url not in json.loads(cache.lock_path().read_text() if cache.lock_path().exists() else "{}").get(
        "urls", {}
    )


def test_size_mismatch_and_bad_image_are_refused(home, server):
    root, base = server
    (root / "fw.uf2").write_bytes(make_uf2())
    sized = uf2_release(f"{base}/fw.uf2", size=999)
    with pytest.raises(FirmwareError, match="expected 999"):
        cache.fetch(pico_like(sized), sized)
    (root / "other.uf2").write_bytes(make_uf2(family=0x55114460))
    other = uf2_release(f"{base}/other.uf2")
    with pytest.raises(FirmwareError, match="UF2 family"):
        cache.fetch(pico_like(other), other)
    assert not cache.lock_path().exists() or other.url not in cache.lock_path().read_text()
    assert leftovers(home) == []


def test_offline_without_cache_and_http_errors(home, server):
    _, base = server
    release = uf2_release(f"{base}/missing.uf2")
    with pytest.raises(FirmwareError, match="not in the cache") as err:
        cache.fetch(pico_like(release), release, offline=True)
    assert "boardkit firmware add FILE --board test_pico" in err.value.hint
    with pytest.raises(FirmwareError, match="HTTP 404"):
        cache.fetch(pico_like(release), release)


def test_file_urls_and_the_mirror_variable(home, tmp_path, server, monkeypatch):
    data = make_uf2()
    local = write(tmp_path, "local.uf2", data)
    release = uf2_release(local.as_uri())
    assert cache.fetch(pico_like(release), release).sha256 == hashlib.sha256(data).hexdigest()
    root, base = server
    (root / "RPI_PICO-20251209-v1.27.0.uf2").write_bytes(data)
    monkeypatch.setenv("BOARDKIT_FIRMWARE_MIRROR", base)
    pico = get_board("rpi_pico")
    image = cache.image_for(pico, version="1.27.0")
    assert image.url == "https://micropython.org/resources/firmware/RPI_PICO-20251209-v1.27.0.uf2"
    assert image.path.read_bytes() == data


@pytest.mark.skipif(not DEBIAN_HEX.exists(), reason="Debian's firmware-microbit-micropython is not installed")
def test_add_the_debian_microbit_hex(home):
    image = cache.add(DEBIAN_HEX)
    # Recognised by the pin in boards/virtual_microbit.toml, so it counts as that release.
    assert (image.board, image.version, image.pinned_by) == (
        "virtual_microbit",
        "1.0.1",
        "boards/virtual_microbit.toml",
    )
    lock = json.loads(cache.lock_path().read_text())
    assert lock["added"][image.sha256]["source"] == str(DEBIAN_HEX)
    # fetch() finds it for any release pinned to that hash, without a download.
    elsewhere = Release(
        flavour="micropython", version="1.0.1", url="http://127.0.0.1:9/nowhere.hex", format="hex", sha256=image.sha256
    )
    board = Board(
        id="mb",
        name="mb",
        vendor="t",
        chip="nrf51822",
        flash_size=256 << 10,
        ram_size=16 << 10,
        method="daplink",
        usb=(),
        fs=FsLayout("microbit"),
        releases=(elsewhere,),
        drive_label="MICROBIT",
    )
    assert cache.fetch(board, elsewhere, offline=True).path == image.path
    # Added for the real micro:bit V1 it is still checked and locked, as "added".
    v1 = cache.add(DEBIAN_HEX, "microbit_v1")
    assert v1.sha256 == image.sha256 and v1.path.exists()


def test_add_refuses_wrong_files(home, tmp_path):
    with pytest.raises(InvalidInput, match="takes uf2"):
        cache.add(write(tmp_path, "fw.hex", make_hex()), "rpi_pico")
    with pytest.raises(FirmwareError, match="built for esp32s3"):
        cache.add(write(tmp_path, "fw.bin", make_esp("esp32s3")), "esp32_generic")
    with pytest.raises(InvalidInput, match="not a firmware image name"):
        cache.add(write(tmp_path, "fw.txt", b"hello"))
    image = cache.add(write(tmp_path, "mine.uf2", make_uf2()), "rpi_pico")
    assert image.pinned_by == "added" and image.board == "rpi_pico" and image.version is None
    assert image.sha256 in json.loads(cache.lock_path().read_text())["added"]


# ---------------------------------------------------------------- CLI


def test_cli_errors_are_one_line(home, tmp_path):
    env = {"BOARDKIT_HOME": str(home)}
    line = one_line_error(boardkit("firmware", "fetch", "--board", "esp32_s3", "--offline", env=env))
    assert "not in the cache" in line and "firmware add FILE --board esp32_s3" in line
    line = one_line_error(boardkit("firmware", "fetch", "--board", "esp64", env=env))
    assert "unknown board 'esp64'" in line
    line = one_line_error(boardkit("firmware", "fetch", "--board", "esp32_s3", "--version", "0.9", env=env))
    assert "available: 1.27.0" in line
    bad = write(tmp_path, "bad.uf2", make_uf2()[:700])
    line = one_line_error(boardkit("firmware", "add", str(bad), env=env))
    assert "truncated" in line
    line = one_line_error(boardkit("firmware", "add", str(tmp_path / "none.uf2"), env=env))
    assert "no such file" in line


def test_cli_add_fetch_list(home, tmp_path):
    env = {"BOARDKIT_HOME": str(home)}
    fw = write(tmp_path, "mine.uf2", make_uf2())
    added = boardkit("firmware", "add", str(fw), "--board", "rpi_pico", "--json", env=env)
    assert added.returncode == 0, added.stderr
    sha = json.loads(added.stdout)["sha256"]
    listed = boardkit("firmware", "list", "--json", env=env)
    rows = json.loads(listed.stdout)
    assert [(r["board"], r["sha256"], r["pinned_by"]) for r in rows] == [("rpi_pico", sha, "added")]
    table = boardkit("firmware", "list", env=env)
    assert table.returncode == 0 and sha[:12].encode() in table.stdout
    if DEBIAN_HEX.exists():  # its release is a file:// URL, so this works with no network
        fetched = boardkit("firmware", "fetch", "--board", "virtual_microbit", env=env)
        assert fetched.returncode == 0, fetched.stderr
        assert b"pinned by boards/virtual_microbit.toml" in fetched.stdout
