print(repr(b"\x00\x01\x7f\x80\xff"))
print(repr(b"'"), repr(b"\n\t\\"))
print(b"abc" == "abc", b"abc" != "abc")
