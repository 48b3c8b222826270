# requires: module:struct
import struct
for fmt in ("<b", "<h", "<i", "<q", "<HI", "<3B", ">d", "<f"):
    print(fmt, struct.calcsize(fmt))
