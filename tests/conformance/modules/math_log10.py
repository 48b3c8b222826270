# requires: math_log10 float
import math
print("%.4f %.4f %.4f" % (math.log10(1000), math.log2(8), math.log10(0.01)))
