# requires: next_default
it = iter([1])
print(next(it, "a"), next(it, "b"), next(it, None))
g = (x for x in [])
print(next(g, 0))
