b = b"abc"
try:
    b[0] = 1
except TypeError:
    print("TypeError")
print(str(b[0]), b[0:1] == b"a")
try:
    bytes([256])
except ValueError:
    print("ValueError")
