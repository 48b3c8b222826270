# requires: double
print(0.1 + 0.2)
print(1 / 3, 2 / 3)
print(repr(1.1), 1e16, 1.5e-7)
print(2 ** 0.5)
