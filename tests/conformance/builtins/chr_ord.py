print([ord(c) for c in "Hi!"])
print("".join([chr(x) for x in [80, 121]]))
print(chr(ord("a") + 25), ord(chr(126)))
