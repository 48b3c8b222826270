# requires: bigint
n = int("123456789012345678901234567890")
print(n * 2, n // 7)
print(int("ffffffffffffffffffff", 16))
print(str(10 ** 25)[:8], len(str(2 ** 100)))
