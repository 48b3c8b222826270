print(sorted([3, 1, 2]), sorted("bca"), sorted((5, 4)), sorted({"b": 1, "a": 2}))
print(sorted([3, 1, 2], reverse=True), sorted(["bb", "a", "ccc"], key=len))
orig = [2, 1]
s = sorted(orig)
print(orig, s)
