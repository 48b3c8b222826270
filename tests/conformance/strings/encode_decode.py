# requires: str_encode
s = "hello"
b = s.encode()
print(b, len(b), b.decode() == s)
print("abc".encode("utf-8"), b"xyz".decode("utf-8"))
