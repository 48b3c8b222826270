# requires: bigint
x = 2 ** 30 - 1
for i in range(4):
    x = x * 2 + 1
    print(x, isinstance(x, int))
print(2 ** 62 + 2 ** 62 == 2 ** 63)
print(2 ** 31 - 2 ** 31, (2 ** 40) // (2 ** 38))
