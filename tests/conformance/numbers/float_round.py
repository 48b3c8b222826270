# requires: float
print(round(3.14159, 2), round(2.71828, 3), round(-1.25, 1))
print(isinstance(round(2.7), int), isinstance(round(2.5, 1), float))
print(round(7.0), round(1234.5678, -2))
