d = {"a": [1]}
c = d.copy()
c["b"] = 2
c["a"].append(2)
print(sorted(d.items()), sorted(c.items()))
print({1: 2} == {1: 2}, {1: 2} != {1: 3}, {} == {})
