s = "a\tb\nc\\d"
print(s)
print(len("\x41\x42"), "\x41\x42")
print("\101\102", len("\0"))
print(repr("\n"), repr("\t"), repr("\\"))
print("a\
b")
