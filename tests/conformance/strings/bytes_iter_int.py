total = 0
for x in b"\x01\x02\x03":
    total += x
print(total)
print([x * 2 for x in b"AB"])
print(b"A"[0] == 65, isinstance(b"A"[0], int))
