# requires: float
print(float(), float(3), float("2.5"), float("-0.125"), float(" 1e2 "))
try:
    float("abc")
except ValueError:
    print("ValueError")
