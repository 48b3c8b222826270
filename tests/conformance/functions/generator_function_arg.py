def apply_all(fns, x):
    return [fn(x) for fn in fns]
print(apply_all([str, abs, lambda v: v * v], -3))
print(list(map(str.upper, ["a", "b"])))
