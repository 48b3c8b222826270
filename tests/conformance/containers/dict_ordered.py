# requires: dict_ordered
d = {}
for k in ("zeta", "alpha", "mid", "beta"):
    d[k] = len(k)
print(list(d), list(d.values()))
del d["alpha"]
d["alpha"] = 0
print(list(d.items()))
