print(bin(10), hex(255), oct(64))
print(bin(-3), hex(-255), oct(-8), bin(0))
print(int(bin(37), 2), int(hex(999), 16), int(oct(77), 8))
