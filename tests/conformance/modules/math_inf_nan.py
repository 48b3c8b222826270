# requires: float
import math
print(math.isinf(float("inf")), math.isinf(1.0), math.isnan(float("nan")), math.isnan(0.0))
print(math.isfinite(1.0) if hasattr(math, "isfinite") else True)
try:
    math.sqrt(-1)
except ValueError:
    print("ValueError")
