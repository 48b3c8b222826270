# requires: float
import math
print(math.sqrt(16), math.sqrt(2.25), math.floor(2.7), math.ceil(2.1))
print(math.floor(-2.5), math.ceil(-2.5), math.fabs(-3), math.trunc(-2.9))
print(isinstance(math.floor(1.5), int), math.pow(2, 10))
