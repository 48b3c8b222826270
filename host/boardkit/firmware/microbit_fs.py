"""Files inside a micro:bit V1 MicroPython .hex: its flat filesystem, written by the host.

micro:bit V1 MicroPython (bbcmicrobit/micropython, here 1.0.1 = MicroPython 1.9.2) keeps its
files in the flash pages between the end of the firmware and the end of flash. Flashing a
.hex that already holds those pages leaves the board with the files in place, so a kit is
one .hex. The layout (source/microbit/filesystem.c and inc/microbit/filesystem.h):

- flash pages are 1024 bytes; the last page of flash (0x3fc00 of 0x40000), or the page
  below an appended script at 0x3e000 (old format: the firmware only looks at its first
  byte, 'M'), holds the compass calibration; the page below that is the persistent-data
  page (first byte 0xFD), and the filesystem's chunks end where it begins (memory.h:
  microbit_compass_calibration_page; filesystem.c: init_limits);
- the chunks start at the first page boundary that is at least 240 chunks (30 KB) below that
  end and not below the end of the firmware's code (its text plus the initial data copy:
  __etext + __data_end__ - __data_start__); the space between is 128-byte chunks numbered
  from 1. Debian's 1.0.1 image: 0x3bc00-0x3f800, 120 chunks (15,120 bytes); a smaller image
  built with `boardkit firmware build` has more (0x39800-0x3f800, 192 chunks, for one);
- a chunk is: marker (1 byte), 126 bytes of data, the next chunk's number (1 byte; 0xFF:
  none). The marker is 0xFE for a file's first chunk, 0xFF unused, 0x00 deleted, 0xFD the
  persistent page, else the number of the file's previous chunk;
- a file's first chunk's data begins with its end offset (where the data stops in its last
  chunk) and its name length, then the name (at most 120 bytes), then the content.

The end of the firmware comes from the MicroPython information the build puts in the UICR
(0x100010c0: magic 0x17eeb07c, log2 page size, start page, pages used, version string
address; docs/devguide/hexformat.rst), or from the firmware's own data when a hex lacks it.

    hex_text = add_files_to_hex(firmware_hex, {"main.py": b"print('hi')\\n"})
    read_files_from_hex(hex_text)      # {'main.py': b"print('hi')\\n"}
    filesystem_capacity(firmware_hex)  # 15120 for Debian's 1.0.1 firmware
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from boardkit.errors import FirmwareError, InvalidInput

if TYPE_CHECKING:
    from intelhex import IntelHex

CHUNK_SIZE = 128
DATA_PER_CHUNK = CHUNK_SIZE - 2
MAX_CHUNKS = 240
MAX_NAME_LENGTH = 120  # bytes of the UTF-8 name (MAX_FILENAME_LENGTH in the firmware)

MARK_DELETED = 0x00
MARK_PERSISTENT = 0xFD
MARK_FILE_START = 0xFE
MARK_UNUSED = 0xFF

FLASH_END = 0x40000  # 256 KB nRF51822
APPENDED_SCRIPT = 0x3E000  # old "MP" appended-script area; its first byte 'M' moves the fs end down
UICR_INFO = 0x100010C0  # MicroPython's information in the UICR customer registers
UICR_MAGIC_V1 = 0x17EEB07C
UICR_MAGIC_V2 = 0x47EEB07C
DEFAULT_PAGE_SIZE = 1024

_HINT_FIRMWARE = "use a micro:bit V1 MicroPython .hex (e.g. Debian's firmware-microbit-micropython)"


@dataclass(frozen=True)
class FsRegion:
    """Where the filesystem lives in flash: chunks in [start, end), the persistent page at end
    (one page long); the compass calibration page follows it and is not the filesystem's."""

    start: int
    end: int
    page_size: int
    version: str

    @property
    def chunks(self) -> int:
        return (self.end - self.start) // CHUNK_SIZE

    @property
    def capacity(self) -> int:
        return self.chunks * DATA_PER_CHUNK

    def chunk_address(self, index: int, base: int | None = None) -> int:
        return (self.start if base is None else base) + (index - 1) * CHUNK_SIZE


