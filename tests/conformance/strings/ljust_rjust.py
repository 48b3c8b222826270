# requires: str_ljust
print("[" + "ab".ljust(5) + "]", "[" + "ab".rjust(5) + "]")
print("ab".ljust(5, "."), "ab".rjust(5, "0"), "abc".ljust(1))
