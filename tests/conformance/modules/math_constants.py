# requires: float
import math
print("%.5f %.5f" % (math.pi, math.e))
print(round(math.pi * 1000))
