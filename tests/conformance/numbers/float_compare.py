# requires: float
print(1.0 == 1, 0.5 < 1, 2.0 > 1.99, 3 == 3.0)
print(max(1, 2.5), min(-0.5, 0))
print(sorted([2.5, -1, 0.75, 1]))
print(1 / 2 == 0.5, 0.1 * 3 == 0.3 or True)
