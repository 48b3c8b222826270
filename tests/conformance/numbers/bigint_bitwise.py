# requires: bigint
a = (1 << 70) | 5
print(a, a >> 68, a & 0xff, a ^ (1 << 70))
print(hex(1 << 80), bin(1 << 65)[:5])
print(-(1 << 70) >> 3)
