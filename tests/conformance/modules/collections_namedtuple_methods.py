# requires: namedtuple_methods
from collections import namedtuple
P = namedtuple("P", "a b")
p = P(1, 2)
print(p._fields, p._replace(b=5), sorted(p._asdict().items()))
