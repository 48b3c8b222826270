# requires: module:struct
import struct
print(struct.pack("<H", 258), struct.pack(">H", 258))
print(struct.pack("<I", 1), struct.pack("<i", -2))
print(struct.pack("<bBhH", -1, 255, -2, 65535))
print(struct.pack(">2H", 1, 2), len(struct.pack("<HHI", 1, 2, 3)))
