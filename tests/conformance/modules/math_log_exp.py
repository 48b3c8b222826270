# requires: float
import math
print("%.4f %.4f %.4f" % (math.exp(1), math.log(math.e), math.log(100) / math.log(10)))
print("%.4f" % math.exp(-1), "%.4f" % math.log(0.5), "%.3f" % math.log(8, 2))
