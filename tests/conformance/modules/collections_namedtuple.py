# requires: module:collections
from collections import namedtuple
Point = namedtuple("Point", ("x", "y"))
p = Point(1, 2)
q = Point(x=3, y=4)
print(p.x, p.y, q.x + q.y, p[0], len(p))
x, y = p
print(x, y, p == (1, 2), tuple(q))
print(p)
