# requires: memoryview bytearray
ba = bytearray(b"abcdef")
m = memoryview(ba)
print(m[0], len(m), bytes(m[1:3]))
m[0] = 65
print(ba)
print(bytes(memoryview(b"xyz")[1:]))
