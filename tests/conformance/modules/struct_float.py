# requires: module:struct float
import struct
p = struct.pack("<f", 1.5)
print(p, struct.unpack("<f", p))
print(struct.unpack("<d", struct.pack("<d", -2.25)))
