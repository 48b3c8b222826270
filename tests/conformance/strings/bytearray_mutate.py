# requires: bytearray
ba = bytearray(b"hello")
ba[0] = 74
print(ba, len(ba))
ba.append(33)
ba.extend(b"??")
print(ba, bytes(ba))
print(bytearray(3), bytearray([1, 2]), ba[1:3])
