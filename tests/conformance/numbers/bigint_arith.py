# requires: bigint
a = 2 ** 64
b = 3 ** 40
print(a, b)
print(a + b, a - b, b - a)
print(a * b)
print(a // 12345, a % 12345)
