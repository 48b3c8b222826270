"""A test double of the ESP32 ROM serial bootloader — a SIMULATOR, not a chip.

Nothing here runs ESP32 code. The double speaks the serial protocol the ESP32 ROM
bootloader and esptool's flasher stub speak (SLIP frames carrying request/response
packets, as described in esptool's "Serial Protocol" documentation), keeps the flash in
a plain file, and lets the *real* esptool (its Python API) connect, upload its stub,
write, verify and read back. It exists because no emulator of the ESP ROM is available;
tests drive it with the real client so that boardkit's flashing code meets the real
library's behaviour.

    with EspRomDouble(tmp_path / "flash.bin") as board:      # 4 MB of 0xFF
        flash_esp(esp32_board, image, board.port)             # /dev/pts/N
        assert board.read_flash(0x1000, len(image)) == image

    EspRomDouble(..., transport="tcp").port                   # socket://127.0.0.1:PORT

What is simulated
-----------------
- ROM download mode: SYNC (eight replies, as the ROM sends), READ_REG/WRITE_REG over a
  small register file (chip-detect magic at 0x40001000, eFuse words with a simulator
  MAC 02:53:49:4d:00:01, the SPI controller's "user command" registers so that esptool's
  RDID (0x9F) and SFDP (0x5A) reads work), GET_SECURITY_INFO (unsupported on the ESP32
  ROM, answered with chip id on the S3/C3), SPI_SET_PARAMS, SPI_ATTACH, CHANGE_BAUDRATE,
  FLASH_BEGIN/DATA/END, FLASH_DEFL_BEGIN/DATA/END (zlib), SPI_FLASH_MD5 (32 hex chars),
  READ_FLASH_SLOW, MEM_BEGIN/DATA/END.
- The stub: after MEM_END with an entry point inside the uploaded RAM, the double sends
  "OHAI" and from then on answers stub-style (two status bytes, MD5 as 16 raw bytes,
  ERASE_FLASH, ERASE_REGION, READ_FLASH with its ack window and final digest).
- NOR flash: erase sets 4 KB sectors to 0xFF, a write can only clear bits (old & new), so
  a missing erase shows up as corrupt data, as on a real chip. Data checksums and block
  sequence numbers are checked.

Resets (what a pty cannot carry)
--------------------------------
A pty has no DTR/RTS lines, so the double cannot see esptool's reset pulses (esptool warns
"Chip was NOT reset" and carries on; over socket:// it uses no-reset by itself). The
double stands in for them with these rules, each a SIMULATOR convention:
- The host closing the port while the double is in the ROM or the stub resets it into ROM
  download mode (as esptool's reset-into-bootloader on the next connect would).
- Running as the "app", a SLIP frame from the host is taken as esptool having reset the
  chip into download mode: the double switches to the ROM and answers it.
- Once flash was written, plain text from the host (a REPL poke such as "\\r\\n", which no
  flasher sends) is taken as the hard reset having happened: the "app" boots. It prints a
  fake MicroPython banner, labelled as simulated, if ``banner=True`` and the flash holds
  an image header at the bootloader offset; "invalid header" (what the ROM prints) if
  not; nothing if ``banner=False`` (firmware that does not come up).
- FLASH_END / FLASH_DEFL_END asking to reboot boots the app the same way.

Faults
------
``drop_after=N``: after N bytes of flash data the link goes dead (everything is read and
ignored, nothing answered) until the host closes the port; the fault fires once.
``wrong_md5=True``: SPI_FLASH_MD5 answers a wrong digest. ``chip="esp32s3"``: report
another chip. ``state="off"``: nothing answers at all (neither bootloader nor REPL).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import select
import socket
import struct
import threading
import time
import tty
import zlib
from collections import Counter, deque
from pathlib import Path

log = logging.getLogger("esp_rom_double")

SIMULATOR_NOTE = "SIMULATOR of the ESP ROM serial bootloader (boardkit test double, not a chip)"

# Commands (esptool's ESP_CMDS numbering, from the published serial protocol).
FLASH_BEGIN, FLASH_DATA, FLASH_END = 0x02, 0x03, 0x04
MEM_BEGIN, MEM_END, MEM_DATA = 0x05, 0x06, 0x07
SYNC, WRITE_REG, READ_REG = 0x08, 0x09, 0x0A
SPI_SET_PARAMS, SPI_ATTACH, READ_FLASH_SLOW, CHANGE_BAUDRATE = 0x0B, 0x0D, 0x0E, 0x0F
FLASH_DEFL_BEGIN, FLASH_DEFL_DATA, FLASH_DEFL_END, SPI_FLASH_MD5 = 0x10, 0x11, 0x12, 0x13
GET_SECURITY_INFO = 0x14
ERASE_FLASH, ERASE_REGION, READ_FLASH, RUN_USER_CODE = 0xD0, 0xD1, 0xD2, 0xD3
STUB_ONLY = {ERASE_FLASH, ERASE_REGION, READ_FLASH, RUN_USER_CODE}

# Error codes: ROM (status byte 1, then the code) and stub.
ROM_INVALID_MESSAGE, ROM_FAILED, ROM_BAD_CRC, ROM_DEFLATE_ERROR = 0x05, 0x06, 0x07, 0x0B
STUB_BAD_DATA_CHECKSUM, STUB_NOT_IN_FLASH_MODE, STUB_INFLATE_ERROR = 0xC1, 0xC6, 0xC7
STUB_INVALID_COMMAND = 0xC3

SECTOR = 0x1000
CHECKSUM_SEED = 0xEF
CHIP_DETECT_MAGIC_REG = 0x40001000
SPI_CMD_USR = 1 << 18

# Per chip: what the ROM reports and where its registers are (public TRM / esptool data).
CHIPS = {
    "esp32": dict(
        magic=0x00F01D83,
        chip_id=None,
        boot_offset=0x1000,
        name="ESP32",
        spi_base=0x3FF42000,
        usr2=0x24,
        w0=0x80,
        addr=0x04,
        efuse_base=0x3FF5A000,
        uart_clkdiv=0x3FF40014,
    ),
    "esp32s3": dict(
        magic=0x9,
        chip_id=9,
        boot_offset=0x0,
        name="ESP32-S3",
        spi_base=0x60002000,
        usr2=0x20,
        w0=0x58,
        addr=0x04,
        efuse_base=0x60007000,
        uart_clkdiv=0x60000014,
    ),
    "esp32c3": dict(
        magic=0x1B31506F,
        chip_id=5,
        boot_offset=0x0,
        name="ESP32-C3",
        spi_base=0x60002000,
        usr2=0x20,
        w0=0x58,
        addr=0x04,
        efuse_base=0x60008800,
        uart_clkdiv=0x60000014,
    ),
}

# A made-up SPI NOR part: manufacturer 0xEF (Winbond-like), memory type 0x40, capacity
# byte log2(size) — what esptool decodes into "4MB".
JEDEC_MANUFACTURER, JEDEC_TYPE = 0xEF, 0x40
SFDP_SIGNATURE = 0x50444653


class Disconnected(Exception):
    """The host closed the port."""


# ------------------------------------------------------------------ transports


class _PtyTransport:
    def __init__(self):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        os.close(slave)  # the client opens the slave; POLLHUP on the master means "nobody there"
        self._poll = select.poll()
        self._poll.register(self.master, select.POLLIN)
        self.url = self.path

    def wait_client(self, stop: threading.Event) -> bool:
        while not stop.is_set():
            events = self._poll.poll(20)
            if not events or not events[0][1] & select.POLLHUP:
                return True
            time.sleep(0.02)
        return False

    def read(self, timeout: float) -> bytes:
        events = self._poll.poll(int(timeout * 1000))
        if not events:
            return b""
        flags = events[0][1]
        if flags & select.POLLIN:
            try:
                return os.read(self.master, 65536)
            except OSError as exc:
                if exc.errno == errno.EIO:
                    raise Disconnected() from None
                raise
        if flags & select.POLLHUP:
            raise Disconnected()
        return b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.master, view)
            except OSError as exc:
                if exc.errno in (errno.EIO, errno.EAGAIN):
                    raise Disconnected() from None
                raise
            view = view[n:]

    def end_client(self) -> None:
        pass

    def close(self) -> None:
        try:
            os.close(self.master)
        except OSError:
            pass


class _TcpTransport:
    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(0.05)
        host, port = self.server.getsockname()
        self.path = f"{host}:{port}"
        self.url = f"socket://{host}:{port}"
        self.client: socket.socket | None = None

    def wait_client(self, stop: threading.Event) -> bool:
        while not stop.is_set():
            try:
                self.client, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return True
        return False

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.client], [], [], timeout)
        if not ready:
            return b""
        try:
            data = self.client.recv(65536)
        except OSError:
            raise Disconnected() from None
        if not data:
            raise Disconnected()
        return data

    def write(self, data: bytes) -> None:
        try:
            self.client.sendall(data)
        except OSError:
            raise Disconnected() from None

    def end_client(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def close(self) -> None:
        self.end_client()
        self.server.close()


# ------------------------------------------------------------------ SLIP


class _SlipParser:
    """Bytes in; events out: ("frame", payload) or ("text", bytes outside any frame)."""

    def __init__(self):
        self.in_frame = False
        self.buf = bytearray()
        self.escape = False

    def reset(self) -> None:
        self.__init__()

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        events: list[tuple[str, bytes]] = []
        text = bytearray()
        for b in data:
            if not self.in_frame:
                if b == 0xC0:
                    if text:
                        events.append(("text", bytes(text)))
                        text.clear()
                    self.in_frame, self.buf, self.escape = True, bytearray(), False
                else:
                    text.append(b)
                continue
            if b == 0xC0:
                if self.buf:  # end of a frame; an empty one is a start marker
                    events.append(("frame", bytes(self.buf)))
                    self.in_frame = False
                    self.buf = bytearray()
                continue
            if self.escape:
                self.buf.append({0xDC: 0xC0, 0xDD: 0xDB}.get(b, b))
                self.escape = False
            elif b == 0xDB:
                self.escape = True
            else:
                self.buf.append(b)
        if text:
            events.append(("text", bytes(text)))
        return events


def slip_encode(payload: bytes) -> bytes:
    return b"\xc0" + payload.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


def _checksum(data: bytes) -> int:
    state = CHECKSUM_SEED
    for b in data:
        state ^= b
    return state


class _CommandError(Exception):
    def __init__(self, rom_code: int, stub_code: int):
        self.rom_code, self.stub_code = rom_code, stub_code


# ------------------------------------------------------------------ the double


class EspRomDouble:
    """A SIMULATED ESP ROM bootloader on a pty (``transport="pty"``) or TCP (``"tcp"``).

    ``port`` is what to give esptool or boardkit: the pty slave path, or ``socket://...``.
    ``flash`` is the backing file (created full of 0xFF at ``flash_size`` if missing).
    """

    def __init__(
        self,
        flash: Path | str,
        *,
        flash_size: int = 4 * 1024 * 1024,
        chip: str = "esp32",
        transport: str = "pty",
        banner: bool = True,
        drop_after: int | None = None,
        wrong_md5: bool = False,
        state: str = "download",
        banner_text: str | None = None,
    ):
        if chip not in CHIPS:
            raise ValueError(f"unknown chip {chip!r}; one of {', '.join(CHIPS)}")
        self.chip = chip
        self.spec = CHIPS[chip]
        self.flash_path = Path(flash)
        if not self.flash_path.exists() or self.flash_path.stat().st_size != flash_size:
            self.flash_path.write_bytes(b"\xff" * flash_size)
        self.flash_size = flash_size
        self.flash = bytearray(self.flash_path.read_bytes())
        self._file = open(self.flash_path, "r+b")
        self.banner = banner
        self.banner_text = banner_text
        self.drop_after = drop_after
        self.wrong_md5 = wrong_md5
        self.state = state  # "download" (ROM), "stub", "app", "dead", "off"
        self.stats: Counter = Counter()
        self.commands: list[str] = []
        self.output: list[bytes] = []  # what the "app" printed (for tests)
        self._flash_written = False
        self._flash_data_bytes = 0
        self._regs: dict[int, int] = {}
        self._ram: list[tuple[int, bytearray]] = []
        self._write: dict | None = None
        self._mem: dict | None = None
        self._parser = _SlipParser()
        self._events: deque = deque()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._transport = _PtyTransport() if transport == "pty" else _TcpTransport()
        self.port = self._transport.url
        self._reset_registers()
        self._thread = threading.Thread(target=self._serve, name=f"esp-rom-double {self.port}", daemon=True)

    # -- lifecycle
    def start(self) -> EspRomDouble:
        log.warning(
            "esp_rom_double: %s — %s on %s, flash file %s (%d bytes)",
            SIMULATOR_NOTE,
            self.spec["name"],
            self.port,
            self.flash_path,
            self.flash_size,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._transport.close()
        self._file.close()

    def __enter__(self) -> EspRomDouble:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- for tests
    def read_flash(self, offset: int, size: int) -> bytes:
        with self._lock:
            return bytes(self.flash[offset : offset + size])

    def hard_reset(self, into: str = "app") -> None:
        """Press RESET (``into="app"``) or hold BOOT and press RESET (``into="download"``)."""
        with self._lock:
            if into == "app":
                self._boot_app()
            else:
                self._enter_rom()

    # -- registers
    def _reset_registers(self) -> None:
        s = self.spec
        efuse = s["efuse_base"]
        regs = {CHIP_DETECT_MAGIC_REG: s["magic"], s["uart_clkdiv"]: 347}
        # eFuse words 1 and 2 hold the MAC (with a CRC byte esptool trims): 02:53:49:4d:00:01.
        regs[efuse + 4] = 0x494D0001
        regs[efuse + 8] = 0x00000253
        if self.chip == "esp32":
            regs[efuse + 12] = (1 << 9) | (1 << 15)  # package D0WD, revision bit 0 -> v1.0
        self._regs = regs

    def _read_reg(self, addr: int) -> int:
        return self._regs.get(addr, 0)

    def _write_reg(self, addr: int, value: int, mask: int) -> None:
        old = self._regs.get(addr, 0)
        self._regs[addr] = (old & ~mask) | (value & mask)
        s = self.spec
        if addr == s["spi_base"] and self._regs[addr] & SPI_CMD_USR:
            self._spi_user_command()

    def _spi_user_command(self) -> None:
        s = self.spec
        base = s["spi_base"]
        command = self._regs.get(base + s["usr2"], 0) & 0xFF
        result = self._regs.get(base + s["w0"], 0)
        if command == 0x9F:  # RDID
            capacity = self.flash_size.bit_length() - 1
            result = JEDEC_MANUFACTURER | (JEDEC_TYPE << 8) | (capacity << 16)
        elif command == 0x5A:  # RDSFDP
            address = self._regs.get(base + s["addr"], 0) >> 8
            result = SFDP_SIGNATURE if address == 0 else 0
        elif command in (0x05, 0x35, 0x15):  # status registers
            result = 0
        self._regs[base + s["w0"]] = result
        self._regs[base] &= ~SPI_CMD_USR
        self.stats["spi_commands"] += 1

    # -- flash (NOR semantics)
    def _erase(self, offset: int, size: int) -> None:
        start = offset - offset % SECTOR
        end = min(self.flash_size, -(-(offset + size) // SECTOR) * SECTOR)
        if start < end:
            self.flash[start:end] = b"\xff" * (end - start)
            self._persist(start, end)

    def _program(self, offset: int, data: bytes) -> None:
        end = offset + len(data)
        if end > self.flash_size:
            raise _CommandError(ROM_FAILED, 0xC4)
        old = self.flash[offset:end]
        self.flash[offset:end] = bytes(a & b for a, b in zip(old, data, strict=True))
        self._persist(offset, end)
        self._flash_written = True
        self.stats["flash_bytes_written"] += len(data)

    def _persist(self, start: int, end: int) -> None:
        self._file.seek(start)
        self._file.write(self.flash[start:end])
        self._file.flush()

    # -- serving
    def _serve(self) -> None:
        t = self._transport
        while not self._stop.is_set():
            if not t.wait_client(self._stop):
                return
            self.stats["connections"] += 1
            try:
                while not self._stop.is_set():
                    self._pump(0.05)
                    while self._events:
                        kind, payload = self._events.popleft()
                        with self._lock:
                            self._dispatch(kind, payload)
            except Disconnected:
                pass
            except Exception:  # a bug in the double: say so loudly, keep serving
                log.exception("esp_rom_double: internal error")
            t.end_client()
            with self._lock:
                self._on_disconnect()

    def _pump(self, timeout: float) -> None:
        data = self._transport.read(timeout)
        if data:
            self._events.extend(self._parser.feed(data))

    def _next_frame(self, timeout: float = 3.0) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            while self._events:
                kind, payload = self._events.popleft()
                if kind == "frame":
                    return payload
            if time.monotonic() > deadline:
                raise TimeoutError("host sent nothing")
            self._pump(0.05)

    def _send(self, data: bytes) -> None:
        self._transport.write(data)

    def _on_disconnect(self) -> None:
        self._parser.reset()
        self._events.clear()
        if self.state in ("download", "stub", "dead"):
            self._enter_rom()

    def _enter_rom(self) -> None:
        self.state = "download"
        self._write = self._mem = None
        self._ram = []
        self._reset_registers()

    def _boot_app(self) -> None:
        self.state = "app"
        self._write = self._mem = None
        self.stats["app_boots"] += 1
        if not self.banner:
            return
        boot = self.spec["boot_offset"]
        if self.flash[boot] != 0xE9:
            self._app_print(b"invalid header: 0x%08x\r\n" % struct.unpack_from("<I", self.flash, boot))
            return
        text = self.banner_text or (
            f"MicroPython v1.27.0 on 2025-12-09; SIMULATED {self.spec['name']} "
            f"(boardkit esp_rom_double: no firmware runs here)\r\n"
            'Type "help()" for more information.\r\n>>> '
        )
        self._app_print(text.encode())

    def _app_print(self, data: bytes) -> None:
        self.output.append(data)
        try:
            self._send(data)
        except Disconnected:
            pass

    def _dispatch(self, kind: str, payload: bytes) -> None:
        if self.state in ("off", "dead"):
            return
        if self.state == "app":
            if kind == "frame":
                self._enter_rom()  # esptool "reset the chip into the bootloader"
                self._handle(payload)
            elif self.banner and self.flash[self.spec["boot_offset"]] == 0xE9:
                if b"\r" in payload or b"\n" in payload:
                    self._app_print(b"\r\n>>> ")
            return
        if kind == "text":
            if self._flash_written:
                self._boot_app()  # the host is poking the REPL: the hard reset happened
            return
        self._handle(payload)

    # -- packets
    def _respond(self, op: int, val: int = 0, data: bytes = b"", error: int | None = None) -> None:
        stub = self.state == "stub"
        if error is None:
            status = b"\x00\x00" if stub else b"\x00\x00\x00\x00"
        else:
            status = bytes([1, error]) + (b"" if stub else b"\x00\x00")
        body = data + status
        self._send(slip_encode(struct.pack("<BBHI", 1, op, len(body), val) + body))

    def _handle(self, frame: bytes) -> None:
        if len(frame) < 8 or frame[0] != 0:
            self.stats["bad_frames"] += 1
            return
        _, op, size, chk = struct.unpack_from("<BBHI", frame)
        data = frame[8 : 8 + size]
        self.commands.append(f"{op:#04x}")
        self.stats[f"op_{op:#04x}"] += 1
        stub = self.state == "stub"
        handler = self._HANDLERS.get(op)
        if (
            handler is None
            or (op in STUB_ONLY and not stub)
            or (op == GET_SECURITY_INFO and self.spec["chip_id"] is None)
        ):
            self._respond(op, error=STUB_INVALID_COMMAND if stub else ROM_INVALID_MESSAGE)
            return
        try:
            handler(self, op, data, chk)
        except _CommandError as exc:
            self._respond(op, error=exc.stub_code if stub else exc.rom_code)
        except struct.error:
            self._respond(op, error=0xC0 if stub else ROM_INVALID_MESSAGE)

    def _sync(self, op, data, chk):
        if data[:4] != b"\x07\x07\x12\x20":
            raise _CommandError(ROM_INVALID_MESSAGE, STUB_INVALID_COMMAND)
        val = 0 if self.state == "stub" else 0x20120707
        for _ in range(8):
            self._respond(op, val=val)

    def _cmd_read_reg(self, op, data, chk):
        (addr,) = struct.unpack_from("<I", data)
        self._respond(op, val=self._read_reg(addr))

    def _cmd_write_reg(self, op, data, chk):
        for at in range(0, len(data) - 15, 16):
            addr, value, mask, _delay = struct.unpack_from("<IIII", data, at)
            self._write_reg(addr, value, mask)
        self._respond(op)

    def _security_info(self, op, data, chk):
        info = struct.pack("<IB7BII", 0, 0, *([0] * 7), self.spec["chip_id"], 0)
        self._respond(op, data=info)

    def _ok(self, op, data, chk):
        self._respond(op)

    def _spi_set_params(self, op, data, chk):
        _fl_id, total, _block, _sector, _page, _mask = struct.unpack_from("<6I", data)
        self.stats["spi_set_params_size"] = total
        self._respond(op)

    def _flash_begin(self, op, data, chk):
        size, blocks, block_size, offset = struct.unpack_from("<4I", data)
        if offset + size > self.flash_size and size:
            raise _CommandError(ROM_FAILED, 0xC4)
        compressed = op == FLASH_DEFL_BEGIN
        self._erase(offset, size)
        self._write = dict(
            offset=offset,
            written=0,
            seq=0,
            blocks=blocks,
            block_size=block_size,
            inflate=zlib.decompressobj() if compressed else None,
            compressed=compressed,
        )
        self.stats["compressed_sessions" if compressed else "plain_sessions"] += 1
        self._respond(op)

    def _flash_data(self, op, data, chk):
        w = self._write
        if w is None or w["compressed"] != (op == FLASH_DEFL_DATA):
            raise _CommandError(ROM_FAILED, STUB_NOT_IN_FLASH_MODE)
        length, seq, _, _ = struct.unpack_from("<4I", data)
        block = data[16 : 16 + length]
        if len(block) != length or _checksum(block) != chk & 0xFF:
            raise _CommandError(ROM_BAD_CRC, STUB_BAD_DATA_CHECKSUM)
        if self.drop_after is not None and self._flash_data_bytes + length > self.drop_after:
            self.drop_after = None  # one-shot: the link goes dead here
            self.state = "dead"
            self.stats["drops"] += 1
            log.warning("esp_rom_double: simulated link drop after %d bytes of flash data", self._flash_data_bytes)
            return
        self._flash_data_bytes += length
        if seq != w["seq"]:
            raise _CommandError(ROM_FAILED, STUB_NOT_IN_FLASH_MODE)
        if w["inflate"] is not None:
            try:
                block = w["inflate"].decompress(block)
            except zlib.error:
                raise _CommandError(ROM_DEFLATE_ERROR, STUB_INFLATE_ERROR) from None
        self._program(w["offset"] + w["written"], block)
        w["written"] += len(block)
        w["seq"] += 1
        self.stats["data_blocks"] += 1
        self._respond(op)

    def _flash_end(self, op, data, chk):
        (stay,) = struct.unpack_from("<I", data) if len(data) >= 4 else (1,)
        self._write = None
        self._respond(op)
        if not stay:  # "reboot": leave the loader and run the app
            self._boot_app()

    def _flash_md5(self, op, data, chk):
        addr, size, _, _ = struct.unpack_from("<4I", data)
        if addr + size > self.flash_size:
            raise _CommandError(ROM_FAILED, 0xC4)
        digest = hashlib.md5(self.flash[addr : addr + size]).digest()
        if self.wrong_md5:
            digest = hashlib.md5(b"simulated wrong md5" + digest).digest()
        self.stats["md5_checks"] += 1
        payload = digest if self.state == "stub" else digest.hex().encode()
        self._respond(op, data=payload)

    def _read_flash_slow(self, op, data, chk):
        offset, length = struct.unpack_from("<II", data)
        chunk = bytes(self.flash[offset : offset + length]).ljust(64, b"\xff")
        self._respond(op, data=chunk[:64])

    def _read_flash(self, op, data, chk):
        offset, length, block_size, in_flight = struct.unpack_from("<4I", data)
        if offset + length > self.flash_size:
            raise _CommandError(ROM_FAILED, 0xC4)
        self._respond(op)
        payload = bytes(self.flash[offset : offset + length])
        sent = acked = 0
        while acked < length:
            while sent < length and sent - acked < in_flight * block_size:
                self._send(slip_encode(payload[sent : sent + block_size]))
                sent = min(length, sent + block_size)
            ack = self._next_frame()
            if len(ack) == 4:
                acked = struct.unpack("<I", ack)[0]
        self._send(slip_encode(hashlib.md5(payload).digest()))
        self.stats["flash_bytes_read"] += length

    def _erase_flash(self, op, data, chk):
        self._erase(0, self.flash_size)
        self.stats["erase_flash"] += 1
        self._respond(op)

    def _erase_region(self, op, data, chk):
        offset, size = struct.unpack_from("<II", data)
        if offset % SECTOR or size % SECTOR:
            raise _CommandError(ROM_FAILED, 0xC4)
        self._erase(offset, size)
        self.stats["erase_region"] += 1
        self._respond(op)

    def _mem_begin(self, op, data, chk):
        size, blocks, block_size, offset = struct.unpack_from("<4I", data)
        self._mem = dict(offset=offset, size=size, seq=0, data=bytearray())
        self._respond(op)

    def _mem_data(self, op, data, chk):
        m = self._mem
        if m is None:
            raise _CommandError(ROM_FAILED, STUB_NOT_IN_FLASH_MODE)
        length, seq, _, _ = struct.unpack_from("<4I", data)
        block = data[16 : 16 + length]
        if len(block) != length or _checksum(block) != chk & 0xFF:
            raise _CommandError(ROM_BAD_CRC, STUB_BAD_DATA_CHECKSUM)
        if seq != m["seq"]:
            raise _CommandError(ROM_FAILED, STUB_NOT_IN_FLASH_MODE)
        m["data"] += block
        m["seq"] += 1
        if len(m["data"]) >= m["size"]:
            self._ram.append((m["offset"], m["data"]))
        self._respond(op)

    def _mem_end(self, op, data, chk):
        no_entry, entry = struct.unpack_from("<II", data)
        self._mem = None
        self._respond(op)
        if no_entry:
            return
        if any(start <= entry < start + len(blob) for start, blob in self._ram):
            self.state = "stub"  # "run" the uploaded flasher stub
            self.stats["stub_runs"] += 1
            self._send(slip_encode(b"OHAI"))
        else:  # jumping into nothing: a real chip would crash
            self.state = "dead"

    _HANDLERS = {
        SYNC: _sync,
        READ_REG: _cmd_read_reg,
        WRITE_REG: _cmd_write_reg,
        GET_SECURITY_INFO: _security_info,
        SPI_SET_PARAMS: _spi_set_params,
        SPI_ATTACH: _ok,
        CHANGE_BAUDRATE: _ok,
        FLASH_BEGIN: _flash_begin,
        FLASH_DATA: _flash_data,
        FLASH_END: _flash_end,
        FLASH_DEFL_BEGIN: _flash_begin,
        FLASH_DEFL_DATA: _flash_data,
        FLASH_DEFL_END: _flash_end,
        SPI_FLASH_MD5: _flash_md5,
        READ_FLASH_SLOW: _read_flash_slow,
        READ_FLASH: _read_flash,
        ERASE_FLASH: _erase_flash,
        ERASE_REGION: _erase_region,
        MEM_BEGIN: _mem_begin,
        MEM_DATA: _mem_data,
        MEM_END: _mem_end,
    }
