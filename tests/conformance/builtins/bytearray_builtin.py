# requires: bytearray
print(bytearray(), bytearray(2), bytearray([65, 66]), bytearray(b"hi"))
print(bytearray(b"ab") == b"ab", len(bytearray(4)))
