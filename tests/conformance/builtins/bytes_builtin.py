print(bytes(2), bytes([1, 2]), bytes(b"ab"), bytes("x", "utf-8"), bytes())
print(len(bytes(10)), bytes(range(65, 68)))
