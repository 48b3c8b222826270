# requires: round_int_ndigits
print(round(1234, -2), round(1250, -2), round(-777, -1))
print(round(5, 2), round(49, -2))
