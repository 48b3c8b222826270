# requires: pow3
print(pow(3, 4, 5), pow(2, 10, 1000), pow(7, 0, 3))
print(pow(123, 45, 67))
