# requires: float
print(1 + 0.5, 2 * 0.25, 3 - 1.5)
print(sum([0.5, 0.25, 0.25]), sum([1, 2.5]))
print(10 ** -1 * 10, abs(-2.5))
print(divmod(7.5, 2))
