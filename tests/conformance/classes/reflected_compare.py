# requires: reflected_compare
class V:
    def __init__(self, n):
        self.n = n
    def __lt__(self, o):
        return self.n < o.n
vs = [V(3), V(1), V(2)]
print(max(vs).n, min(vs).n, V(5) > V(4), V(1) > V(4))
