# requires: bytearray bytearray_slice_assign
ba = bytearray(b"abcdef")
ba[1:3] = b"XY"
print(ba)
ba[0:2] = b""
print(ba)
ba[-1:] = b"!!"
print(ba, len(ba))
