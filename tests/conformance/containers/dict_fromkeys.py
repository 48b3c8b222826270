# requires: dict_fromkeys
print(sorted(dict.fromkeys(["a", "b"]).items()))
print(sorted(dict.fromkeys("xy", 0).items()))
