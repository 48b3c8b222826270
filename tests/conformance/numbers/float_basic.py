# requires: float
a = 1.5
b = 0.25
print(a + b, a - b, a * b, a / b)
print(-a, abs(-b), a * 2)
print(1.0, 2.5, -0.75, 100.0)
