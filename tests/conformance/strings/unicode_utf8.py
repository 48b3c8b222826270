# requires: unicode str_encode
b = "\u20ac5".encode("utf-8")
print(b, len(b))
print(b.decode("utf-8") == "\u20ac5", len(b.decode("utf-8")))
print("\u03b1\u03b2\u03b3"[1] == "\u03b2")
