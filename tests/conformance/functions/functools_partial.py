# requires: module:functools
import functools
def power(base, exp):
    return base ** exp
sq = functools.partial(power, exp=2)
two_to = functools.partial(power, 2)
print(sq(5), two_to(10))