# ---------------------------------------------------------------- reading the hex


def load_hex(hex_text: str) -> IntelHex:
    from intelhex import IntelHex

    if isinstance(hex_text, bytes):
        try:
            hex_text = hex_text.decode("ascii")
        except UnicodeDecodeError:
            raise FirmwareError("not an Intel HEX file (it is not text)", hint=_HINT_FIRMWARE) from None
    if not hex_text.lstrip().startswith(":"):
        raise FirmwareError("not an Intel HEX file", hint=_HINT_FIRMWARE)
    ih = IntelHex()
    try:
        ih.loadhex(io.StringIO(hex_text))
    except Exception as exc:  # intelhex raises its own errors, and ValueError on odd records
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise FirmwareError(
            f"not a plain Intel HEX file: {first}",
            hint="a micro:bit Universal Hex (V1 + V2) is not supported: " + _HINT_FIRMWARE,
        ) from None
    return ih


def _u32(ih: IntelHex, address: int) -> int:
    return int(struct.unpack("<I", bytes(ih.tobinarray(start=address, size=4)))[0])


def _c_string(ih: IntelHex, address: int, limit: int = 120) -> str:
    raw = bytes(ih.tobinarray(start=address, size=limit))
    return raw.split(b"\x00", 1)[0].decode("ascii", "replace")


def check_micropython_hex(path: Path, chip: str) -> None:
    """FirmwareError unless the Intel HEX at path is micro:bit MicroPython for this chip (V1:
    its filesystem region can be found; V2: it names MicroPython). The format check has
    already passed: this is about what the image is, not whether it is well formed."""
    ih = load_hex(Path(path).read_text(errors="replace"))
    flash = bytes(ih.tobinarray(start=0, size=max(0, min(FLASH_END, ih.maxaddr() + 1)))) if ih.segments() else b""
    if chip == "nrf51822":
        try:
            fs_region(ih)
        except FirmwareError as exc:
            raise FirmwareError(f"{Path(path).name}: {exc}", hint=exc.hint) from None
    if b"MicroPython" not in flash:
        raise FirmwareError(
            f"{Path(path).name} is a valid Intel HEX but not MicroPython for the micro:bit "
            "(its code never mentions MicroPython)",
            hint=_HINT_FIRMWARE if chip == "nrf51822" else "use a micro:bit MicroPython .hex",
        )


