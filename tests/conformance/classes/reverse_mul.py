# requires: reverse_ops all_special_methods
class N:
    def __init__(self, v):
        self.v = v
    def __rmul__(self, o):
        return N(o * self.v)
print((3 * N(4)).v)
