# requires: module:struct
import struct
print(struct.unpack("<H", b"\x02\x01"), struct.unpack(">H", b"\x02\x01"))
print(struct.unpack("<hI", b"\xff\xff\x10\x00\x00\x00"))
a, b = struct.unpack("BB", b"\x05\x06")
print(a + b)
print(struct.unpack("<bb", b"\x80\x7f"))
