# requires: memoryview
m = memoryview(b"abc")
print(len(m), m[0], bytes(m[1:]), m[-1])
