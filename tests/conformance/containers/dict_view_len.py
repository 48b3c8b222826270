# requires: dict_view_len
d = {"a": 1, "b": 2}
k = d.keys()
d["c"] = 3
print(len(k), len(d.values()), len(d.items()))
