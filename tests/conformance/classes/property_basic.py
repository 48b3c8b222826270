# requires: property
class Temp:
    def __init__(self):
        self._c = 0
    @property
    def c(self):
        return self._c
    @c.setter
    def c(self, v):
        if v < -273:
            raise ValueError("too cold")
        self._c = v
t = Temp()
t.c = 25
print(t.c)
try:
    t.c = -300
except ValueError:
    print("ValueError", t.c)
