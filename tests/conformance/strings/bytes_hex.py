# requires: bytes_hex
print(b"\x00\x0f\xff".hex(), bytes.fromhex("deadbeef"))
print(bytes.fromhex("4142"), b"AZ".hex())
