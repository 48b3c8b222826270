d = {"a": 1, "b": 2}
k = d.keys()
v = d.values()
d["c"] = 3
print(sorted(k), sorted(v), "a" in k, "z" in k)
print(sorted(d.items())[0], list(k) == list(d))
