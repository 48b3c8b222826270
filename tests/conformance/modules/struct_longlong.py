# requires: module:struct bigint
import struct
p = struct.pack("<q", -2)
print(p, struct.unpack("<q", p))
print(struct.unpack("<Q", b"\xff" * 8))
