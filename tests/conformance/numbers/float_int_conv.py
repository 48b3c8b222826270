# requires: float
print(int(3.7), int(-3.7), int(2.0), int(-0.5))
print(float(3), float(-2), float("1.5"), float(" -2.25 "))
print(float("1e3"), float("-1E-2") * 100)
print(int(1e6), round(2.7), round(-2.7))
