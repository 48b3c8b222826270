# requires: math_isclose float
import math
print(math.isclose(0.1 + 0.2, 0.3), math.isclose(1, 1.1), math.isclose(1, 1.05, rel_tol=0.1))
print(math.isclose(0, 1e-12, abs_tol=1e-9))
