# requires: module:random
import random
random.seed(42)
a = [random.randint(1, 100) for _ in range(8)]
random.seed(42)
b = [random.randint(1, 100) for _ in range(8)]
print(a == b, all(1 <= x <= 100 for x in a))
random.seed(7)
c = [random.getrandbits(8) for _ in range(5)]
random.seed(7)
print(c == [random.getrandbits(8) for _ in range(5)], max(c) < 256)
