# requires: module:struct
import struct
p = struct.pack("<3sB", b"abc", 7)
print(p, struct.unpack("<3sB", p))
print(struct.pack("<4s", b"ab"))
