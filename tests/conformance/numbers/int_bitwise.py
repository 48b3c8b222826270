a, b = 0b1100, 0b1010
print(a & b, a | b, a ^ b, ~a)
print(-1 & 0xff, -8 | 3, -5 ^ 2)
print(1 << 10, 1024 >> 3, -16 >> 2)
