# requires: struct_pack_into bytearray
import struct
buf = bytearray(8)
struct.pack_into("<HH", buf, 2, 513, 1)
print(buf)
print(struct.unpack_from("<H", buf, 2), struct.unpack_from("<B", buf))
