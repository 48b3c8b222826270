"""UF2 images, and the RP2040 kit: MicroPython's UF2 plus a littlefs2 filesystem image.

UF2 (github.com/microsoft/uf2) is a file of 512-byte blocks, each self-contained:

    0   magic 0x0A324655       16  block number        32  data (476 bytes, `payload` used)
    4   magic 0x9E5D5157       20  number of blocks    508 magic 0x0AB16F30
    8   flags                  24  file size, or the family id (flag 0x2000)
    12  target address         28  payload size

The RP2040 boot ROM (its RPI-RP2 drive) takes 256-byte payloads at 256-byte aligned
addresses, family 0xe48bff56. Flash is mapped at 0x10000000 (XIP), so a flash offset
becomes the address 0x10000000 + offset.

MicroPython's rp2 port keeps a littlefs2 filesystem at the end of flash (RPI_PICO: 1408 KB
at offset 0xa0000) and mounts it in _boot.py as `vfs.VfsLfs2(rp2.Flash(), progsize=256)`:
4096-byte blocks (the flash sector), program size 256, read size and lookahead at
MicroPython's defaults (32). `add_littlefs_to_uf2` builds that filesystem with littlefs-python
and appends it to the firmware's blocks, so one drag-and-drop leaves the Pico with its files.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

from boardkit.errors import FirmwareError, UsageError

BLOCK_SIZE = 512
DATA_SIZE = 476
MAGIC_START0 = 0x0A324655
MAGIC_START1 = 0x9E5D5157
MAGIC_END = 0x0AB16F30
FLAG_NOT_MAIN_FLASH = 0x00000001
FLAG_FAMILY_ID = 0x00002000

RP2040_FAMILY = 0xE48BFF56
XIP_BASE = 0x10000000
RP2040_PAYLOAD = 256

# MicroPython's littlefs settings for the rp2 port (ports/rp2/modules/_boot.py,
# extmod/vfs_lfs.c defaults). The on-disk version is pinned to 2.0, which every lfs2 reads.
LFS_READ_SIZE = 32
LFS_PROG_SIZE = 256
LFS_LOOKAHEAD = 32
LFS_NAME_MAX = 255
LFS_DISK_VERSION = 0x00020000


@dataclass(frozen=True)
class Uf2Block:
    address: int
    payload: bytes
    flags: int = FLAG_FAMILY_ID
    family: int | None = None     # family id, when flags has FLAG_FAMILY_ID
    block_no: int = 0
    num_blocks: int = 0


# ---------------------------------------------------------------- reading

def read_uf2(data: bytes) -> list[Uf2Block]:
    """Every block of a UF2 file (FirmwareError if it is not one)."""
    if not data or len(data) % BLOCK_SIZE:
        raise FirmwareError(f"not a UF2 image: {len(data)} bytes is not a whole number of {BLOCK_SIZE}-byte blocks",
                            hint="check it is the .uf2 for this board")
    blocks = []
    for index in range(len(data) // BLOCK_SIZE):
        raw = data[index * BLOCK_SIZE:(index + 1) * BLOCK_SIZE]
        m0, m1, flags, address, size, block_no, num_blocks, extra = struct.unpack_from("<8I", raw)
        (m_end,) = struct.unpack_from("<I", raw, BLOCK_SIZE - 4)
        if (m0, m1, m_end) != (MAGIC_START0, MAGIC_START1, MAGIC_END):
            raise FirmwareError(f"not a UF2 image: block {index} has wrong magic numbers",
                                hint="check it is the .uf2 for this board")
        if size > DATA_SIZE:
            raise FirmwareError(f"corrupt UF2 image: block {index} claims {size} bytes of data",
                                hint="download it again")
        blocks.append(Uf2Block(address=address, payload=raw[32:32 + size], flags=flags,
                               family=extra if flags & FLAG_FAMILY_ID else None,
                               block_no=block_no, num_blocks=num_blocks))
    return blocks


def uf2_blocks(data: bytes) -> list[tuple[int, bytes]]:
    """(address, payload) of each block that goes to main flash, in file order."""
    return [(b.address, b.payload) for b in read_uf2(data) if not b.flags & FLAG_NOT_MAIN_FLASH]


def uf2_family(data: bytes) -> int | None:
    """The family id of a UF2 file's main-flash blocks (FirmwareError if they disagree)."""
    families = {b.family for b in read_uf2(data) if not b.flags & FLAG_NOT_MAIN_FLASH}
    if len(families) > 1:
        listed = ", ".join(f"{f:#010x}" if f is not None else "none" for f in families)
        raise FirmwareError(f"this UF2 image mixes families ({listed})",
                            hint="use an image built for one chip")
    return families.pop() if families else None


