# requires: float
print(7 / 2, 1 / 4, -9 / 2)
print(isinstance(4 / 2, float), 4 / 2)
print("%.3f" % (1 / 3), "%.4f" % (2 / 3))
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2)
