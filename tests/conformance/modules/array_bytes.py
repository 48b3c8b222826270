# requires: module:array
from array import array
a = array("B", b"\x01\x02\x03")
print(list(a), bytes(a))
h = array("H", [0x0102])
print(bytes(h) in (b"\x02\x01", b"\x01\x02"))
