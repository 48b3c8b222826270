d = {"a": 1, "b": 2}
d["c"] = 3
print(d["a"], d.get("z"), d.get("z", 0), len(d), "b" in d, 2 in d)
print(d.pop("a"), d.pop("zz", "default"), sorted(d))
print(d.setdefault("b", 9), d.setdefault("e", 5), sorted(d.items()))
del d["b"]
print(sorted(d.keys()), sorted(d.values()))
