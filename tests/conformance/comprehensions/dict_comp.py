d = {k: k * k for k in range(5)}
print(sorted(d.items()))
inv = {v: k for k, v in {"a": 1, "b": 2}.items()}
print(sorted(inv.items()))
print(sorted({c: i for i, c in enumerate("abca")}.items()))
