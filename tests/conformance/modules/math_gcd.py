# requires: math_gcd float
import math
print(math.gcd(12, 18), math.gcd(7, 5), math.gcd(0, 9))
