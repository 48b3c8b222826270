# requires: frozenset set
f = frozenset([1, 2, 2, 3])
print(len(f), sorted(f), 2 in f)
d = {f: "frozen"}
print(d[frozenset([3, 2, 1])])
print(sorted(f | {4}), f == {1, 2, 3})
try:
    f.add(4)
except AttributeError:
    print("AttributeError")
