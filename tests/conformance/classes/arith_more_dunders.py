# requires: all_special_methods
class Num:
    def __init__(self, v):
        self.v = v
    def __mul__(self, k):
        return Num(self.v * k)
    def __floordiv__(self, k):
        return Num(self.v // k)
    def __mod__(self, k):
        return Num(self.v % k)
    def __and__(self, k):
        return Num(self.v & k)
    def __lshift__(self, k):
        return Num(self.v << k)
    def __neg__(self):
        return Num(-self.v)
n = Num(13)
print((n * 3).v, (n // 4).v, (n % 5).v, (n & 6).v, (n << 2).v, (-n).v)
