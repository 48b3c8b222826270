"""The endpoint's websocket framing and WebREPL's records, without a board.

Frames are built here by hand from RFC 6455 (not with boardkit's code) and read by the
endpoint's ServerWire over a socketpair; records are checked against the layout
webrepl_cli.py packs ("<2sBBQLH64s").
"""

from __future__ import annotations

import socket
import struct
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardkit.links.webrepl_protocol import (
    GET_FILE,
    PUT_FILE,
    REQUEST,
    pack_request,
    pack_response,
    parse_request,
    parse_response,
)
from boardkit.virtual.websocket_wire import BINARY, TEXT, HandshakeError, ServerWire, WireClosed, accept_key


def client_frame(opcode: int, payload: bytes, mask: bytes | None, fin: bool = True) -> bytes:
    head = bytes([(0x80 if fin else 0) | opcode])
    bit = 0x80 if mask else 0
    if len(payload) < 126:
        head += bytes([bit | len(payload)])
    elif len(payload) < 65536:
        head += bytes([bit | 126]) + struct.pack(">H", len(payload))
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", len(payload))
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += mask
    return head + payload


def pair() -> tuple[socket.socket, ServerWire]:
    client, server = socket.socketpair()
    return client, ServerWire(server)


def test_fixed_key_handshake_as_webrepl_cli_sends_it():
    client, wire = pair()
    client.sendall(
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: foo\r\n\r\n"
    )
    wire.handshake()
    reply = client.recv(4096)
    assert reply.startswith(b"HTTP/1.1 101 ")
    assert f"Sec-WebSocket-Accept: {accept_key(b'foo')}\r\n".encode() in reply
    # RFC 6455's own example key and answer
    assert accept_key(b"dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_request_without_a_key_gets_400():
    client, wire = pair()
    client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    with pytest.raises(HandshakeError):
        wire.handshake()
    assert client.recv(4096).startswith(b"HTTP/1.1 400 ")


@settings(max_examples=60, deadline=None)
@given(
    payload=st.one_of(st.binary(max_size=300), st.sampled_from([b"x" * 125, b"y" * 126, b"z" * 65535, b"w" * 65536])),
    masked=st.booleans(),
    binary=st.booleans(),
    pieces=st.integers(min_value=1, max_value=3),
)
def test_frames_masked_or_not_fragmented_or_not(payload, masked, binary, pieces):
    client, wire = pair()
    mask = b"\x01\x82\x33\xf4" if masked else None
    opcode = BINARY if binary else TEXT
    cut = [payload[i * len(payload) // pieces : (i + 1) * len(payload) // pieces] for i in range(pieces)]
    data = b"".join(
        client_frame(opcode if i == 0 else 0, part, mask, fin=i == pieces - 1) for i, part in enumerate(cut)
    )
    data = client_frame(0x9, b"ping!", mask) + data  # a ping first: answered, not returned
    sender = threading.Thread(target=client.sendall, args=(data,))
    sender.start()
    assert wire.read_message() == (opcode, payload)
    sender.join()
    assert client.recv(64) == b"\x8a\x05ping!"  # the pong, unmasked


def test_close_frame_is_answered():
    client, wire = pair()
    client.sendall(client_frame(0x8, struct.pack(">H", 1000), b"abcd"))
    with pytest.raises(WireClosed):
        wire.read_message()
    assert client.recv(64) == b"\x88\x02\x03\xe8"


def test_sent_frames_use_lengths_webrepl_cli_reads():
    client, wire = pair()
    wire.send(TEXT, b"a" * 100_000)  # more than one frame, none with a 64-bit length
    got = b""
    while len(got) < 100_000:
        head = client.recv(2, socket.MSG_WAITALL)
        assert head[0] == 0x81 and head[1] & 0x7F != 127 and not head[1] & 0x80
        length = head[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack(">H", client.recv(2, socket.MSG_WAITALL))
        got += client.recv(length, socket.MSG_WAITALL)
    assert got == b"a" * 100_000


def test_records_match_webrepl_cli_layout():
    record = pack_request(PUT_FILE, "/lib/x.py", 1234)
    assert len(record) == 82 == REQUEST.size
    assert record == struct.pack("<2sBBQLH64s", b"WA", 1, 0, 0, 1234, 9, b"/lib/x.py")
    parsed = parse_request(record)
    assert (parsed.op, parsed.size, parsed.path) == (PUT_FILE, 1234, "/lib/x.py")
    # a name cut at its length field and at a NUL, as the board reads a C string
    raw = struct.pack("<2sBBQLH64s", b"WA", GET_FILE, 0, 0, 0, 3, b"abc\x00def")
    assert parse_request(raw).name == b"abc"
    assert parse_response(pack_response(0)) == 0 and pack_response(2) == b"WB\x02\x00"
    with pytest.raises(ValueError):
        pack_request(PUT_FILE, "n" * 65)
    with pytest.raises(ValueError):
        parse_response(b"XX\x00\x00")
