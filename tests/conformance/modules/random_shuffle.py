# requires: random_shuffle set
import random
random.seed(5)
l = list(range(10))
random.shuffle(l)
print(sorted(l) == list(range(10)), len(l))
s = random.sample(range(100), 5)
print(len(s), len(set(s)) == 5 if True else 0)
