# requires: reverse_ops
class N:
    def __init__(self, v):
        self.v = v
    def __radd__(self, o):
        return N(o + self.v)
    def __rsub__(self, o):
        return N(o - self.v)
print((1 + N(2)).v, (10 - N(4)).v)
