d = {"a": 1, "b": 2}
got = []
while d:
    got.append(d.popitem())
print(sorted(got), d)
try:
    d.popitem()
except KeyError:
    print("KeyError")
