print(pow(2, 5), pow(-2, 2), pow(10, 0))
print(2 ** 8 == pow(2, 8))
