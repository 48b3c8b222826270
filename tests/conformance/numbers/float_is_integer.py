# requires: float float_is_integer
print((2.0).is_integer(), (2.5).is_integer())
print(float(7).is_integer())
