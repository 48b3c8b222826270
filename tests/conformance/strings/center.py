# requires: str_center
print("[" + "ab".center(6) + "]", "[" + "abc".center(6) + "]", "[" + "toolong".center(3) + "]")
