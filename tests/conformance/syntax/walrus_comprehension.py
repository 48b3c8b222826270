# requires: walrus
vals = [y for x in range(6) if (y := x * x) % 2 == 0]
print(vals)
def f(data):
    return [z for v in data if (z := v + 1) > 2]
print(f([1, 2, 3]))
