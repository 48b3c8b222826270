# requires: math_special float
import math
print(round(math.gamma(6)), "%.4f" % math.lgamma(3), "%.4f" % math.erf(0.5), "%.4f" % math.erfc(0.5))
