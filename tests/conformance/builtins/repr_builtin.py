print(repr(1), repr("a"), repr([1, "b"]), repr((1,)), repr({"k": None}))
print(repr(None), repr(True), repr(()), repr([]), repr({}), repr(""))
print(repr([[], [()]]), repr(-7))
