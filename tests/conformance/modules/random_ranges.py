# requires: random_extra
import random
random.seed(1)
ok = True
for _ in range(50):
    ok = ok and 3 <= random.randint(3, 5) <= 5
    ok = ok and random.randrange(10) in range(10)
    ok = ok and random.randrange(2, 20, 3) in range(2, 20, 3)
    ok = ok and random.choice("xyz") in "xyz"
print(ok, random.randint(9, 9), random.choice([4]))