def flash_bytes(data: bytes, start: int, size: int, fill: int = 0xFF) -> bytes:
    """The bytes a UF2 file puts in [start, start + size) (fill where it writes nothing)."""
    out = bytearray([fill]) * size
    for address, payload in uf2_blocks(data):
        lo, hi = max(address, start), min(address + len(payload), start + size)
        if lo < hi:
            out[lo - start:hi - start] = payload[lo - address:hi - address]
    return bytes(out)


# ---------------------------------------------------------------- writing

def _pack(block: Uf2Block, block_no: int, num_blocks: int) -> bytes:
    flags = block.flags | (FLAG_FAMILY_ID if block.family is not None else 0)
    header = struct.pack("<8I", MAGIC_START0, MAGIC_START1, flags, block.address, len(block.payload),
                         block_no, num_blocks, block.family if block.family is not None else 0)
    return header + block.payload.ljust(DATA_SIZE, b"\x00") + struct.pack("<I", MAGIC_END)


def pack_blocks(blocks: list[Uf2Block]) -> bytes:
    """Blocks as one UF2 file, numbered 0..n-1 of n (the boot ROM counts them to know it is done)."""
    total = len(blocks)
    return b"".join(_pack(block, number, total) for number, block in enumerate(blocks))


def _pages(segments: list[tuple[int, bytes]], payload: int) -> list[tuple[int, bytes]]:
    """The segments cut into `payload`-sized pages at aligned addresses (gaps filled with 0xFF)."""
    pages: dict[int, bytearray] = {}
    for address, data in segments:
        position = 0
        while position < len(data):
            at = address + position
            page = at - at % payload
            room = page + payload - at
            chunk = data[position:position + room]
            buf = pages.setdefault(page, bytearray(b"\xff" * payload))
            buf[at - page:at - page + len(chunk)] = chunk
            position += len(chunk)
    return [(page, bytes(pages[page])) for page in sorted(pages)]


def to_uf2(segments: list[tuple[int, bytes]], family: int, payload: int = RP2040_PAYLOAD) -> bytes:
    """A UF2 file writing `segments` ((address, bytes) pairs) for this family id."""
    if not 0 < payload <= DATA_SIZE:
        raise UsageError(f"a UF2 payload is 1..{DATA_SIZE} bytes, not {payload}")
    blocks = [Uf2Block(address=a, payload=p, family=family) for a, p in _pages(segments, payload)]
    if not blocks:
        raise UsageError("nothing to put in the UF2 image")
    return pack_blocks(blocks)


# ---------------------------------------------------------------- littlefs kit

def _check_paths(files: dict[str, bytes]) -> list[tuple[PurePosixPath, bytes]]:
    checked = []
    for name, data in sorted(files.items()):
        path = PurePosixPath(name.lstrip("/"))
        if not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
            raise UsageError(f"{name!r} is not a file path the board can hold",
                             hint="use relative paths like main.py or lib/helper.mpy")
        for part in path.parts:
            if len(part.encode("utf-8")) > LFS_NAME_MAX:
                raise UsageError(f"{name}: a file name is at most {LFS_NAME_MAX} bytes on littlefs")
        checked.append((path, bytes(data)))
    return checked


