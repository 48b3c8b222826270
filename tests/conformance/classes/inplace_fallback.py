# requires: inplace_fallback
class Vec:
    def __init__(self, x):
        self.x = x
    def __add__(self, o):
        return Vec(self.x + o.x)
a = Vec(1)
c = a
c += Vec(5)
print(c.x, a.x, c is a)
