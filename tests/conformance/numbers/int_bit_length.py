# requires: int_bit_length
for n in (0, 1, 2, 255, 256, -8):
    print(n, n.bit_length())
