# requires: float
print(2 ** -1, 4 ** -2, pow(2, -2))
print(isinstance(2 ** -1, float), isinstance(2 ** 3, int))
