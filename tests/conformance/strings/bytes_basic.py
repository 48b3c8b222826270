b = b"abc"
print(b, b[0], b[-1], len(b), b[1:])
print(bytes([65, 66, 67]), bytes(3), bytes(b"xy"))
print(b == b"abc", b < b"abd", b"b" in b, 98 in b)
print(list(b), b + b"def", b * 2)