def littlefs_image(files: dict[str, bytes], size: int, block_size: int = 4096) -> bytes:
    """A littlefs2 image of `size` bytes holding `files`, as MicroPython's rp2 port mounts it."""
    from littlefs import LittleFS, LittleFSError

    if size <= 0 or size % block_size:
        raise UsageError(f"the filesystem size {size} is not a whole number of {block_size}-byte blocks",
                         hint="fix the board's [fs] size and block_size")
    entries = _check_paths(files)
    fs = LittleFS(block_size=block_size, block_count=size // block_size, read_size=LFS_READ_SIZE,
                  prog_size=LFS_PROG_SIZE, lookahead_size=LFS_LOOKAHEAD, name_max=LFS_NAME_MAX,
                  disk_version=LFS_DISK_VERSION, mount=False)
    fs.format()
    fs.mount()
    try:
        for path, data in entries:
            parent = ""
            for part in path.parts[:-1]:
                parent = f"{parent}/{part}" if parent else part
                try:
                    fs.mkdir(parent)
                except FileExistsError:
                    pass
            with fs.open(str(path), "wb") as f:
                f.write(data)
    except LittleFSError as exc:
        if exc.code == LittleFSError.Error.LFS_ERR_NOSPC:
            raise UsageError(f"the files ({sum(len(d) for _, d in entries)} bytes) do not fit in the "
                             f"{size}-byte filesystem ({size // block_size} blocks of {block_size})",
                             hint="leave some files out") from None
        raise FirmwareError(f"building the littlefs image failed: {exc}") from None
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
        raise UsageError(f"two kit files clash: {exc}", hint="a name cannot be both a file and a folder") from None
    fs.unmount()
    return bytes(fs.context.buffer)


def add_littlefs_to_uf2(firmware_uf2: bytes, files: dict[str, bytes], fs_offset: int, fs_size: int,
                        block_size: int = 4096) -> bytes:
    """The firmware's UF2 blocks, unchanged, then the filesystem region as a littlefs2 image.

    fs_offset is the flash offset of the filesystem, or its XIP address (>= 0x10000000, as
    boards/*.toml give it). The whole region is written, erased blocks included, so nothing
    of an older filesystem in that flash survives to confuse littlefs. All blocks are
    renumbered as one run (the boot ROM counts blocks per file).
    """
    if fs_offset is None or fs_size is None:
        raise UsageError("this board's filesystem offset and size are not known",
                         hint="give [fs] offset and size in its boards/*.toml")
    address = fs_offset if fs_offset >= XIP_BASE else XIP_BASE + fs_offset
    firmware = read_uf2(firmware_uf2)
    main = [b for b in firmware if not b.flags & FLAG_NOT_MAIN_FLASH]
    families = {b.family for b in main}
    if len(families) != 1 or None in families:
        raise FirmwareError("the firmware UF2 has no single family id",
                            hint="use MicroPython's .uf2 for this board")
    family = families.pop()
    for block in main:
        if block.address < address + fs_size and block.address + len(block.payload) > address:
            raise FirmwareError(f"the firmware writes {block.address:#x}, inside the filesystem region "
                                f"{address:#x}-{address + fs_size:#x}",
                                hint="the board's [fs] offset does not match this firmware")
    image = littlefs_image(files, fs_size, block_size)
    fs_blocks = [Uf2Block(address=a, payload=p, family=family)
                 for a, p in _pages([(address, image)], RP2040_PAYLOAD)]
    return pack_blocks(firmware + fs_blocks)


def read_littlefs_files(image: bytes, block_size: int = 4096) -> dict[str, bytes]:
    """The files in a littlefs2 image (path -> bytes), for checks and tests."""
    from littlefs import LittleFS

    fs = LittleFS(block_size=block_size, block_count=len(image) // block_size, read_size=LFS_READ_SIZE,
                  prog_size=LFS_PROG_SIZE, lookahead_size=LFS_LOOKAHEAD, mount=False)
    fs.context.buffer[:] = image
    fs.mount()
    out = {}
    for root, _dirs, names in fs.walk("/"):
        for name in names:
            path = f"{root.rstrip('/')}/{name}".lstrip("/")
            with fs.open(path, "rb") as f:
                out[path] = f.read()
    return out
