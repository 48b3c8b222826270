# requires: memoryview bytearray slice_assign
ba = bytearray(6)
m = memoryview(ba)
m[2:4] = b"hi"
print(ba)
