s = "  \t padded \n "
print("[" + s.strip() + "]", "[" + s.lstrip() + "]", "[" + s.rstrip() + "]")
print("xxhixx".strip("x"), "abcba".strip("ab"), "--a".lstrip("-"), "a..".rstrip("."))
