# requires: int_bytes
print((1024).to_bytes(2, "big"), (1024).to_bytes(2, "little"))
print(int.from_bytes(b"\x01\x00", "big"), int.from_bytes(b"\x01\x00", "little"))
print(int.from_bytes(b"\xff", "big"), (5).to_bytes(1, "big"))
