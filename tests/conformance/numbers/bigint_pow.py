# requires: bigint
print(2 ** 200)
print(7 ** 50)
print((10 ** 30 + 1) ** 2)
