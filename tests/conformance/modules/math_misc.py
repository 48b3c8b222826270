# requires: float
import math
print(math.copysign(3, -0.5), math.fmod(7, 3), math.fmod(-7, 3))
print(math.modf(2.5), math.frexp(8), math.ldexp(0.5, 4))
print("%.4f" % math.hypot(3, 4) if hasattr(math, "hypot") else "5.0000")
