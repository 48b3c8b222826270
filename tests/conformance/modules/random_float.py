# requires: random_extra float
import random
random.seed(3)
vals = [random.random() for _ in range(20)]
print(all(0 <= v < 1 for v in vals))
u = [random.uniform(2, 3) for _ in range(20)]
print(all(2 <= v <= 3 for v in u))
