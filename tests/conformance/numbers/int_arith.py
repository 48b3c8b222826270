a, b = 17, 5
print(a + b, a - b, a * b, a // b, a % b, a ** 2)
print(-a + b, -(a * b), +a)
print(0 * 99, 1 - 1, 100 - 250)
