class Base:
    def __init__(self, v):
        self.v = v
    def show(self):
        return "base %d" % self.v
class Child(Base):
    def __init__(self, v, w):
        super().__init__(v)
        self.w = w
    def show(self):
        return super().show() + " child %d" % self.w
c = Child(1, 2)
print(c.show(), c.v, c.w)
