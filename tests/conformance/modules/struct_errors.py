# requires: module:struct struct_size_check
import struct
for fmt, data in (("<H", b"\x01"), ("<I", b"\x01\x02")):
    try:
        struct.unpack(fmt, data)
        print("no error")
    except Exception:
        print("raised")
