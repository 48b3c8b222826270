# requires: bigint
a = -(10 ** 20)
print(a // 7, a % 7, divmod(a, 10 ** 9))
print(abs(a), -a, a < -(2 ** 64), a > -(2 ** 67))
