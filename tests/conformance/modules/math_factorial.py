# requires: math_factorial float
import math
print([math.factorial(n) for n in range(8)])