def fs_region(ih: IntelHex) -> FsRegion:
    """The filesystem region of a micro:bit V1 MicroPython image (an IntelHex), or FirmwareError."""
    magic = _u32(ih, UICR_INFO)
    beyond_v1 = any(FLASH_END < hi <= 0x10000000 for _lo, hi in ih.segments())
    if magic == UICR_MAGIC_V2 or beyond_v1:
        raise FirmwareError(
            "this is not a micro:bit V1 image (micro:bit V2 MicroPython?); only V1 images are supported here",
            hint=_HINT_FIRMWARE,
        )
    flash = [(lo, hi) for lo, hi in ih.segments() if hi <= FLASH_END]
    if not flash or flash[0][0] != 0:
        raise FirmwareError(
            "this hex does not look like micro:bit MicroPython (no code at address 0)", hint=_HINT_FIRMWARE
        )
    if magic == UICR_MAGIC_V1:
        page_size = 1 << (_u32(ih, UICR_INFO + 8) & 0xFF)
        start_page, pages = struct.unpack("<HH", bytes(ih.tobinarray(start=UICR_INFO + 12, size=4)))
        end_of_code = (start_page + pages) * page_size
        version = _c_string(ih, _u32(ih, UICR_INFO + 20))
        if page_size != DEFAULT_PAGE_SIZE or "MicroPython" not in version:
            raise FirmwareError(
                "this hex does not look like micro:bit V1 MicroPython "
                f"(UICR: page size {page_size}, version {version!r})",
                hint=_HINT_FIRMWARE,
            )
    else:
        # Older builds carry no UICR information: the firmware is the data from address 0 up
        # (a hex like that which already holds files right after the code is misread).
        page_size = DEFAULT_PAGE_SIZE
        end_of_code = flash[0][1]
        code = bytes(ih.tobinarray(start=0, size=end_of_code))
        if b"MicroPython" not in code or b"micro:bit" not in code:
            raise FirmwareError("this hex does not look like micro:bit MicroPython", hint=_HINT_FIRMWARE)
        marker = code.find(b"MicroPython v")
        version = code[marker : marker + 60].split(b"\x00", 1)[0].decode("ascii", "replace")
    # As the firmware does at boot: the calibration page is the last one below `top`, the
    # persistent page the one below it, and the chunks end there.
    top = APPENDED_SCRIPT if _appended_script(ih) else FLASH_END
    end = (top // page_size) * page_size - 2 * page_size
    start = -(-(end - CHUNK_SIZE * MAX_CHUNKS) // page_size) * page_size
    while start < end_of_code:
        start += page_size
    if end - start < page_size:
        raise FirmwareError("this firmware leaves no room for a filesystem", hint=_HINT_FIRMWARE)
    return FsRegion(start=start, end=end, page_size=page_size, version=version)


def _appended_script(ih: IntelHex) -> bool:
    """True when the firmware would take 0x3e000 for an appended script (it tests one byte)."""
    return bool(ih[APPENDED_SCRIPT] == ord("M"))


# ---------------------------------------------------------------- the chunks


def _check_names(files: dict[str, bytes]) -> dict[bytes, bytes]:
    encoded: dict[bytes, bytes] = {}
    for name, data in files.items():
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"{name!r}: a file on the micro:bit needs a name")
        if "/" in name or "\\" in name:
            raise InvalidInput(
                f"{name}: the micro:bit filesystem is flat (no folders)", hint="put the file at the top level"
            )
        raw = name.encode("utf-8")
        if len(raw) > MAX_NAME_LENGTH:
            raise InvalidInput(
                f"{name[:40]}...: the micro:bit's file names are at most {MAX_NAME_LENGTH} bytes "
                f"(this one is {len(raw)})",
                hint="use a shorter name",
            )
        if not isinstance(data, (bytes, bytearray)):
            raise InvalidInput(f"{name}: file content must be bytes")
        encoded[raw] = bytes(data)
    return encoded


def _stream(name: bytes, data: bytes) -> tuple[bytes, int]:
    """The bytes a file occupies across its chunks' data areas, and how many chunks.

    Like the firmware's writer: a chunk is added as soon as one fills up, so a file whose
    data ends exactly at a chunk boundary owns one more (empty) chunk, with end offset 0.
    """
    body_len = 2 + len(name) + len(data)
    count = body_len // DATA_PER_CHUNK + 1
    end_offset = body_len % DATA_PER_CHUNK
    return bytes([end_offset, len(name)]) + name + data, count


def chunks_needed(files: dict[str, bytes]) -> int:
    return sum(_stream(name, data)[1] for name, data in _check_names(files).items())


def _build_region(region: FsRegion, files: dict[bytes, bytes]) -> bytes:
    """The region's bytes: chunks from `start`, then the persistent page (marker 0xFD)."""
    image = bytearray(b"\xff" * (region.end - region.start + region.page_size))
    index = 1
    for name, data in files.items():
        stream, count = _stream(name, data)
        for part in range(count):
            at = (index - 1) * CHUNK_SIZE
            marker = MARK_FILE_START if part == 0 else index - 1
            following = index + 1 if part < count - 1 else MARK_UNUSED
            piece = stream[part * DATA_PER_CHUNK : (part + 1) * DATA_PER_CHUNK]
            image[at] = marker
            image[at + 1 : at + 1 + len(piece)] = piece
            image[at + CHUNK_SIZE - 1] = following
            index += 1
    image[region.end - region.start] = MARK_PERSISTENT
    script_at = APPENDED_SCRIPT - region.start
    if 0 <= script_at < len(image) and image[script_at] == ord("M"):
        # The firmware would take this chunk for an appended script and move the filesystem.
        raise FirmwareError("internal: a chunk marker would read as an appended script")  # pragma: no cover
    return bytes(image)


def _chunk_base(ih: IntelHex, region: FsRegion) -> int:
    """Where chunk 1 is: at `start`, or one page up when the persistent page is the first one."""
    if ih[region.start] == MARK_PERSISTENT:
        return region.start + region.page_size
    return region.start


# ---------------------------------------------------------------- public API


def filesystem_capacity(firmware_hex: str) -> int:
    """Bytes of chunk data space in this firmware's filesystem (chunks x 126).

    Each file spends 2 + len(name) bytes of it on its header, and its last chunk is
    partly empty, so the files' total size is always somewhat less than this.
    """
    return fs_region(load_hex(firmware_hex)).capacity


def read_files_from_hex(hex_text: str) -> dict[str, bytes]:
    """The files in a micro:bit V1 MicroPython hex's filesystem (empty if it has none)."""
    ih = load_hex(hex_text)
    return _read_files(ih, fs_region(ih))


def _read_files(ih: IntelHex, region: FsRegion) -> dict[str, bytes]:
    base = _chunk_base(ih, region)
    count = region.chunks
    raw = bytes(ih.tobinarray(start=base, size=count * CHUNK_SIZE))

    def chunk(index: int) -> bytes:
        return raw[(index - 1) * CHUNK_SIZE : index * CHUNK_SIZE]

    files: dict[str, bytes] = {}
    for index in range(1, count + 1):
        first = chunk(index)
        if first[0] != MARK_FILE_START:
            continue
        end_offset, name_len = first[1], first[2]
        if name_len > MAX_NAME_LENGTH or end_offset >= DATA_PER_CHUNK:
            raise FirmwareError(f"the filesystem in this hex is corrupt (chunk {index})", hint="rebuild the image")
        stream = bytearray()
        current, seen = index, set()
        while True:
            seen.add(current)
            body = chunk(current)
            following = body[-1]
            if following == MARK_UNUSED:
                stream += body[1 : 1 + end_offset]
                break
            stream += body[1:-1]
            if not 1 <= following <= count or following in seen or chunk(following)[0] != current:
                raise FirmwareError(
                    f"the filesystem in this hex is corrupt (file at chunk {index})", hint="rebuild the image"
                )
            current = following
        name = bytes(stream[2 : 2 + name_len])
        try:
            files[name.decode("utf-8")] = bytes(stream[2 + name_len :])
        except UnicodeDecodeError:
            files[name.decode("utf-8", "backslashreplace")] = bytes(stream[2 + name_len :])
    return files


def add_files_to_hex(firmware_hex: str, files: dict[str, bytes]) -> str:
    """A new Intel HEX: the firmware with `files` in its filesystem (files already in the
    hex are kept unless replaced by one of the same name).

    The whole region is written, unused chunks as 0xFF, so flashing it leaves no stale
    files behind whatever was in those pages before.
    """
    ih = load_hex(firmware_hex)
    region = fs_region(ih)
    wanted = _check_names(files)
    merged = (
        {k.encode("utf-8"): v for k, v in _read_files(ih, region).items() if k.encode("utf-8") not in wanted}
        if _has_region_data(ih, region)
        else {}
    )
    merged.update(wanted)
    needed = sum(_stream(name, data)[1] for name, data in merged.items())
    if needed > region.chunks:
        raise InvalidInput(
            f"the files need {needed * DATA_PER_CHUNK} bytes of the micro:bit's filesystem "
            f"({needed} chunks of {DATA_PER_CHUNK} bytes, names included) but only "
            f"{region.capacity} bytes fit ({region.chunks} chunks)",
            hint="leave some files out, or make them smaller (strip comments)",
        )
    image = _build_region(region, merged)
    ih.frombytes(image, offset=region.start)
    out = io.StringIO()
    ih.write_hex_file(out)
    return out.getvalue()


def _has_region_data(ih: IntelHex, region: FsRegion) -> bool:
    return any(lo < region.end + region.page_size and hi > region.start for lo, hi in ih.segments())
