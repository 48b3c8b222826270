# requires: num_underscore
print(1_000_000)
print(0x_FF_FF, 0b_1010_1010, 0o_7_7)
print(int("1_000"))
