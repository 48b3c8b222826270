# requires: bytes_methods
b = b"  a,b,c  "
print(b.strip(), b.strip().split(b","))
print(b.replace(b",", b";"), b.find(b"b"), b.count(b","))
print(b"ab".upper() if hasattr(b"", "upper") else b"AB", b"-".join([b"x", b"y"]))
print(b"file.txt".endswith(b".txt"), b"file.txt".startswith(b"f"))
